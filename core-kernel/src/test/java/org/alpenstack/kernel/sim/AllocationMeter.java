package org.alpenstack.kernel.sim;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;

/**
 * Measures the bytes the current thread allocates while running a piece of code, with HotSpot's
 * per-thread allocation counter; a test that needs it is skipped (not passed) on a JVM without it.
 * For "no allocation per packet" checks: warm up first, so the JIT and the pools have settled.
 */
public final class AllocationMeter {
    private AllocationMeter() {
    }

    public static long bytesAllocatedBy(Runnable work) {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "needs HotSpot's per-thread allocation counter");
        com.sun.management.ThreadMXBean hs = (com.sun.management.ThreadMXBean) mx;
        assumeTrue(hs.isThreadAllocatedMemorySupported() && hs.isThreadAllocatedMemoryEnabled(),
                "per-thread allocation counting is disabled in this JVM");
        long tid = Thread.currentThread().getId();
        long before = hs.getThreadAllocatedBytes(tid);
        work.run();
        return hs.getThreadAllocatedBytes(tid) - before;
    }
}
