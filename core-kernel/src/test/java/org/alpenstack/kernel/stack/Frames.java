package org.alpenstack.kernel.stack;

import org.alpenstack.kernel.wire.ArpPacket;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.Checksum;
import org.alpenstack.kernel.wire.EtherType;
import org.alpenstack.kernel.wire.EthernetFrame;
import org.alpenstack.kernel.wire.Icmpv4Packet;
import org.alpenstack.kernel.wire.IpProtocol;
import org.alpenstack.kernel.wire.Ipv4Packet;
import org.alpenstack.kernel.wire.UdpPacket;

/** Builds frames for tests, byte by byte, so malformed variants are easy to make. */
public final class Frames {
    private Frames() {
    }

    public static byte[] ethernet(long dst, long src, int type, byte[] payload) {
        byte[] f = new byte[EthernetFrame.HEADER_LEN + payload.length];
        EthernetFrame.destination(f, 0, dst);
        EthernetFrame.source(f, 0, src);
        EthernetFrame.etherType(f, 0, type);
        System.arraycopy(payload, 0, f, EthernetFrame.HEADER_LEN, payload.length);
        return f;
    }

    public static byte[] arp(int op, long sha, int spa, long tha, int tpa) {
        byte[] p = new byte[ArpPacket.PACKET_LEN];
        ArpPacket.emit(p, 0, op, sha, spa, tha, tpa);
        return p;
    }

    /** An IPv4 packet with a 20-byte header and a correct checksum. */
    public static byte[] ipv4(int src, int dst, int protocol, int ttl, int id, int flagsOffset, byte[] payload) {
        byte[] p = new byte[Ipv4Packet.HEADER_LEN + payload.length];
        Bytes.u8(p, 0, 0x45);
        Bytes.u16(p, Ipv4Packet.TOTAL_LENGTH, p.length);
        Bytes.u16(p, Ipv4Packet.IDENTIFICATION, id);
        Bytes.u16(p, Ipv4Packet.FLAGS_FRAGMENT_OFFSET, flagsOffset);
        Bytes.u8(p, Ipv4Packet.TTL, ttl);
        Bytes.u8(p, Ipv4Packet.PROTOCOL, protocol);
        Bytes.u32(p, Ipv4Packet.SOURCE, src);
        Bytes.u32(p, Ipv4Packet.DESTINATION, dst);
        System.arraycopy(payload, 0, p, Ipv4Packet.HEADER_LEN, payload.length);
        Ipv4Packet.fillChecksum(p, 0);
        return p;
    }

    public static byte[] udp(int src, int dst, int sport, int dport, byte[] data) {
        byte[] u = new byte[UdpPacket.HEADER_LEN + data.length];
        UdpPacket.sourcePort(u, 0, sport);
        UdpPacket.destinationPort(u, 0, dport);
        UdpPacket.length(u, 0, u.length);
        System.arraycopy(data, 0, u, UdpPacket.HEADER_LEN, data.length);
        UdpPacket.fillChecksum(u, 0, src, dst);
        return u;
    }

    public static byte[] icmp(int type, int code, int rest, byte[] data) {
        byte[] m = new byte[Icmpv4Packet.HEADER_LEN + data.length];
        Icmpv4Packet.type(m, 0, type);
        Icmpv4Packet.code(m, 0, code);
        Icmpv4Packet.restOfHeader(m, 0, rest);
        System.arraycopy(data, 0, m, Icmpv4Packet.HEADER_LEN, data.length);
        Icmpv4Packet.fillChecksum(m, 0, m.length);
        return m;
    }

    /** A whole Ethernet frame carrying a UDP datagram. */
    public static byte[] udpFrame(long dstMac, long srcMac, int src, int dst, int sport, int dport, byte[] data) {
        return ethernet(dstMac, srcMac, EtherType.IPV4, ipv4(src, dst, IpProtocol.UDP, 64, 1, 0, udp(src, dst, sport, dport, data)));
    }

    public static int checksum(byte[] a, int off, int len) {
        return Checksum.compute(a, off, len);
    }
}
