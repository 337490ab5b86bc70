package org.alpenstack.tenant.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's user and system CPU time, from /proc/self/stat (proc(5): utime and stime,
 * fields 14 and 15, in clock ticks of 1/100 s, USER_HZ on Linux), for iperf3's CPU
 * utilisation figures (iperf_util.c cpu_util, which uses getrusage(RUSAGE_SELF): the whole
 * process). Zeros where /proc is not there.
 */
record ProcessCpu(long wallNanos, long userNanos, long systemNanos) {
    private static final Path STAT = Path.of("/proc/self/stat");
    private static final long TICK_NANOS = 10_000_000L;

    static ProcessCpu now() {
        long wall = System.nanoTime();
        try {
            String s = Files.readString(STAT);
            // The command name (field 2) is in parentheses and may hold spaces: count after it.
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return new ProcessCpu(wall, Long.parseLong(f[11]) * TICK_NANOS, Long.parseLong(f[12]) * TICK_NANOS);
        } catch (IOException | RuntimeException e) {
            return new ProcessCpu(wall, 0, 0);
        }
    }

    /** Percent of one CPU since {@code start}: total, user, system (cpu_util's three numbers). */
    double[] utilisationSince(ProcessCpu start) {
        double wall = Math.max(1, wallNanos - start.wallNanos);
        double user = (userNanos - start.userNanos) * 100.0 / wall;
        double system = (systemNanos - start.systemNanos) * 100.0 / wall;
        return new double[] {user + system, user, system};
    }
}
