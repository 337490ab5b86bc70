package org.alpenstack.link.afpacket;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.MacAddress;
import org.alpenstack.link.afpacket.sys.SockFprog;

/**
 * A classic BPF program (linux/filter.h, the BSD packet filter of McCanne and Jacobson) for
 * SO_ATTACH_FILTER on a packet socket. It runs in the kernel on every frame the NIC delivers, so
 * frames no tenant wants never reach the ring.
 *
 * <p>{@link #builder()} makes the demultiplexing filter of ARCHITECTURE.md "Sharing a NIC": accept
 * a frame if its destination MAC is one of the instances' MACs (MAC mode), if it is group
 * addressed (broadcast or multicast: ARP requests, IPv6 neighbour discovery), if it is ARP, or
 * (IP mode, where instances share the NIC's MAC) if it is IPv4 or IPv6 to one of the instances'
 * addresses. The program is immutable; a port re-attaches a new one when the sets change.
 *
 * <p>Every accept is an inline {@code ret}, so conditional jumps only skip a few instructions
 * and the 8-bit jump offsets of classic BPF never limit the size of the sets.
 */
public final class BpfProgram {
    // Instruction classes, sizes, modes and operations (linux/bpf_common.h).
    public static final int LD = 0x00;
    public static final int JMP = 0x05;
    public static final int RET = 0x06;
    public static final int W = 0x00;
    public static final int H = 0x08;
    public static final int B = 0x10;
    public static final int ABS = 0x20;
    public static final int JA = 0x00;
    public static final int JEQ = 0x10;
    public static final int JGT = 0x20;
    public static final int JGE = 0x30;
    public static final int JSET = 0x40;
    public static final int K = 0x00;

    /** Return value that keeps the whole frame (the kernel truncates to min(result, length)). */
    public static final int ACCEPT = 0xffffffff;
    public static final int DROP = 0;

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_ARP = 0x0806;
    private static final int ETHERTYPE_IPV6 = 0x86dd;

    private final short[] code;
    private final byte[] jt;
    private final byte[] jf;
    private final int[] k;

    private BpfProgram(List<int[]> insns) {
        int n = insns.size();
        if (n == 0 || n > SockFprog.MAX_INSNS) {
            throw new IllegalArgumentException("a classic BPF program has 1.." + SockFprog.MAX_INSNS + " instructions, not " + n);
        }
        code = new short[n];
        jt = new byte[n];
        jf = new byte[n];
        k = new int[n];
        for (int i = 0; i < n; i++) {
            int[] in = insns.get(i);
            code[i] = (short) in[0];
            jt[i] = (byte) in[1];
            jf[i] = (byte) in[2];
            k[i] = in[3];
        }
    }

    /** A program that accepts every frame. */
    public static BpfProgram acceptAll() {
        return new BpfProgram(List.<int[]>of(new int[] {RET | K, 0, 0, ACCEPT}));
    }

    /** A program that accepts nothing (a port with no tenant yet). */
    public static BpfProgram dropAll() {
        return new BpfProgram(List.<int[]>of(new int[] {RET | K, 0, 0, DROP}));
    }

    public static Builder builder() {
        return new Builder();
    }

    public int length() {
        return code.length;
    }

    public int code(int i) {
        return code[i] & 0xffff;
    }

    public int jt(int i) {
        return jt[i] & 0xff;
    }

    public int jf(int i) {
        return jf[i] & 0xff;
    }

    public int k(int i) {
        return k[i];
    }

    /** The instructions as struct sock_filter[] bytes in host order, as SO_ATTACH_FILTER wants them. */
    public void writeTo(java.nio.ByteBuffer b) {
        for (int i = 0; i < code.length; i++) {
            int at = i * SockFprog.INSN_SIZE;
            b.putShort(at + SockFprog.INSN_CODE, code[i]);
            b.put(at + SockFprog.INSN_JT, jt[i]);
            b.put(at + SockFprog.INSN_JF, jf[i]);
            b.putInt(at + SockFprog.INSN_K, k[i]);
        }
    }

    /** tcpdump -d style listing, for logs and test failures. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < code.length; i++) {
            sb.append(String.format("(%03d) code=0x%02x jt=%d jf=%d k=0x%08x%n", i, code(i), jt(i), jf(i), k[i]));
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BpfProgram p && Arrays.equals(code, p.code) && Arrays.equals(jt, p.jt)
                && Arrays.equals(jf, p.jf) && Arrays.equals(k, p.k);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(k) * 31 + Arrays.hashCode(code);
    }

    /** Collects what to accept; {@link #build()} assembles the program. */
    public static final class Builder {
        private final Set<Long> macs = new LinkedHashSet<>();
        private final Set<Integer> ipv4 = new LinkedHashSet<>();
        private final Set<List<Integer>> ipv6 = new LinkedHashSet<>();
        private boolean groupAddressed = true;
        private boolean arp = true;

