package org.alpenstack.kernel.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * emit then parse gives back every valid Repr, at any offset, and what emit writes passes
 * the view's check and checksum. Emit writes into a buffer that is exactly as long as the
 * packet, so writing one byte too many throws.
 */
class ReprRoundTripTest {
    static final long MAC_MAX = 0xffff_ffff_ffffL;

    @Property(tries = 1000)
    void ethernet(@ForAll @LongRange(max = MAC_MAX) long destination, @ForAll @LongRange(max = MAC_MAX) long source,
                  @ForAll @IntRange(max = 0xffff) int etherType, @ForAll @IntRange(min = -1, max = 0xffff) int tci,
                  @ForAll @IntRange(max = 9) int off) {
        if (etherType == EtherType.VLAN) {
            etherType = EtherType.IPV4;
        }
        EthernetRepr r = new EthernetRepr(destination, source, etherType, tci);
        byte[] a = new byte[off + r.bufferLen()];
        r.emit(a, off);
        assertEquals(a.length, EthernetFrame.checkAndPayloadOffset(a, off, r.bufferLen()));
        assertEquals(r, EthernetRepr.parse(a, off, r.bufferLen()));
    }

    @Property(tries = 1000)
    void arp(@ForAll @IntRange(min = 1, max = 2) int operation, @ForAll @LongRange(max = MAC_MAX) long senderMac,
             @ForAll int senderIp, @ForAll @LongRange(max = MAC_MAX) long targetMac, @ForAll int targetIp,
             @ForAll @IntRange(max = 9) int off) {
        ArpRepr r = new ArpRepr(operation, senderMac, senderIp, targetMac, targetIp);
        byte[] a = new byte[off + r.bufferLen()];
        r.emit(a, off);
        assertNull(ArpPacket.check(a, off, r.bufferLen()));
        assertEquals(r, ArpRepr.parse(a, off, r.bufferLen()));
    }

    @Property(tries = 1000)
    void ipv4(@ForAll int source, @ForAll int destination, @ForAll @IntRange(max = 255) int protocol,
              @ForAll @IntRange(max = 200) int payloadLength, @ForAll @IntRange(max = 255) int ttl,
              @ForAll @IntRange(max = 255) int tos, @ForAll @IntRange(max = 0xffff) int identification,
              @ForAll boolean dontFragment, @ForAll boolean moreFragments,
              @ForAll @IntRange(max = 8191) int fragmentUnits, @ForAll @IntRange(max = 9) int off) {
        Ipv4Repr r = new Ipv4Repr(source, destination, protocol, payloadLength, ttl, tos, identification,
                dontFragment, moreFragments, fragmentUnits * 8);
        byte[] a = new byte[off + r.totalLength()];
        r.emit(a, off);
        assertNull(Ipv4Packet.check(a, off, r.totalLength()));
        assertTrue(Ipv4Packet.verifyChecksum(a, off));
        assertEquals(r, Ipv4Repr.parse(a, off, r.totalLength()));
        if (ttl > 1) {
            Ipv4Packet.decrementTtl(a, off);
            assertTrue(Ipv4Packet.verifyChecksum(a, off));
            assertEquals(ttl - 1, Ipv4Packet.ttl(a, off));
        }
    }

    @Property(tries = 1000)
    void icmpv4(@ForAll("icmpMessages") Icmpv4Repr r, @ForAll @IntRange(max = 9) int off) {
        byte[] a = new byte[off + r.bufferLen()];
        r.emit(a, off);
        assertNull(Icmpv4Packet.check(a, off, r.bufferLen()));
        assertTrue(Icmpv4Packet.verifyChecksum(a, off, r.bufferLen()));
        assertEquals(r, Icmpv4Repr.parse(a, off, r.bufferLen()));
    }

