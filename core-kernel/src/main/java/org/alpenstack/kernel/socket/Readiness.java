package org.alpenstack.kernel.socket;

/**
 * Socket readiness as poll(2) event bits, with Linux's values so the shim endpoint and a Java
 * poller can use them unchanged.
 */
public final class Readiness {
    /** Data (or a pending connection, or EOF) can be read without blocking. */
    public static final int POLLIN = 0x001;
    public static final int POLLPRI = 0x002;
    /** Data can be written without blocking (a connect completed). */
    public static final int POLLOUT = 0x004;
    /** A pending error (read it with SO_ERROR). */
    public static final int POLLERR = 0x008;
    /** Both directions are shut down (or the connection was reset). */
    public static final int POLLHUP = 0x010;
    /** The peer shut down its sending side (FIN received). */
    public static final int POLLRDHUP = 0x2000;

    private Readiness() {
    }

    public static String toString(int events) {
        StringBuilder sb = new StringBuilder();
        if ((events & POLLIN) != 0) sb.append("IN|");
        if ((events & POLLPRI) != 0) sb.append("PRI|");
        if ((events & POLLOUT) != 0) sb.append("OUT|");
        if ((events & POLLERR) != 0) sb.append("ERR|");
        if ((events & POLLHUP) != 0) sb.append("HUP|");
        if ((events & POLLRDHUP) != 0) sb.append("RDHUP|");
        return sb.length() == 0 ? "0" : sb.substring(0, sb.length() - 1);
    }
}
