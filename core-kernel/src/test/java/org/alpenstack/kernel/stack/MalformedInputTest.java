package org.alpenstack.kernel.stack;

import static org.alpenstack.kernel.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.time.ManualClock;
import org.alpenstack.kernel.udp.UdpSocket;
import org.alpenstack.kernel.wire.ArpPacket;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.EtherType;
import org.alpenstack.kernel.wire.EthernetFrame;
import org.alpenstack.kernel.wire.Icmpv4Packet;
import org.alpenstack.kernel.wire.IpProtocol;
import org.alpenstack.kernel.wire.Ipv4Packet;
import org.alpenstack.kernel.wire.MacAddress;
import org.alpenstack.kernel.wire.UdpPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every kind of malformed frame is dropped and counted under its own reason; nothing throws. */
class MalformedInputTest {
    static final long US = 0x020000000001L;
    static final long PEER = 0x020000000002L;
    static final int A = parse("10.0.0.1");
    static final int B = parse("10.0.0.2");
    static final int L2 = EthernetFrame.HEADER_LEN;

    ManualClock clock = new ManualClock();
    BufferPool pool = new BufferPool();
    NetStack stack;
    CaptureLink link = new CaptureLink("eth0", 1500);
    UdpSocket socket;

    @BeforeEach
    void setUp() {
        stack = new NetStack("bad", pool, clock);
        stack.addInterface("eth0", link, new MacAddress(US));
        stack.addAddress("eth0", "10.0.0.1/24");
        stack.addStaticNeighbor("eth0", B, new MacAddress(PEER));
        socket = stack.openUdp();
        assertEquals(0, socket.bind(new InetEndpoint(0, 7)));
        link.drain();
    }

    @AfterEach
    void tearDown() {
        stack.shutdown();
        pool.assertNoLeaks();
    }

    /** Injects the frame and checks that it was dropped exactly once, under {@code reason}. */
    void expectDrop(DropReason reason, byte[] frame) {
        long before = stack.counters().drops(reason);
        long total = stack.counters().totalDrops();
        link.inject(frame);
        assertEquals(0, stack.counters().drops(DropReason.INTERNAL_ERROR), () -> "internal error: " + stack.lastInternalError());
        assertEquals(before + 1, stack.counters().drops(reason), () -> reason + " not counted; drops " + stack.counters().snapshot().drops());
        assertEquals(total + 1, stack.counters().totalDrops(), () -> "counted more than once: " + stack.counters().snapshot().drops());
    }

    static byte[] eth(int type, byte[] payload) {
        return Frames.ethernet(US, PEER, type, payload);
    }

    static byte[] ip(int src, int dst, int proto, int ttl, byte[] payload) {
        return Frames.ipv4(src, dst, proto, ttl, 1, 0, payload);
    }

    static byte[] udpIp(int sport, int dport, byte[] data) {
        return ip(B, A, IpProtocol.UDP, 64, Frames.udp(B, A, sport, dport, data));
    }

    /** Recomputes the IPv4 header checksum after a test changed a field. */
    static byte[] refill(byte[] ipPacket) {
        Ipv4Packet.fillChecksum(ipPacket, 0);
        return ipPacket;
    }

    @Test
    void ethernet() {
        expectDrop(DropReason.ETH_TRUNCATED, new byte[13]);
        expectDrop(DropReason.ETH_NOT_FOR_US, Frames.ethernet(0x020000000077L, PEER, EtherType.IPV4, udpIp(1, 7, new byte[4])));
        expectDrop(DropReason.ETH_UNKNOWN_ETHERTYPE, eth(0x1234, new byte[46]));
        expectDrop(DropReason.ETH_UNKNOWN_ETHERTYPE, eth(EtherType.IPV6, new byte[46]));
        expectDrop(DropReason.ETH_VLAN_NOT_SUPPORTED, eth(EtherType.VLAN, new byte[46]));
        expectDrop(DropReason.ETH_TRUNCATED, Arrays.copyOf(eth(EtherType.VLAN, new byte[0]), 16));
    }