    @Provide
    Arbitrary<Icmpv4Repr> icmpMessages() {
        Arbitrary<Integer> u16 = Arbitraries.integers().between(0, 0xffff);
        Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        Arbitrary<Icmpv4Repr> requests = Combinators.combine(u16, u16, data).as(Icmpv4Repr.EchoRequest::new);
        Arbitrary<Icmpv4Repr> replies = Combinators.combine(u16, u16, data).as(Icmpv4Repr.EchoReply::new);
        Arbitrary<Icmpv4Repr> unreachable = Combinators.combine(Arbitraries.integers().between(0, 15), u16, data)
                .as((code, mtu, quoted) -> new Icmpv4Repr.DestinationUnreachable(code,
                        code == Icmpv4Code.FRAGMENTATION_NEEDED ? mtu : 0, quoted));
        Arbitrary<Icmpv4Repr> exceeded = Combinators.combine(Arbitraries.integers().between(0, 1), data)
                .as(Icmpv4Repr.TimeExceeded::new);
        Arbitrary<Icmpv4Repr> problem = Combinators.combine(Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 255), data).as(Icmpv4Repr.ParameterProblem::new);
        return Arbitraries.oneOf(List.of(requests, replies, unreachable, exceeded, problem));
    }

    @Property(tries = 1000)
    void udp(@ForAll @IntRange(max = 0xffff) int sourcePort, @ForAll @IntRange(max = 0xffff) int destinationPort,
             @ForAll @Size(max = 100) byte[] payload, @ForAll int sourceIp, @ForAll int destinationIp,
             @ForAll @IntRange(max = 9) int off) {
        UdpRepr r = new UdpRepr(sourcePort, destinationPort, payload.length);
        byte[] a = new byte[off + r.bufferLen() + payload.length];
        System.arraycopy(payload, 0, a, off + r.bufferLen(), payload.length);
        r.emit(a, off, sourceIp, destinationIp);
        int len = r.bufferLen() + payload.length;
        assertNull(UdpPacket.check(a, off, len));
        assertTrue(UdpPacket.checksum(a, off) != 0, "a computed zero is sent as 0xffff");
        assertTrue(UdpPacket.verifyChecksum(a, off, sourceIp, destinationIp));
        assertEquals(r, UdpRepr.parse(a, off, len));
    }

    @Property(tries = 1000)
    void tcp(@ForAll @IntRange(max = 0xffff) int sourcePort, @ForAll @IntRange(max = 0xffff) int destinationPort,
             @ForAll int seq, @ForAll int ack, @ForAll @IntRange(max = TcpFlags.ALL) int flags,
             @ForAll @IntRange(max = 0xffff) int window, @ForAll @IntRange(max = 0xffff) int urgent,
             @ForAll("tcpOptions") TcpOptions options, @ForAll @Size(max = 60) byte[] payload,
             @ForAll int sourceIp, @ForAll int destinationIp, @ForAll @IntRange(max = 9) int off) {
        TcpRepr r = new TcpRepr(sourcePort, destinationPort, seq, ack, flags, window, urgent, options, payload.length);
        int len = r.bufferLen() + payload.length;
        byte[] a = new byte[off + len];
        System.arraycopy(payload, 0, a, off + r.bufferLen(), payload.length);
        r.emit(a, off, sourceIp, destinationIp);
        assertNull(TcpHeader.check(a, off, len));
        assertEquals(r.bufferLen(), TcpHeader.headerLength(a, off));
        assertTrue(TcpHeader.verifyChecksum(a, off, len, sourceIp, destinationIp));
        assertEquals(r, TcpRepr.parse(a, off, len));
    }

    /** Any combination of options, with only as many SACK blocks as fit beside the others. */
    @Provide
    Arbitrary<TcpOptions> tcpOptions() {
        Arbitrary<Integer> mss = Arbitraries.integers().between(TcpOptions.ABSENT, 0xffff);
        Arbitrary<Integer> windowScale = Arbitraries.integers().between(TcpOptions.ABSENT, TcpOptions.MAX_WINDOW_SCALE);
        Arbitrary<Boolean> bool = Arbitraries.of(true, false);
        Arbitrary<Integer> any = Arbitraries.integers();
        Arbitrary<List<Integer>> edges = Arbitraries.integers().list().ofMaxSize(2 * TcpOptions.MAX_SACK_BLOCKS);
        return Combinators.combine(mss, windowScale, bool, bool, any, any, edges).as((m, ws, sackOk, ts, tsVal, tsEcr, e) -> {
            TcpOptions o = new TcpOptions().mss(m).windowScale(ws).sackPermitted(sackOk);
            if (ts) {
                o.timestamps(tsVal, tsEcr);
            }
            for (int i = 0; i + 1 < e.size(); i += 2) {
                o.addSackBlock(e.get(i), e.get(i + 1));
            }
            int fit = o.sackBlocksThatFit();
            TcpOptions trimmed = new TcpOptions().copyFrom(o).clearSackBlocks();
            for (int b = 0; b < fit; b++) {
                trimmed.addSackBlock(o.sackLeft(b), o.sackRight(b));
            }
            return trimmed;
        });
    }

    @Property(tries = 1000)
    void tcpOptionsAlone(@ForAll("tcpOptions") TcpOptions options, @ForAll @IntRange(max = 9) int off) {
        byte[] a = new byte[off + options.bufferLen()];
        assertEquals(options.bufferLen(), options.emit(a, off));
        assertEquals(0, options.bufferLen() % 4);
        TcpOptions back = new TcpOptions();
        assertNull(TcpOptions.parse(a, off, options.bufferLen(), back));
        assertEquals(options, back);
    }
}
