package org.alpenstack.kernel.tcp.testing;

import static org.alpenstack.kernel.tcp.testing.SegmentMatcher.ack;
import static org.alpenstack.kernel.tcp.testing.SegmentMatcher.dstIp;
import static org.alpenstack.kernel.tcp.testing.SegmentMatcher.flags;
import static org.alpenstack.kernel.tcp.testing.SegmentMatcher.hasFlags;
import static org.alpenstack.kernel.tcp.testing.SegmentMatcher.mss;
import static org.alpenstack.kernel.tcp.testing.SegmentMatcher.noFlags;
import static org.alpenstack.kernel.tcp.testing.SegmentMatcher.noMss;
import static org.alpenstack.kernel.tcp.testing.SegmentMatcher.noSackBlocks;
import static org.alpenstack.kernel.tcp.testing.SegmentMatcher.option;
import static org.alpenstack.kernel.tcp.testing.SegmentMatcher.payload;
import static org.alpenstack.kernel.tcp.testing.SegmentMatcher.payloadLen;
import static org.alpenstack.kernel.tcp.testing.SegmentMatcher.sackBlocks;
import static org.alpenstack.kernel.tcp.testing.SegmentMatcher.sackPermitted;
import static org.alpenstack.kernel.tcp.testing.SegmentMatcher.seq;
import static org.alpenstack.kernel.tcp.testing.SegmentMatcher.srcIp;
import static org.alpenstack.kernel.tcp.testing.SegmentMatcher.srcPort;
import static org.alpenstack.kernel.tcp.testing.SegmentMatcher.tcp;
import static org.alpenstack.kernel.tcp.testing.SegmentMatcher.timestamps;
import static org.alpenstack.kernel.tcp.testing.SegmentMatcher.tsEcr;
import static org.alpenstack.kernel.tcp.testing.SegmentMatcher.tsVal;
import static org.alpenstack.kernel.tcp.testing.SegmentMatcher.window;
import static org.alpenstack.kernel.tcp.testing.SegmentMatcher.wscale;
import static org.alpenstack.kernel.wire.TcpFlags.ACK;
import static org.alpenstack.kernel.wire.TcpFlags.FIN;
import static org.alpenstack.kernel.wire.TcpFlags.PSH;
import static org.alpenstack.kernel.wire.TcpFlags.RST;
import static org.alpenstack.kernel.wire.TcpFlags.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.alpenstack.kernel.wire.IpProtocol;
import org.alpenstack.kernel.wire.Ipv4Packet;
import org.alpenstack.kernel.wire.TcpOptions;
import org.alpenstack.kernel.wire.TcpRepr;
import org.junit.jupiter.api.Test;

class SegmentMatcherTest {
    static final int CLIENT = 0x0a000001;
    static final int SERVER = 0x0a000002;

    /** A SYN-ACK 80 -> 40000 with MSS, SACK-permitted, timestamps and window scale, in an IPv4 packet. */
    private static byte[] synAck() {
        TcpOptions o = new TcpOptions().mss(1460).sackPermitted(true).timestamps(1000, 77).windowScale(7);
        return ipv4(new TcpRepr(80, 40000, 5000, 1001, SYN | ACK, 65535, 0, o, 0), new byte[0]);
    }

    private static byte[] ipv4(TcpRepr tcp, byte[] payload) {
        int tcpLen = tcp.bufferLen() + payload.length;
        byte[] a = new byte[20 + tcpLen];
        Ipv4Packet.versionAndHeaderLength(a, 0, 20);
        Ipv4Packet.totalLength(a, 0, a.length);
        Ipv4Packet.ttl(a, 0, 64);
        a[Ipv4Packet.PROTOCOL] = (byte) IpProtocol.TCP;
        org.alpenstack.kernel.wire.Bytes.u32(a, Ipv4Packet.SOURCE, SERVER);
        org.alpenstack.kernel.wire.Bytes.u32(a, Ipv4Packet.DESTINATION, CLIENT);
        System.arraycopy(payload, 0, a, 20 + tcp.bufferLen(), payload.length);
        tcp.emit(a, 20, SERVER, CLIENT);
        Ipv4Packet.fillChecksum(a, 0);
        return a;
    }