    @Test
    void arp() {
        byte[] good = Frames.arp(ArpPacket.OP_REQUEST, PEER, B, 0, A);
        expectDrop(DropReason.ARP_TRUNCATED, eth(EtherType.ARP, Arrays.copyOf(good, 27)));
        byte[] hw = good.clone();
        Bytes.u16(hw, ArpPacket.HARDWARE_TYPE, 6);
        expectDrop(DropReason.ARP_UNSUPPORTED_HARDWARE_OR_PROTOCOL, eth(EtherType.ARP, hw));
        byte[] op = good.clone();
        Bytes.u16(op, ArpPacket.OPERATION, 3);
        expectDrop(DropReason.ARP_BAD_OPCODE, eth(EtherType.ARP, op));
        expectDrop(DropReason.ARP_BAD_SENDER, eth(EtherType.ARP, Frames.arp(ArpPacket.OP_REQUEST, MacAddress.BROADCAST.bits(), B, 0, A)));
        expectDrop(DropReason.ARP_BAD_SENDER, eth(EtherType.ARP, Frames.arp(ArpPacket.OP_REQUEST, PEER, A, 0, A)));
        expectDrop(DropReason.ARP_NOT_FOR_US, eth(EtherType.ARP, Frames.arp(ArpPacket.OP_REQUEST, PEER, B, 0, parse("10.0.0.3"))));
    }

    @Test
    void ipv4Header() {
        byte[] good = udpIp(1, 7, new byte[4]);
        expectDrop(DropReason.IPV4_TRUNCATED, eth(EtherType.IPV4, Arrays.copyOf(good, 19)));
        byte[] v6 = good.clone();
        v6[0] = 0x65;
        expectDrop(DropReason.IPV4_BAD_VERSION, eth(EtherType.IPV4, refill(v6)));
        byte[] ihl = good.clone();
        ihl[0] = 0x44;
        expectDrop(DropReason.IPV4_BAD_HEADER_LENGTH, eth(EtherType.IPV4, ihl));
        byte[] ihlBig = good.clone();
        ihlBig[0] = 0x4f;
        // An IHL that runs past the received bytes is a header error, as Linux counts it (InHdrErrors).
        expectDrop(DropReason.IPV4_BAD_HEADER_LENGTH, eth(EtherType.IPV4, Arrays.copyOf(ihlBig, 40)));
        byte[] shortTotal = good.clone();
        Bytes.u16(shortTotal, Ipv4Packet.TOTAL_LENGTH, 10);
        expectDrop(DropReason.IPV4_BAD_TOTAL_LENGTH, eth(EtherType.IPV4, refill(shortTotal)));
        byte[] longTotal = good.clone();
        Bytes.u16(longTotal, Ipv4Packet.TOTAL_LENGTH, 200);
        expectDrop(DropReason.IPV4_TRUNCATED, eth(EtherType.IPV4, refill(longTotal)));
        byte[] sum = good.clone();
        sum[Ipv4Packet.CHECKSUM] ^= 1;
        expectDrop(DropReason.IPV4_BAD_CHECKSUM, eth(EtherType.IPV4, sum));
    }

    @Test
    void ipv4Addresses() {
        byte[] data = Frames.udp(B, A, 1, 7, new byte[4]);
        expectDrop(DropReason.IPV4_BAD_SOURCE, eth(EtherType.IPV4, ip(0xffffffff, A, IpProtocol.UDP, 64, data)));
        expectDrop(DropReason.IPV4_BAD_SOURCE, eth(EtherType.IPV4, ip(parse("224.0.0.5"), A, IpProtocol.UDP, 64, data)));
        expectDrop(DropReason.IPV4_BAD_SOURCE, eth(EtherType.IPV4, ip(A, A, IpProtocol.UDP, 64, data)));
        expectDrop(DropReason.IPV4_BAD_SOURCE, eth(EtherType.IPV4, ip(parse("127.0.0.1"), A, IpProtocol.UDP, 64, data)));
        expectDrop(DropReason.IPV4_BAD_SOURCE, eth(EtherType.IPV4, ip(parse("10.0.0.255"), A, IpProtocol.UDP, 64, data)));
        expectDrop(DropReason.IPV4_TTL_EXPIRED, eth(EtherType.IPV4, ip(B, A, IpProtocol.UDP, 0, data)));
        expectDrop(DropReason.IPV4_NOT_FOR_US, eth(EtherType.IPV4, ip(B, parse("10.0.0.99"), IpProtocol.UDP, 64, data)));
        expectDrop(DropReason.IPV4_NOT_FOR_US, eth(EtherType.IPV4, ip(B, parse("127.0.0.1"), IpProtocol.UDP, 64, data)));
    }

