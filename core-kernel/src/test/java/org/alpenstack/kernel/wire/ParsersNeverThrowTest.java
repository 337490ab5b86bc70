package org.alpenstack.kernel.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.alpenstack.kernel.stack.DropReason;

/**
 * Random bytes never make a check or parser throw, and once a check passes every accessor
 * stays in bounds. Each packet is placed so that it ends exactly at the end of its array:
 * a read one byte too far would throw ArrayIndexOutOfBoundsException and fail the property.
 * Some fields are patched toward plausible values so that the checks pass often enough for
 * the accessors to be exercised, not just the rejections.
 */
class ParsersNeverThrowTest {

    static byte[] atEnd(int off, byte[] packet) {
        byte[] a = new byte[off + packet.length];
        System.arraycopy(packet, 0, a, off, packet.length);
        return a;
    }

    @Property(tries = 1000)
    void ethernet(@ForAll @Size(max = 40) byte[] frame, @ForAll @IntRange(max = 7) int off, @ForAll boolean tagged) {
        if (tagged && frame.length >= 14) {
            Bytes.u16(frame, EthernetFrame.ETHER_TYPE, EtherType.VLAN);
        }
        byte[] a = atEnd(off, frame);
        int len = frame.length;
        DropReason reason = EthernetFrame.check(a, off, len);
        int payload = EthernetFrame.checkAndPayloadOffset(a, off, len);
        EthernetRepr repr = EthernetRepr.parse(a, off, len);
        if (reason != null) {
            assertEquals(DropReason.ETH_TRUNCATED, reason);
            assertEquals(-1, payload);
            assertNull(repr);
            return;
        }
        assertEquals(off + EthernetFrame.headerLength(a, off), payload);
        assertTrue(payload <= a.length);
        EthernetFrame.destination(a, off);
        EthernetFrame.source(a, off);
        int type = EthernetFrame.payloadEtherType(a, off);
        int tci = EthernetFrame.vlanTci(a, off);
        assertEquals(EthernetFrame.isVlanTagged(a, off), tci != EthernetRepr.NO_VLAN);
        if (repr != null) {
            assertEquals(type, repr.etherType());
        }
    }

    @Property(tries = 1000)
    void arp(@ForAll @Size(min = 20, max = 40) byte[] packet, @ForAll @IntRange(max = 7) int off, @ForAll boolean plausible) {
        if (plausible && packet.length >= 8) {
            System.arraycopy(ArpPacketTest.REQUEST, 0, packet, 0, 6);
        }
        byte[] a = atEnd(off, packet);
        DropReason reason = ArpPacket.check(a, off, packet.length);
        ArpRepr repr = ArpRepr.parse(a, off, packet.length);
        assertEquals(reason == null, repr != null);
        if (reason == null) {
            assertEquals(repr, new ArpRepr(ArpPacket.operation(a, off), ArpPacket.senderHardwareAddress(a, off),
                    ArpPacket.senderProtocolAddress(a, off), ArpPacket.targetHardwareAddress(a, off),
                    ArpPacket.targetProtocolAddress(a, off)));
        }
    }

    @Property(tries = 1000)
    void ipv4(@ForAll @Size(min = 16, max = 90) byte[] packet, @ForAll @IntRange(max = 7) int off,
              @ForAll @IntRange(min = 0, max = 15) int ihl, @ForAll boolean plausibleLength) {
        if (packet.length >= 4) {
            packet[0] = (byte) (0x40 | ihl);
            if (plausibleLength) {
                Bytes.u16(packet, Ipv4Packet.TOTAL_LENGTH, packet.length);
            }
        }
        byte[] a = atEnd(off, packet);
        DropReason reason = Ipv4Packet.check(a, off, packet.length);
        Statistics.collect(reason == null ? "ok" : reason);
        Ipv4Repr repr = Ipv4Repr.parse(a, off, packet.length);
        assertEquals(reason == null, repr != null);
        if (reason != null) {
            return;
        }
        Ipv4Packet.verifyChecksum(a, off);
        int total = Ipv4Packet.totalLength(a, off);
        assertTrue(total <= packet.length);
        int payloadOff = off + Ipv4Packet.headerLength(a, off);
        Checksum.partial(a, payloadOff, Ipv4Packet.payloadLength(a, off));
        assertEquals(repr.payloadLength(), total - Ipv4Packet.headerLength(a, off));
        assertEquals(Ipv4Packet.fragmentOffset(a, off), repr.fragmentOffset());
    }

