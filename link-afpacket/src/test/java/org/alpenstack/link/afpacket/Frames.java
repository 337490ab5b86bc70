package org.alpenstack.link.afpacket;

import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.Checksum;

/** Hand-built Ethernet frames and checks for tests (RFC 826 ARP, RFC 791 IPv4, RFC 792 ICMP). */
final class Frames {
    static final int ETH_ARP = 0x0806;
    static final int ETH_IPV4 = 0x0800;
    static final int ETH_IPV6 = 0x86dd;

    private Frames() {
    }

    static void ethernet(byte[] f, long dst, long src, int type) {
        Bytes.u48(f, 0, dst);
        Bytes.u48(f, 6, src);
        Bytes.u16(f, 12, type);
    }

    static long dstMac(byte[] f, int off) {
        return Bytes.u48(f, off);
    }

    static long srcMac(byte[] f, int off) {
        return Bytes.u48(f, off + 6);
    }

    static int etherType(byte[] f, int off) {
        return Bytes.u16(f, off + 12);
    }

    /** An ARP packet (hardware Ethernet, protocol IPv4). */
    static byte[] arp(int op, long senderMac, int senderIp, long targetMac, int targetIp, long ethDst) {
        byte[] f = new byte[42];
        ethernet(f, ethDst, senderMac, ETH_ARP);
        Bytes.u16(f, 14, 1);
        Bytes.u16(f, 16, ETH_IPV4);
        f[18] = 6;
        f[19] = 4;
        Bytes.u16(f, 20, op);
        Bytes.u48(f, 22, senderMac);
        Bytes.u32(f, 28, senderIp);
        Bytes.u48(f, 32, targetMac);
        Bytes.u32(f, 38, targetIp);
        return f;
    }

    static boolean isArpRequestFor(byte[] f, int off, int len, int targetIp) {
        return len >= 42 && etherType(f, off) == ETH_ARP && Bytes.u16(f, off + 20) == 1 && Bytes.u32(f, off + 38) == targetIp;
    }

    static long arpSenderMac(byte[] f, int off) {
        return Bytes.u48(f, off + 22);
    }

    static int arpSenderIp(byte[] f, int off) {
        return Bytes.u32(f, off + 28);
    }

    static boolean isIcmpEchoRequestTo(byte[] f, int off, int len, int ip) {
        if (len < 14 + 20 + 8 || etherType(f, off) != ETH_IPV4) {
            return false;
        }
        int ihl = (f[off + 14] & 0x0f) * 4;
        return f[off + 14 + 9] == 1 && Bytes.u32(f, off + 14 + 16) == ip && (f[off + 14 + ihl] & 0xff) == 8;
    }

    /** The echo reply (RFC 792) to an echo request frame, sent from {@code myMac}. */
    static byte[] icmpEchoReply(byte[] req, int off, int len, long myMac) {
        int ipLen = Bytes.u16(req, off + 14 + 2);
        byte[] f = new byte[14 + ipLen];
        System.arraycopy(req, off, f, 0, f.length);
        ethernet(f, srcMac(req, off), myMac, ETH_IPV4);
        int ip = 14;
        int ihl = (f[ip] & 0x0f) * 4;
        int src = Bytes.u32(f, ip + 12);
        Bytes.u32(f, ip + 12, Bytes.u32(f, ip + 16));
        Bytes.u32(f, ip + 16, src);
        f[ip + 8] = 64;
        Bytes.u16(f, ip + 10, 0);
        Bytes.u16(f, ip + 10, Checksum.compute(f, ip, ihl));
        int icmp = ip + ihl;
        f[icmp] = 0;
        Bytes.u16(f, icmp + 2, 0);
        Bytes.u16(f, icmp + 2, Checksum.compute(f, icmp, ipLen - ihl));
        return f;
    }

