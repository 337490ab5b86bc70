package org.alpenstack.link.afpacket.sys;

import org.alpenstack.kernel.socket.Errno;

/**
 * A system call failed while setting up or running the native edge. Carries the Linux errno and
 * a message that names the call and says what to do about it ("AF_PACKET needs CAP_NET_RAW: run
 * as root or grant the capability"), because the person reading it is usually the operator.
 */
public final class NativeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String call;

    public NativeException(String call, int errno, String advice) {
        super(call + " failed: " + Errno.name(errno) + (advice == null || advice.isEmpty() ? "" : " (" + advice + ")"));
        this.call = call;
        this.errno = errno;
    }

    /** The positive Linux errno value. */
    public int errno() {
        return errno;
    }

    /** The call that failed, with its interesting argument ("bind(veth0)"). */
    public String call() {
        return call;
    }

    /** Throws for a -1 result with advice chosen by errno; returns {@code result} otherwise. */
    public static int check(int result, String call) {
        if (result == -1) {
            int e = LibC.errno();
            throw new NativeException(call, e, Advice.forErrno(call, e));
        }
        return result;
    }

    /** As {@link #check(int, String)} for calls returning ssize_t. */
    public static long check(long result, String call) {
        if (result == -1L) {
            int e = LibC.errno();
            throw new NativeException(call, e, Advice.forErrno(call, e));
        }
        return result;
    }
}
