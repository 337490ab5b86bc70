package org.alpenstack.kernel.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.link.FaultInjector;
import org.alpenstack.kernel.link.FrameReceiver;
import org.alpenstack.kernel.link.Link;
import org.alpenstack.kernel.link.SoftwareOffload;
import org.alpenstack.kernel.link.VirtualSwitch;
import org.alpenstack.kernel.sim.Simulation;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.tcp.TcpSocket;
import org.alpenstack.kernel.tcp.TcpState;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.time.ManualClock;
import org.alpenstack.kernel.time.Pollable;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.MacAddress;
import org.junit.jupiter.api.Test;

/**
 * Whole stacks with transmit offloads: stack A's link behaves like a NIC with TSO and checksum
 * offload (it finishes what it is given, as hardware would), under a fault injector; stack B has
 * none. Every byte arrives (SHA-256); the NIC gets super-segments while the path is clean and
 * only complete wire frames while faults are on (the IP layer then segments in software, so loss
 * and reordering hit single segments).
 */
class TsoOverNetworkTest {
    private static final int A = Ipv4Address.parse("10.0.0.1");
    private static final int B = Ipv4Address.parse("10.0.0.2");
    private static final MacAddress MAC_A = new MacAddress(0x02_00_00_00_00_01L);
    private static final MacAddress MAC_B = new MacAddress(0x02_00_00_00_00_02L);

    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private final BufferPool pool = new BufferPool();
    private final Simulation sim = new Simulation(clock);
    private final NetStack a = new NetStack("a", pool, clock);
    private final NetStack b = new NetStack("b", pool, clock);
    private final OffloadingNic nic;
    private final FaultInjector faultsA;

    /** A device with TSO and checksum offload: what it puts on the switch is complete and wire-sized. */
    private final class OffloadingNic implements Link {
        final Link wire;
        long superSegments;
        long partialChecksums;
        long offloadedWhileFaulty;
        long wireFrames;

        OffloadingNic(Link wire) {
            this.wire = wire;
        }

        @Override
        public void transmit(PacketBuffer frame) {
            if (frame.hasOffload()) {
                if (frame.gsoSize() > 0) {
                    superSegments++;
                } else {
                    partialChecksums++;
                }
                if (faultsA != null && faultsA.transmit().active()) {
                    offloadedWhileFaulty++;
                }
            }
            SoftwareOffload.finishFrame(frame, pool, this::toWire);
        }

        private void toWire(PacketBuffer f) {
            assertTrue(f.length() <= 1514, "a wire frame of " + f.length() + " bytes");
            wireFrames++;
            wire.transmit(f);
        }

        @Override
        public int txOffloads() {
            return OFFLOAD_TSO | OFFLOAD_TX_CHECKSUM;
        }

        @Override
        public void attach(FrameReceiver receiver) {
            wire.attach(receiver);
        }

        @Override
        public int mtu() {
            return wire.mtu();
        }

        @Override
        public String name() {
            return wire.name();
        }
    }

    TsoOverNetworkTest() {
        VirtualSwitch sw = new VirtualSwitch("sw");
        nic = new OffloadingNic(sw.newPort("a", 1500));
        faultsA = new FaultInjector(nic, clock, pool, 5);
        a.addInterface("eth0", faultsA, MAC_A);
        b.addInterface("eth0", sw.newPort("b", 1500), MAC_B);
        assertEquals(0, a.addAddress("eth0", A, 24));
        assertEquals(0, b.addAddress("eth0", B, 24));
        assertEquals(0, a.addStaticNeighbor("eth0", B, MAC_B));
        assertEquals(0, b.addStaticNeighbor("eth0", A, MAC_A));
        sim.add(a);
        sim.add(b);
        sim.add(sw);
        sim.add(faultsA);
    }

