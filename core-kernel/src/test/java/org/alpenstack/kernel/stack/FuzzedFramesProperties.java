package org.alpenstack.kernel.stack;

import static org.alpenstack.kernel.wire.Ipv4Address.parse;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.time.ManualClock;
import org.alpenstack.kernel.udp.UdpSocket;
import org.alpenstack.kernel.wire.ArpPacket;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.EtherType;
import org.alpenstack.kernel.wire.IpProtocol;
import org.alpenstack.kernel.wire.Ipv4Packet;
import org.alpenstack.kernel.wire.MacAddress;

/**
 * Random frames, and valid frames with random mutations and truncations, never make the stack
 * throw (no INTERNAL_ERROR drop) and never leak a buffer once the stack is shut down.
 */
class FuzzedFramesProperties {
    static final long US = 0x020000000001L;
    static final long PEER = 0x020000000002L;
    static final int A = parse("10.0.0.1");
    static final int B = parse("10.0.0.2");

    /** Valid frames of every kind the stack understands, as seeds for mutation. */
    static List<byte[]> seeds() {
        List<byte[]> s = new ArrayList<>();
        s.add(Frames.udpFrame(US, PEER, B, A, 1000, 7, new byte[40]));
        s.add(Frames.ethernet(US, PEER, EtherType.ARP, Frames.arp(ArpPacket.OP_REQUEST, PEER, B, 0, A)));
        s.add(Frames.ethernet(US, PEER, EtherType.ARP, Frames.arp(ArpPacket.OP_REPLY, PEER, B, US, A)));
        s.add(Frames.ethernet(US, PEER, EtherType.IPV4, Frames.ipv4(B, A, IpProtocol.ICMP, 64, 3, 0, Frames.icmp(8, 0, 0x00070001, new byte[32]))));
        byte[] quoted = Frames.ipv4(A, B, IpProtocol.UDP, 64, 9, 0, Frames.udp(A, B, 7, 53, new byte[8]));
        s.add(Frames.ethernet(US, PEER, EtherType.IPV4, Frames.ipv4(B, A, IpProtocol.ICMP, 64, 4, 0, Frames.icmp(3, 4, 576, quoted))));
        s.add(Frames.ethernet(US, PEER, EtherType.IPV4, Frames.ipv4(B, A, IpProtocol.UDP, 64, 5, Ipv4Packet.FLAG_MORE_FRAGMENTS, new byte[64])));
        s.add(Frames.ethernet(US, PEER, EtherType.IPV4, Frames.ipv4(B, A, IpProtocol.UDP, 64, 5, 8, new byte[64])));
        s.add(Frames.ethernet(MacAddress.BROADCAST.bits(), PEER, EtherType.IPV4, Frames.ipv4(B, 0xffffffff, IpProtocol.UDP, 64, 6, 0, Frames.udp(B, 0xffffffff, 68, 7, new byte[10]))));
        return s;
    }

    @Provide
    Arbitrary<byte[]> frames() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(200);
        Arbitrary<byte[]> randomForUs = random.map(b -> {
            if (b.length >= 14) {
                Bytes.u48(b, 0, US);
                Bytes.u16(b, 12, b[13] % 2 == 0 ? EtherType.IPV4 : EtherType.ARP);
            }
            return b;
        });
        Arbitrary<byte[]> mutated = Combinators.combine(
                Arbitraries.of(seeds()),
                Arbitraries.integers().between(0, 2000).list().ofMaxSize(6),
                Arbitraries.bytes().list().ofSize(6),
                Arbitraries.integers().between(0, 200)).as((seed, positions, values, cut) -> {
                    byte[] f = seed.clone();
                    for (int i = 0; i < positions.size(); i++) {
                        int p = positions.get(i) % f.length;
                        // Leave the Ethernet header alone most of the time so the mutation reaches IP and above.
                        if (p >= 14 || i == 5) {
                            f[p] = values.get(i);
                        }
                    }
                    return cut > 150 ? java.util.Arrays.copyOf(f, Math.min(f.length, cut - 150)) : f;
                });
        return Arbitraries.oneOf(random, randomForUs, mutated, mutated);
    }

    @Property(tries = 1500)
    void noFrameMakesTheStackThrowOrLeak(@ForAll("frames") byte[] frame) {
        ManualClock clock = new ManualClock();
        BufferPool pool = new BufferPool();
        NetStack stack = new NetStack("fuzz", pool, clock);
        CaptureLink link = new CaptureLink("eth0", 1500);
        stack.addInterface("eth0", link, new MacAddress(US));
        stack.addAddress("eth0", "10.0.0.1/24");
        UdpSocket s = stack.openUdp();
        s.bind(new InetEndpoint(0, 7));
        link.inject(frame);
        link.inject(frame);
        clock.advance(Clock.seconds(40));
        stack.poll(clock.nanos());
        if (stack.counters().drops(DropReason.INTERNAL_ERROR) != 0) {
            throw new AssertionError("internal error on " + Bytes.hex(frame, 0, frame.length), stack.lastInternalError());
        }
        stack.shutdown();
        pool.assertNoLeaks();
    }
}