    /** An IPv4 header + TCP or UDP with {@code payload}, checksums complete. */
    static byte[] ipv4(long dstMac, long srcMac, int src, int dst, int protocol, int id, byte[] l4) {
        byte[] f = new byte[14 + 20 + l4.length];
        ethernet(f, dstMac, srcMac, ETH_IPV4);
        int ip = 14;
        f[ip] = 0x45;
        Bytes.u16(f, ip + 2, 20 + l4.length);
        Bytes.u16(f, ip + 4, id);
        Bytes.u16(f, ip + 6, 0x4000);
        f[ip + 8] = 64;
        f[ip + 9] = (byte) protocol;
        Bytes.u32(f, ip + 12, src);
        Bytes.u32(f, ip + 16, dst);
        Bytes.u16(f, ip + 10, Checksum.compute(f, ip, 20));
        System.arraycopy(l4, 0, f, 34, l4.length);
        return f;
    }

    /** A TCP header (20 bytes, no options) followed by {@code payload}; checksum left 0. */
    static byte[] tcp(int srcPort, int dstPort, int seq, int ack, int flags, byte[] payload) {
        byte[] t = new byte[20 + payload.length];
        Bytes.u16(t, 0, srcPort);
        Bytes.u16(t, 2, dstPort);
        Bytes.u32(t, 4, seq);
        Bytes.u32(t, 8, ack);
        t[12] = 0x50;
        t[13] = (byte) flags;
        Bytes.u16(t, 14, 65535);
        System.arraycopy(payload, 0, t, 20, payload.length);
        return t;
    }

    static byte[] udp(int srcPort, int dstPort, byte[] payload) {
        byte[] u = new byte[8 + payload.length];
        Bytes.u16(u, 0, srcPort);
        Bytes.u16(u, 2, dstPort);
        Bytes.u16(u, 4, u.length);
        System.arraycopy(payload, 0, u, 8, payload.length);
        return u;
    }

    /** Where the layer-4 header of an IPv4 or IPv6 frame starts, or -1. */
    static int l4Offset(byte[] f, int off) {
        int type = etherType(f, off);
        if (type == ETH_IPV4) {
            return off + 14 + (f[off + 14] & 0x0f) * 4;
        }
        if (type == ETH_IPV6) {
            return off + 14 + 40;
        }
        return -1;
    }

    static int ipProtocol(byte[] f, int off) {
        return etherType(f, off) == ETH_IPV4 ? f[off + 14 + 9] & 0xff : f[off + 14 + 6] & 0xff;
    }

    /** The length of the L4 segment according to the IP header. */
    static int l4Length(byte[] f, int off) {
        if (etherType(f, off) == ETH_IPV4) {
            return Bytes.u16(f, off + 16) - (f[off + 14] & 0x0f) * 4;
        }
        return Bytes.u16(f, off + 14 + 4);
    }

    /** True if the TCP or UDP checksum of an IPv4/IPv6 frame verifies (sums to 0xffff). */
    static boolean l4ChecksumOk(byte[] f, int off) {
        int l4 = l4Offset(f, off);
        int len = l4Length(f, off);
        int proto = ipProtocol(f, off);
        long sum = etherType(f, off) == ETH_IPV4 ? pseudoHeaderV4(f, off + 14, proto, len)
                : Ipv6PseudoHeader.sum(f, off + 14, proto, len);
        return Checksum.fold(sum + Checksum.partial(f, l4, len)) == 0xffff;
    }

    /** The IPv4 pseudo-header sum of the IPv4 header at {@code ip}. */
    static long pseudoHeaderV4(byte[] f, int ip, int proto, int len) {
        return Checksum.pseudoHeader(Bytes.u32(f, ip + 12), Bytes.u32(f, ip + 16), proto, len);
    }

    static boolean ipv4HeaderChecksumOk(byte[] f, int off) {
        int ihl = (f[off + 14] & 0x0f) * 4;
        return Checksum.verify(f, off + 14, ihl);
    }

    static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed + (i >>> 8));
        }
        return b;
    }
}
