package org.alpenstack.link.afpacket;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps a port's file descriptors and ring mapping alive while any thread uses them. The RX
 * thread holds {@link #rx} for a whole receive; transmitters and control calls bracket their
 * system calls with {@link #enter()} / {@link #exit()}. {@link #close} marks the port closed,
 * then waits for both before freeing anything, so no thread ever touches an unmapped ring or a
 * descriptor number the process has since reused.
 */
final class PortGuard {
    final ReentrantLock rx = new ReentrantLock();
    private final AtomicInteger users = new AtomicInteger();
    private volatile boolean closed;

    boolean isClosed() {
        return closed;
    }

    /** False if the port is closed; otherwise the caller must call {@link #exit()}. */
    boolean enter() {
        users.incrementAndGet();
        if (closed) {
            users.decrementAndGet();
            return false;
        }
        return true;
    }

    void exit() {
        users.decrementAndGet();
    }

    /**
     * Closes once: marks the port closed, wakes the RX thread with {@code wake}, waits until no
     * receive and no other call is in progress, then runs {@code release}.
     */
    void close(Runnable wake, Runnable release) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        wake.run();
        rx.lock();
        try {
            while (users.get() > 0) {
                Thread.onSpinWait();
            }
            release.run();
        } finally {
            rx.unlock();
        }
    }
}
