package org.alpenstack.kernel.socket;

/**
 * What every socket of a NetStack has in common, whatever its protocol: an id unique within the
 * stack, a readiness (poll bits) that a poller can wait on, and a pending error (SO_ERROR).
 *
 * <p>Calls follow the kernel's convention: a non-negative result or {@code -errno}
 * (see {@link Errno}). Sockets are driven on the stack's thread only.
 */
public abstract class StackSocket {
    private final int id;
    private ReadinessListener listener;
    private int lastNotified;
    /** The error SO_ERROR reports and clears (a positive errno, or 0). */
    protected int softError;

    protected StackSocket(int id) {
        this.id = id;
    }

    public final int id() {
        return id;
    }

    /** The current poll(2) bits, see {@link Readiness}. */
    public abstract int readiness();

    /** Closes the socket; returns 0 or -errno. */
    public abstract int close();

    /** Reads and clears the pending error, like getsockopt(SO_ERROR). */
    public int takeError() {
        int e = softError;
        softError = 0;
        return e;
    }

    public int pendingError() {
        return softError;
    }

    public void setListener(ReadinessListener listener) {
        this.listener = listener;
        this.lastNotified = 0;
    }

    /**
     * Call after anything that may change readiness. Tells the listener only when the bits
     * changed or when {@code force} is set (new data on an already readable socket is news to
     * an edge-triggered poller).
     */
    protected final void notifyReadiness(boolean force) {
        ReadinessListener l = listener;
        if (l == null) {
            return;
        }
        int now = readiness();
        if (force || now != lastNotified) {
            lastNotified = now;
            l.readinessChanged(this, now);
        }
    }
}
