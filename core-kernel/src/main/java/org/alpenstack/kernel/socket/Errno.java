package org.alpenstack.kernel.socket;

/**
 * Linux errno values (x86_64 / asm-generic, which agree for these), as the kernel returns them.
 *
 * <p>Convention in the socket layer, as in the kernel: a call returns a non-negative result on
 * success and {@code -errno} on failure, so the shim endpoint can forward the number unchanged
 * and the Java API can turn it into an exception where it wants one.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    /** "No such process": what netlink answers for deleting a route that does not exist. */
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int EWOULDBLOCK = EAGAIN;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOSPC = 28;
    public static final int EPIPE = 32;
    public static final int ERANGE = 34;
    public static final int ENOSYS = 38;
    /** ICMP host isolated (icmp_err_convert). */
    public static final int ENONET = 64;
    /** ICMP parameter problem (icmp_err_convert). */
    public static final int EPROTO = 71;
    public static final int ENOTSOCK = 88;
    public static final int EDESTADDRREQ = 89;
    public static final int EMSGSIZE = 90;
    public static final int EPROTOTYPE = 91;
    public static final int ENOPROTOOPT = 92;
    public static final int EPROTONOSUPPORT = 93;
    public static final int ESOCKTNOSUPPORT = 94;
    public static final int EOPNOTSUPP = 95;
    public static final int EPFNOSUPPORT = 96;
    public static final int EAFNOSUPPORT = 97;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETDOWN = 100;
    public static final int ENETUNREACH = 101;
    public static final int ENETRESET = 102;
    public static final int ECONNABORTED = 103;
    public static final int ECONNRESET = 104;
    public static final int ENOBUFS = 105;
    public static final int EISCONN = 106;
    public static final int ENOTCONN = 107;
    public static final int ESHUTDOWN = 108;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EHOSTDOWN = 112;
    public static final int EHOSTUNREACH = 113;
    public static final int EALREADY = 114;
    public static final int EINPROGRESS = 115;

    private Errno() {
    }

    /** The symbolic name of an errno value ("ECONNREFUSED"), or "errno N" if unknown. */
    public static String name(int errno) {
        int e = Math.abs(errno);
        for (java.lang.reflect.Field f : Errno.class.getFields()) {
            try {
                if (f.getType() == int.class && f.getInt(null) == e && !f.getName().equals("EWOULDBLOCK")) {
                    return f.getName();
                }
            } catch (IllegalAccessException ignored) {
                // public static fields are always accessible
            }
        }
        return "errno " + e;
    }
}