    @Property(tries = 1000)
    void icmpv4(@ForAll @Size(min = 4, max = 60) byte[] packet, @ForAll @IntRange(max = 7) int off,
                @ForAll @IntRange(max = 13) int type, @ForAll @IntRange(max = 5) int code) {
        if (packet.length >= 2) {
            packet[0] = (byte) type;
            packet[1] = (byte) code;
        }
        byte[] a = atEnd(off, packet);
        DropReason reason = Icmpv4Packet.check(a, off, packet.length);
        Icmpv4Repr repr = Icmpv4Repr.parse(a, off, packet.length);
        Statistics.collect(reason != null ? reason : repr == null ? "unsupported" : repr.getClass().getSimpleName());
        if (reason != null) {
            assertNull(repr);
            return;
        }
        Icmpv4Packet.verifyChecksum(a, off, packet.length);
        Icmpv4Packet.identifier(a, off);
        Icmpv4Packet.sequence(a, off);
        Icmpv4Packet.nextHopMtu(a, off);
        Icmpv4Packet.pointer(a, off);
        if (repr != null) {
            // Whatever parsed re-emits to a message that parses to the same thing.
            byte[] out = new byte[repr.bufferLen()];
            repr.emit(out, 0);
            assertTrue(Icmpv4Packet.verifyChecksum(out, 0, out.length));
            assertEquals(repr, Icmpv4Repr.parse(out, 0, out.length));
        }
    }

    @Property(tries = 1000)
    void udp(@ForAll @Size(min = 4, max = 40) byte[] packet, @ForAll @IntRange(max = 7) int off,
             @ForAll @IntRange(max = 48) int lengthField, @ForAll int source, @ForAll int destination) {
        if (packet.length >= 8) {
            UdpPacket.length(packet, 0, lengthField);
        }
        byte[] a = atEnd(off, packet);
        DropReason reason = UdpPacket.check(a, off, packet.length);
        UdpRepr repr = UdpRepr.parse(a, off, packet.length);
        assertEquals(reason == null, repr != null);
        if (reason == null) {
            UdpPacket.verifyChecksum(a, off, source, destination);
            assertTrue(UdpPacket.HEADER_LEN + repr.payloadLength() <= packet.length);
        }
    }

    @Property(tries = 1000)
    void tcp(@ForAll @Size(min = 16, max = 80) byte[] segment, @ForAll @IntRange(max = 7) int off,
             @ForAll @IntRange(max = 15) int dataOffset, @ForAll boolean plausibleOptions) {
        if (segment.length >= 20) {
            segment[12] = (byte) ((dataOffset << 4) | (segment[12] & 0x0f));
            if (plausibleOptions && segment.length >= 40) {
                System.arraycopy(TcpOptionsTest.LINUX_SYN_OPTIONS, 0, segment, 20, 8 + (segment[39] & 7));
            }
        }
        byte[] a = atEnd(off, segment);
        DropReason reason = TcpHeader.check(a, off, segment.length);
        TcpRepr repr = TcpRepr.parse(a, off, segment.length);
        Statistics.collect(reason != null ? reason : repr == null ? "bad options" : "ok");
        if (reason != null) {
            assertNull(repr);
            return;
        }
        TcpHeader.verifyChecksum(a, off, segment.length, 1, 2);
        TcpHeader.flags(a, off);
        TcpHeader.urgentPointer(a, off);
        TcpOptions options = new TcpOptions();
        DropReason optionsReason = TcpOptions.parse(a, off + TcpHeader.OPTIONS, TcpHeader.optionsLength(a, off), options);
        assertEquals(optionsReason == null, repr != null);
        if (repr != null) {
            assertEquals(segment.length - TcpHeader.headerLength(a, off), repr.payloadLength());
        }
    }

    @Property(tries = 1000)
    void tcpOptions(@ForAll @Size(max = 60) byte[] options, @ForAll @IntRange(max = 7) int off) {
        byte[] a = atEnd(off, options);
        TcpOptions o = new TcpOptions();
        DropReason reason = TcpOptions.parse(a, off, options.length, o);
        Statistics.collect(reason == null ? "ok" : reason);
        if (reason != null) {
            assertEquals(DropReason.TCP_BAD_OPTIONS, reason);
            assertEquals(new TcpOptions(), o);
            return;
        }
        // What parsed re-emits (in Linux's layout) to options that parse the same, as far as they fit.
        byte[] out = new byte[TcpOptions.MAX_LENGTH];
        int n = o.emit(out, 0);
        assertEquals(0, n % 4);
        TcpOptions back = new TcpOptions();
        assertNull(TcpOptions.parse(out, 0, n, back));
        if (o.sackBlocksThatFit() == o.sackBlockCount()) {
            assertEquals(o, back);
        } else {
            assertEquals(o.sackBlocksThatFit(), back.sackBlockCount());
        }
    }