    @Test
    void unknownProtocolIsAnsweredWithProtocolUnreachable() {
        expectDrop(DropReason.IPV4_UNKNOWN_PROTOCOL, eth(EtherType.IPV4, ip(B, A, 99, 64, new byte[12])));
        List<byte[]> sent = link.drain();
        assertEquals(1, sent.size());
        byte[] f = sent.get(0);
        int icmp = L2 + Ipv4Packet.HEADER_LEN;
        assertEquals(IpProtocol.ICMP, Ipv4Packet.protocol(f, L2));
        assertEquals(B, Ipv4Packet.destination(f, L2));
        assertEquals(A, Ipv4Packet.source(f, L2));
        assertEquals(3, Icmpv4Packet.type(f, icmp));
        assertEquals(2, Icmpv4Packet.code(f, icmp));
        assertTrue(Icmpv4Packet.verifyChecksum(f, icmp, f.length - icmp));
        assertEquals(99, Ipv4Packet.protocol(f, icmp + 8), "the offending header is quoted");
        // ... but never for a broadcast (RFC 1122 3.2.2).
        expectDrop(DropReason.IPV4_UNKNOWN_PROTOCOL, Frames.ethernet(MacAddress.BROADCAST.bits(), PEER, EtherType.IPV4,
                ip(B, 0xffffffff, 99, 64, new byte[12])));
        assertEquals(0, link.drain().size());
    }

    @Test
    void icmp() {
        expectDrop(DropReason.ICMP_TRUNCATED, eth(EtherType.IPV4, ip(B, A, IpProtocol.ICMP, 64, new byte[4])));
        byte[] echo = Frames.icmp(8, 0, 0x00010001, new byte[8]);
        echo[2] ^= 1;
        expectDrop(DropReason.ICMP_BAD_CHECKSUM, eth(EtherType.IPV4, ip(B, A, IpProtocol.ICMP, 64, echo)));
        expectDrop(DropReason.ICMP_UNKNOWN_TYPE, eth(EtherType.IPV4, ip(B, A, IpProtocol.ICMP, 64, Frames.icmp(42, 0, 0, new byte[4]))));
        expectDrop(DropReason.ICMP_BAD_QUOTE, eth(EtherType.IPV4, ip(B, A, IpProtocol.ICMP, 64, Frames.icmp(3, 3, 0, new byte[10]))));
        byte[] quote = Arrays.copyOf(Frames.ipv4(A, B, IpProtocol.UDP, 64, 1, 0, Frames.udp(A, B, 40000, 53, new byte[0])), 28);
        expectDrop(DropReason.ICMP_ERROR_NO_SOCKET, eth(EtherType.IPV4, ip(B, A, IpProtocol.ICMP, 64, Frames.icmp(3, 3, 0, quote))));
        expectDrop(DropReason.ICMP_ECHO_NO_SOCKET, eth(EtherType.IPV4, ip(B, A, IpProtocol.ICMP, 64, Frames.icmp(0, 0, 0x12340001, new byte[8]))));
        assertEquals(0, link.drain().size(), "no ICMP error about ICMP errors");
    }

    @Test
    void udp() {
        expectDrop(DropReason.UDP_TRUNCATED, eth(EtherType.IPV4, ip(B, A, IpProtocol.UDP, 64, new byte[4])));
        byte[] shortLen = Frames.udp(B, A, 1, 7, new byte[8]);
        Bytes.u16(shortLen, UdpPacket.LENGTH, 4);
        expectDrop(DropReason.UDP_BAD_LENGTH, eth(EtherType.IPV4, ip(B, A, IpProtocol.UDP, 64, shortLen)));
        byte[] longLen = Frames.udp(B, A, 1, 7, new byte[8]);
        Bytes.u16(longLen, UdpPacket.LENGTH, 100);
        expectDrop(DropReason.UDP_TRUNCATED, eth(EtherType.IPV4, ip(B, A, IpProtocol.UDP, 64, longLen)));
        byte[] sum = Frames.udp(B, A, 1, 7, new byte[8]);
        sum[UdpPacket.HEADER_LEN] ^= 1;
        expectDrop(DropReason.UDP_BAD_CHECKSUM, eth(EtherType.IPV4, ip(B, A, IpProtocol.UDP, 64, sum)));
        expectDrop(DropReason.UDP_NO_SOCKET, eth(EtherType.IPV4, udpIp(1, 8, new byte[4])));
        assertEquals(0, socket.queuedDatagrams());
    }

    @Test
    void ethernetPaddingAndAZeroUdpChecksumAreFine() {
        byte[] padded = Arrays.copyOf(eth(EtherType.IPV4, udpIp(1, 7, new byte[] {1, 2})), 60);
        link.inject(padded);
        byte[] noSum = Frames.udp(B, A, 1, 7, new byte[] {3});
        Bytes.u16(noSum, UdpPacket.CHECKSUM, 0);
        link.inject(eth(EtherType.IPV4, ip(B, A, IpProtocol.UDP, 64, noSum)));
        assertEquals(0, stack.counters().totalDrops(), () -> stack.counters().snapshot().drops().toString());
        byte[] b = new byte[100];
        assertEquals(2, socket.recv(b, 0, 100, 0), "padding is not data");
        assertEquals(1, socket.recv(b, 0, 100, 0));
    }
}