    @Test
    void matchingSynAckPasses() {
        byte[] p = synAck();
        SegmentMatcher.assertIpv4(p, 0, p.length,
                flags(SYN | ACK), seq(5000), ack(1001), window(65535), mss(1460), wscale(7), sackPermitted(),
                timestamps(), tsVal(1000), tsEcr(77), payloadLen(0), noSackBlocks(), srcPort(80), srcIp(SERVER), dstIp(CLIENT));
    }

    @Test
    void everyMismatchIsReportedWithTheWholeSegment() {
        byte[] p = synAck();
        AssertionError e = assertThrows(AssertionError.class,
                () -> SegmentMatcher.assertIpv4(p, 0, p.length, flags(ACK), seq(5000), ack(1000), mss(536), noMss()));
        String m = e.getMessage();
        assertTrue(m.contains("flags: expected ACK but was SYN|ACK"), m);
        assertTrue(m.contains("ack: expected 1000 but was 1001 (off by 1)"), m);
        assertTrue(m.contains("mss: expected 536 but was 1460"), m);
        assertTrue(m.contains("mss: expected none but was 1460"), m);
        assertFalse(m.contains("seq:"), "the seq expectation held: " + m);
        assertTrue(m.contains("10.0.0.2:80 > 10.0.0.1:40000"), m);
        assertTrue(m.contains("wscale 7"), "the whole segment is printed: " + m);
    }

    @Test
    void dataSegmentWithSackBlocksAndPayload() {
        TcpOptions o = new TcpOptions().timestamps(5, 6);
        o.addSackBlock(3000, 4000);
        o.addSackBlock(0xFFFF_FF00, 100);
        byte[] data = "hello".getBytes(StandardCharsets.US_ASCII);
        byte[] p = ipv4(new TcpRepr(80, 40000, 5001, 2001, ACK | PSH, 500, 0, o, data.length), data);
        SegmentMatcher m = tcp(flags(ACK | PSH), payloadLen(5), payload(data), sackBlocks(3000, 4000, 0xFFFF_FF00, 100));
        m.assertIpv4(p, 0, p.length);
        m.and(hasFlags(ACK), noFlags(FIN | RST | SYN), option("TSval 5", t -> t.tsVal() == 5)).assertIpv4(p, 0, p.length);

        AssertionError e = assertThrows(AssertionError.class,
                () -> tcp(sackBlocks(3000, 4001), payload("hellO".getBytes(StandardCharsets.US_ASCII))).assertIpv4(p, 0, p.length));
        assertTrue(e.getMessage().contains("SACK blocks: expected 3000:4001 but were 3000:4000 4294967040:100"), e.getMessage());
        assertTrue(e.getMessage().contains("payload: differs first at byte 4"), e.getMessage());
    }

    @Test
    void corruptedChecksumFailsTheIpv4Match() {
        byte[] p = synAck();
        p[p.length - 1] ^= 1; // last option byte
        AssertionError e = assertThrows(AssertionError.class, () -> SegmentMatcher.assertIpv4(p, 0, p.length, flags(SYN | ACK)));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void bareTcpParseAndMalformedInput() {
        byte[] p = synAck();
        ParsedSegment s = ParsedSegment.parse(p, 20, p.length - 20);
        assertEquals(1, s.segmentLength(), "a SYN occupies one sequence number");
        assertTrue(tcp(flags(SYN | ACK)).matches(s));
        assertFalse(tcp(srcIp(SERVER)).matches(s), "no IP header to compare with");

        byte[] junk = new byte[10];
        AssertionError e = assertThrows(AssertionError.class, () -> SegmentMatcher.assertTcp(junk, 0, junk.length, flags(SYN)));
        assertTrue(e.getMessage().contains("TCP_TRUNCATED"), e.getMessage());
    }
}