    /** Noise biased toward the kinds and lengths the option parser handles specially. */
    static byte[] optionSoup(byte[] noise, byte[] kinds) {
        byte[] options = noise.clone();
        for (int i = 0; i < options.length && i < kinds.length; i++) {
            if ((kinds[i] & 3) == 0) {
                options[i] = (byte) new int[] {0, 1, 2, 3, 4, 5, 8, 10}[(kinds[i] >>> 2) & 7];
            } else if ((kinds[i] & 3) == 1) {
                options[i] = (byte) new int[] {0, 1, 2, 3, 4, 10, 18, 26}[(kinds[i] >>> 2) & 7];
            }
        }
        return options;
    }

    @Property(tries = 500)
    void tcpSegmentWithOptionSoupParsesOrIsRejectedButNeverThrows(@ForAll @Size(value = 40) byte[] noise,
                                                                  @ForAll @Size(value = 40) byte[] kinds,
                                                                  @ForAll @Size(max = 8) byte[] payload) {
        byte[] segment = new byte[60 + payload.length];
        segment[12] = (byte) 0xf0;
        System.arraycopy(optionSoup(noise, kinds), 0, segment, 20, 40);
        System.arraycopy(payload, 0, segment, 60, payload.length);
        TcpRepr r = TcpRepr.parse(segment, 0, segment.length);
        Statistics.collect(r == null ? "bad options" : "ok");
        if (r != null) {
            byte[] out = new byte[r.bufferLen() + payload.length];
            System.arraycopy(payload, 0, out, r.bufferLen(), payload.length);
            r.emit(out, 0, 1, 2);
            TcpRepr back = TcpRepr.parse(out, 0, out.length);
            assertEquals(r.options().sackBlocksThatFit(), back.options().sackBlockCount());
            assertEquals(r.payloadLength(), back.payloadLength());
        }
    }

    /** Well-formed options of every kind, packed without padding, cut to at most 40 bytes. */
    @Provide
    Arbitrary<byte[]> packedOptions() {
        Arbitrary<byte[]> one = Arbitraries.oneOf(List.of(
                Arbitraries.just(new byte[] {1}),
                Arbitraries.integers().between(0, 0xffff).map(m -> new byte[] {2, 4, (byte) (m >>> 8), (byte) (int) m}),
                Arbitraries.integers().between(0, 255).map(w -> new byte[] {3, 3, (byte) (int) w}),
                Arbitraries.just(new byte[] {4, 2}),
                Arbitraries.bytes().array(byte[].class).ofSize(8).map(ts -> concat(new byte[] {8, 10}, ts)),
                Arbitraries.integers().between(1, 4).flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(8 * n)
                        .map(edges -> concat(new byte[] {5, (byte) (2 + 8 * n)}, edges))),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(6)
                        .map(data -> concat(new byte[] {(byte) 30, (byte) (2 + data.length)}, data))));
        return one.list().ofMaxSize(8).map(parts -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] part : parts) {
                if (out.size() + part.length > TcpOptions.MAX_LENGTH) {
                    break;
                }
                out.writeBytes(part);
            }
            while (out.size() % 4 != 0) {
                out.write(0);
            }
            return out.toByteArray();
        });
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Property(tries = 1000)
    void anyWellFormedPackedOptionsParseAndSurviveReEmission(@ForAll("packedOptions") byte[] options) {
        byte[] segment = new byte[20 + options.length];
        segment[12] = (byte) ((segment.length / 4) << 4);
        System.arraycopy(options, 0, segment, 20, options.length);
        TcpRepr r = TcpRepr.parse(segment, 0, segment.length);
        assertNotNull(r, () -> Bytes.hex(options, 0, options.length));
        byte[] out = new byte[r.bufferLen()];
        r.emit(out, 0, 1, 2);
        TcpOptions back = TcpRepr.parse(out, 0, out.length).options();
        TcpOptions expected = r.options();
        int fit = expected.sackBlocksThatFit();
        assertEquals(fit, back.sackBlockCount());
        for (int b = 0; b < fit; b++) {
            assertEquals(expected.sackLeft(b), back.sackLeft(b));
            assertEquals(expected.sackRight(b), back.sackRight(b));
        }
        assertEquals(expected.clearSackBlocks(), back.clearSackBlocks());
    }

    @Property(tries = 300)
    void oneByteOptionSoupWithKnownKindsNeverThrows(@ForAll @Size(max = 40) byte[] noise,
                                                    @ForAll @Size(max = 40) byte[] kinds) {
        byte[] options = optionSoup(noise, kinds);
        TcpOptions o = new TcpOptions();
        assertNotNull(o);
        Statistics.collect(TcpOptions.parse(options, 0, options.length, o) == null ? "ok" : "malformed");
        assertTrue(o.sackBlockCount() <= TcpOptions.MAX_SACK_BLOCKS);
        assertTrue(o.windowScale() <= TcpOptions.MAX_WINDOW_SCALE);
    }
}