    /** Sends {@code size} bytes from A to B; {@code afterBytes} runs once when that much was read. */
    private TcpOverNetworkTest.Flow transfer(long size, long switchAt, Runnable atSwitch) {
        ArrayDeque<Runnable> work = new ArrayDeque<>();
        sim.add(new Pollable() {
            @Override
            public void poll(long now) {
                Runnable r;
                while ((r = work.poll()) != null) {
                    r.run();
                }
            }

            @Override
            public long nextDeadline() {
                return work.isEmpty() ? Clock.NEVER : clock.nanos();
            }
        });
        TcpSocket listener = b.openTcp();
        assertEquals(0, listener.bind(new InetEndpoint(0, 5001)));
        assertEquals(0, listener.listen(4));
        TcpSocket client = a.openTcp();
        assertEquals(-Errno.EINPROGRESS, client.connect(new InetEndpoint(B, 5001)));
        TcpOverNetworkTest.Flow flow = new TcpOverNetworkTest.Flow(size, 3);
        byte[] buf = new byte[65536];
        boolean[] switched = {false};
        Runnable writer = () -> {
            if (client.state() != TcpState.SYN_SENT) {
                flow.writeTo(client);
            }
        };
        client.setListener((s, ev) -> work.add(writer));
        work.add(writer);
        TcpSocket[] server = new TcpSocket[1];
        Runnable reader = () -> {
            if (server[0] == null) {
                server[0] = listener.accept();
                if (server[0] == null) {
                    return;
                }
                Runnable read = () -> {
                    flow.readFrom(server[0], buf);
                    if (!switched[0] && flow.read >= switchAt) {
                        switched[0] = true;
                        atSwitch.run();
                    }
                };
                server[0].setListener((s, ev) -> work.add(read));
                work.add(read);
            }
        };
        listener.setListener((s, ev) -> work.add(reader));
        work.add(reader);
        assertTrue(sim.runUntil(() -> flow.eof, Clock.seconds(600)), "read " + flow.read + " of " + size);
        assertEquals(size, flow.read);
        assertArrayEquals(flow.sent.digest(), flow.received.digest());
        client.close();
        server[0].close();
        listener.close();
        sim.runUntil(() -> a.tcp().connectionCount() == 0 && b.tcp().connectionCount() == 0, Clock.seconds(300));
        assertNull(a.lastInternalError());
        assertNull(b.lastInternalError());
        assertEquals(0, b.tcp().counters().drops(DropReason.TCP_BAD_CHECKSUM), "every checksum the NIC finished is right");
        return flow;
    }

    @Test
    void aCleanPathCarriesSuperSegmentsThatTheNicCuts() {
        a.tcp().tunables().setWmemMax(1 << 20);
        a.tcp().tunables().setWmemDefault(1 << 20);
        transfer(8 << 20, Long.MAX_VALUE, () -> { });
        assertTrue(nic.superSegments > 0, "super-segments reached the NIC");
        assertTrue(nic.wireFrames > 4 * nic.superSegments, "each carries several wire segments: "
                + nic.wireFrames + " frames from " + nic.superSegments + " super-segments");
        assertEquals(0, a.tcp().counters().retransmittedSegments);
        faultsA.discardPending();
        pool.assertNoLeaks();
    }

    @Test
    void faultsSwitchedOnMidStreamSeeOnlyWireFramesAndTheStreamSurvives() {
        a.tcp().tunables().setWmemMax(1 << 20);
        a.tcp().tunables().setWmemDefault(1 << 20);
        transfer(8 << 20, 1 << 20, () -> faultsA.transmit().lossRate(0.02).reorderRate(0.02).delayNanos(Clock.millis(1)));
        assertTrue(nic.superSegments > 0, "super-segments before the faults");
        assertEquals(0, nic.offloadedWhileFaulty, "with faults on, the IP layer finished every packet before the injector");
        assertTrue(faultsA.transmitCounters().lost() > 0, "the faults dropped frames");
        assertTrue(a.tcp().counters().retransmittedSegments > 0);
        faultsA.discardPending();
        pool.assertNoLeaks();
    }
}
