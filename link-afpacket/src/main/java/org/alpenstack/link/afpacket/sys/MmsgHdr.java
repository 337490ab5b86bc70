package org.alpenstack.link.afpacket.sys;

/**
 * {@code struct mmsghdr} = {@code struct msghdr} + {@code unsigned int msg_len}, and
 * {@code struct iovec}, as sendmmsg(2) takes them (LP64 layout).
 */
public final class MmsgHdr {
    public static final int SIZE = 64;
    public static final int MSG_NAME = 0;
    public static final int MSG_NAMELEN = 8;
    public static final int MSG_IOV = 16;
    public static final int MSG_IOVLEN = 24;
    public static final int MSG_CONTROL = 32;
    public static final int MSG_CONTROLLEN = 40;
    public static final int MSG_FLAGS = 48;
    /** Bytes the kernel sent for this message, written back by sendmmsg. */
    public static final int MSG_LEN = 56;

    public static final int IOVEC_SIZE = 16;
    public static final int IOV_BASE = 0;
    public static final int IOV_LEN = 8;

    private MmsgHdr() {
    }
}
