package org.alpenstack.link.afpacket.sys;

/**
 * {@code struct sock_fprog} and {@code struct sock_filter} (linux/filter.h): a classic BPF program
 * for SO_ATTACH_FILTER. The program is an array of 8-byte instructions {u16 code; u8 jt; u8 jf;
 * u32 k} in host order; sock_fprog is {u16 len; pointer filter}.
 */
public final class SockFprog {
    public static final int SIZE = 16;
    public static final int LEN = 0;      // unsigned short
    public static final int FILTER = 8;   // struct sock_filter *

    public static final int INSN_SIZE = 8;
    public static final int INSN_CODE = 0;
    public static final int INSN_JT = 2;
    public static final int INSN_JF = 3;
    public static final int INSN_K = 4;

    /** BPF_MAXINSNS: the kernel rejects longer classic programs. */
    public static final int MAX_INSNS = 4096;

    private SockFprog() {
    }
}
