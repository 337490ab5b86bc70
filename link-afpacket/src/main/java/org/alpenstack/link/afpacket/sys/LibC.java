package org.alpenstack.link.afpacket.sys;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The libc calls of the native edge, bound by JNA direct mapping ({@link Native#register}): each
 * call is one JNI transition with primitive arguments, no proxy, no reflection, no allocation.
 *
 * <p>Pointers are passed as {@code long} addresses (the C ABI passes {@code void *} and
 * {@code long} the same way on LP64 Linux, the only platform this module supports); the memory
 * behind them is a direct ByteBuffer from {@link NativeMemory} or a mapping from {@link #mmap}.
 * On failure a call returns -1 and {@link #errno()} tells why; {@link NativeException#check}
 * turns that into an exception where the caller cannot go on.
 */
public final class LibC {
    static {
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private LibC() {
    }

    /** errno of the last failed call on this thread (JNA saves it right after each native call). */
    public static int errno() {
        return Native.getLastError();
    }

    public static native int socket(int domain, int type, int protocol);

    public static native int bind(int fd, long sockaddr, int addrlen);

    public static native int setsockopt(int fd, int level, int name, long value, int len);

    public static native int getsockopt(int fd, int level, int name, long value, long lenPtr);

    /** ioctl(2) with a pointer argument (every request this module makes takes one). */
    public static native int ioctl(int fd, long request, long argp);

    /** ioctl(2) with an integer argument (TUNSETOFFLOAD, TUNSETPERSIST). */
    public static native int ioctl(int fd, long request, int arg);

    public static native long mmap(long addr, long length, int prot, int flags, int fd, long offset);

    public static native int munmap(long addr, long length);

    public static native int poll(long fds, long nfds, int timeoutMillis);

    public static native int sendmmsg(int fd, long msgvec, int vlen, int flags);

    /** recvmmsg(2); {@code timeout} is a struct timespec pointer, 0 for none. */
    public static native int recvmmsg(int fd, long msgvec, int vlen, int flags, long timeout);

    public static native long read(int fd, long buf, long count);

    public static native long write(int fd, long buf, long count);

    public static native int open(String path, int flags);

    public static native int close(int fd);

    public static native int eventfd(int initval, int flags);

    public static native int setns(int fd, int nstype);

    /** MAP_FAILED. */
    public static final long MAP_FAILED = -1L;

    // Values from the x86_64 / asm-generic Linux headers (checked against the C headers by
    // StructLayoutTest when a C compiler is present).
    public static final int AF_INET = 2;
    public static final int AF_PACKET = 17;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final int EFD_NONBLOCK = 0x800;
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int MAP_POPULATE = 0x8000;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_TRUNC = 0x20;
    public static final int CLONE_NEWNET = 0x40000000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_RCVBUF = 8;
    public static final int SO_RCVBUFFORCE = 33;
    public static final int SO_ATTACH_FILTER = 26;
    public static final int SO_DETACH_FILTER = 27;
    /** ETH_P_ALL: every protocol, as bind(2) and socket(2) want it, in network byte order. */
    public static final int ETH_P_ALL = 0x0003;

    /** htons for the protocol fields of socket(2) and sockaddr_ll on a little-endian host. */
    public static int htons(int v) {
        return java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.BIG_ENDIAN ? v & 0xffff
                : ((v & 0xff) << 8) | ((v >>> 8) & 0xff);
    }
}