        private Builder() {
        }

        /** Accept unicast frames to this MAC (an instance's MAC in MAC mode). */
        public Builder acceptDestination(MacAddress mac) {
            macs.add(mac.bits());
            return this;
        }

        public Builder acceptDestinations(Iterable<MacAddress> all) {
            for (MacAddress m : all) {
                acceptDestination(m);
            }
            return this;
        }

        /** Accept IPv4 frames to this address whatever their MAC (IP mode). */
        public Builder acceptIpv4Destination(int address) {
            ipv4.add(address);
            return this;
        }

        public Builder acceptIpv4Destinations(Iterable<Integer> all) {
            for (int a : all) {
                acceptIpv4Destination(a);
            }
            return this;
        }

        /** Accept IPv6 frames to this 16-byte address whatever their MAC (IP mode). */
        public Builder acceptIpv6Destination(byte[] address) {
            if (address.length != 16) {
                throw new IllegalArgumentException("an IPv6 address has 16 bytes, not " + address.length);
            }
            List<Integer> words = new ArrayList<>(4);
            for (int i = 0; i < 16; i += 4) {
                words.add(((address[i] & 0xff) << 24) | ((address[i + 1] & 0xff) << 16) | ((address[i + 2] & 0xff) << 8)
                        | (address[i + 3] & 0xff));
            }
            ipv6.add(List.copyOf(words));
            return this;
        }

        /** Broadcast and multicast frames (I/G bit set); on by default. */
        public Builder acceptGroupAddressed(boolean on) {
            groupAddressed = on;
            return this;
        }

        /** ARP frames whatever their destination MAC; on by default. */
        public Builder acceptArp(boolean on) {
            arp = on;
            return this;
        }

        public BpfProgram build() {
            List<int[]> p = new ArrayList<>();
            if (arp) {
                p.add(ld(H, 12));
                p.add(jeq(ETHERTYPE_ARP, 0, 1));
                p.add(ret(ACCEPT));
            }
            if (groupAddressed) {
                // The I/G bit is the least significant bit of the first octet (IEEE 802, clause 8.2).
                p.add(ld(B, 0));
                p.add(jset(0x01, 0, 1));
                p.add(ret(ACCEPT));
            }
            for (long mac : macs) {
                p.add(ld(H, 0));
                p.add(jeq((int) (mac >>> 32) & 0xffff, 0, 3));
                p.add(ld(W, 2));
                p.add(jeq((int) mac, 0, 1));
                p.add(ret(ACCEPT));
            }
            if (!ipv4.isEmpty()) {
                p.add(ld(H, 12));
                p.add(jeq(ETHERTYPE_IPV4, 1, 0));
                p.add(ja(1 + 2 * ipv4.size()));
                // Destination address of an IPv4 header right after a 14-byte Ethernet header
                // (RFC 791 section 3.1: offset 16 in the IP header).
                p.add(ld(W, 14 + 16));
                for (int a : ipv4) {
                    p.add(jeq(a, 0, 1));
                    p.add(ret(ACCEPT));
                }
            }
            if (!ipv6.isEmpty()) {
                p.add(ld(H, 12));
                p.add(jeq(ETHERTYPE_IPV6, 1, 0));
                p.add(ja(9 * ipv6.size()));
                for (List<Integer> words : ipv6) {
                    // Destination address: offset 24 in the IPv6 header (RFC 8200 section 3),
                    // compared a 32-bit word at a time; a mismatch skips to the next address.
                    for (int w = 0; w < 4; w++) {
                        p.add(ld(W, 14 + 24 + 4 * w));
                        p.add(jeq(words.get(w), 0, 7 - 2 * w));
                    }
                    p.add(ret(ACCEPT));
                }
            }
            p.add(ret(DROP));
            return new BpfProgram(p);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("BpfProgram.Builder[macs=");
            for (long m : macs) {
                sb.append(new MacAddress(m)).append(' ');
            }
            sb.append(", ipv4=");
            for (int a : ipv4) {
                sb.append(Ipv4Address.toString(a)).append(' ');
            }
            return sb.append(", group=").append(groupAddressed).append(", arp=").append(arp).append(']').toString();
        }

        private static int[] ld(int size, int offset) {
            return new int[] {LD | size | ABS, 0, 0, offset};
        }

        private static int[] jeq(int value, int jt, int jf) {
            return new int[] {JMP | JEQ | K, jt, jf, value};
        }

        private static int[] jset(int bits, int jt, int jf) {
            return new int[] {JMP | JSET | K, jt, jf, bits};
        }

        private static int[] ja(int offset) {
            return new int[] {JMP | JA, 0, 0, offset};
        }

        private static int[] ret(int value) {
            return new int[] {RET | K, 0, 0, value};
        }
    }
}
