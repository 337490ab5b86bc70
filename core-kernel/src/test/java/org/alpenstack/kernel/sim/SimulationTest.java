package org.alpenstack.kernel.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.link.FaultConfig;
import org.alpenstack.kernel.link.FaultInjector;
import org.alpenstack.kernel.link.Link;
import org.alpenstack.kernel.link.VirtualSwitch;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.time.ManualClock;
import org.alpenstack.kernel.time.Pollable;
import org.alpenstack.kernel.time.Timer;
import org.alpenstack.kernel.time.TimerWheel;
import org.alpenstack.kernel.wire.Bytes;
import org.junit.jupiter.api.Test;

class SimulationTest {
    private static final long MS = Clock.millis(1);
    private static final long MAC_A = 0x02_00_00_00_00_0aL;
    private static final long MAC_B = 0x02_00_00_00_00_0bL;

    /**
     * A toy stop-and-wait protocol peer (the alternating-bit idea with full sequence numbers):
     * frame = Ethernet header, type (1 DATA, 2 ACK), seq u32, CRC32 of type+seq+payload, payload.
     * The sender retransmits after 10 ms without an ACK; the receiver delivers in order, once.
     */
    static final class Peer implements Pollable {
        static final int ETHERTYPE = 0x88b5;
        static final int DATA = 1;
        static final int ACK = 2;
        static final long RTO = 10 * MS;

        final String name;
        final long mac;
        final long peerMac;
        final Link link;
        final BufferPool pool;
        final Clock clock;
        final TimerWheel timers = new TimerWheel();
        final Timer retransmit = new Timer(this::onRetransmit);
        final List<String> toSend = new ArrayList<>();
        final List<String> delivered = new ArrayList<>();
        int nextToSend;
        int expected;
        long retransmissions;
        long badFrames;

        Peer(String name, long mac, long peerMac, Link link, BufferPool pool, Clock clock) {
            this.name = name;
            this.clock = clock;
            this.mac = mac;
            this.peerMac = peerMac;
            this.link = link;
            this.pool = pool;
            link.attach(this::receive);
        }

        void send(List<String> messages, long now) {
            toSend.addAll(messages);
            sendCurrent(now);
        }

        boolean allAcked() {
            return nextToSend == toSend.size();
        }

        private void sendCurrent(long now) {
            if (nextToSend < toSend.size()) {
                transmit(DATA, nextToSend, toSend.get(nextToSend).getBytes());
                timers.schedule(retransmit, now + RTO);
            } else {
                timers.cancel(retransmit);
            }
        }

        private void onRetransmit(long now) {
            retransmissions++;
            sendCurrent(now);
        }

        private void transmit(int type, int seq, byte[] payload) {
            PacketBuffer f = pool.acquire(14 + 9 + payload.length);
            int o = f.append(14 + 9 + payload.length);
            byte[] a = f.array();
            Bytes.u48(a, o, peerMac);
            Bytes.u48(a, o + 6, mac);
            Bytes.u16(a, o + 12, ETHERTYPE);
            Bytes.u8(a, o + 14, type);
            Bytes.u32(a, o + 15, seq);
            System.arraycopy(payload, 0, a, o + 23, payload.length);
            Bytes.u32(a, o + 19, crc(a, o, payload.length));
            link.transmit(f);
        }

        private static int crc(byte[] a, int o, int payloadLen) {
            CRC32 c = new CRC32();
            c.update(a, o + 14, 5);
            c.update(a, o + 23, payloadLen);
            return (int) c.getValue();
        }

        private void receive(PacketBuffer f) {
            byte[] a = f.array();
            int o = f.start();
            // Corruption may hit any bit, the addresses included: check everything.
            if (f.length() < 23 || Bytes.u48(a, o) != mac || Bytes.u16(a, o + 12) != ETHERTYPE
                    || Bytes.u32(a, o + 19) != crc(a, o, f.length() - 23)) {
                badFrames++;
                return;
            }
            int type = Bytes.u8(a, o + 14);
            int seq = Bytes.u32(a, o + 15);
            if (type == DATA) {
                if (seq == expected) {
                    delivered.add(new String(a, o + 23, f.length() - 23));
                    expected++;
                }
                if (seq < expected) {
                    transmit(ACK, seq, new byte[0]);
                }
            } else if (type == ACK && seq == nextToSend) {
                nextToSend++;
                sendCurrent(clock.nanos());
            }
        }

        @Override
        public void poll(long now) {
            timers.poll(now);
        }

        @Override
        public long nextDeadline() {
            return timers.nextDeadline();
        }

        @Override
        public String toString() {
            return "Peer[" + name + "]";
        }
    }

    record Outcome(long endTime, List<String> delivered, long retransmissions, String counters) {
    }

    private static Outcome transfer(long seed, int messages) {
        BufferPool pool = new BufferPool(4096, true);
        ManualClock clock = new ManualClock(0);
        Simulation sim = new Simulation(clock);
        VirtualSwitch sw = new VirtualSwitch("sw");
        FaultInjector fa = new FaultInjector(sw.newPort("a", 1500), clock, pool, seed);
        FaultInjector fb = new FaultInjector(sw.newPort("b", 1500), clock, pool, seed + 1);
        for (FaultConfig c : List.of(fa.transmit(), fa.receive(), fb.transmit(), fb.receive())) {
            c.lossRate(0.1).duplicateRate(0.05).reorderRate(0.05).corruptRate(0.05).delayNanos(MS).jitterNanos(MS / 2);
        }
        Peer a = new Peer("a", MAC_A, MAC_B, fa, pool, clock);
        Peer b = new Peer("b", MAC_B, MAC_A, fb, pool, clock);
        sim.add(sw);
        sim.add(fa);
        sim.add(fb);
        sim.add(a);
        sim.add(b);
        List<String> msgs = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            msgs.add("message " + i);
        }
        a.send(msgs, clock.nanos());
        boolean done = sim.runUntil(() -> b.delivered.size() == messages && a.allAcked(), Clock.seconds(600));
        assertTrue(done, "transfer did not finish: delivered " + b.delivered.size() + " at " + clock.nanos());
        // Let stray duplicates and delayed frames drain, then prove every buffer came back once.
        sim.runFor(Clock.seconds(1));
        assertEquals(0, fa.pendingFrames() + fb.pendingFrames());
        pool.assertNoLeaks();
        String counters = fa.transmitCounters() + " " + fa.receiveCounters() + " " + fb.transmitCounters() + " " + fb.receiveCounters();
        assertTrue(a.badFrames + b.badFrames > 0, "corruption was injected and detected: " + counters);
        return new Outcome(clock.nanos(), b.delivered, a.retransmissions, counters);
    }

    @Test
    void reliableTransferOverADamagedSwitchedLinkDeliversEverythingInOrderOnce() {
        Outcome o = transfer(2024, 300);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            expected.add("message " + i);
        }
        assertEquals(expected, o.delivered());
        assertTrue(o.retransmissions() > 0, "10% loss must cost retransmissions");
    }

    @Test
    void theSameSeedReplaysTheSameRunAndAnotherSeedDoesNot() {
        Outcome first = transfer(7, 100);
        Outcome again = transfer(7, 100);
        assertEquals(first, again);
        Outcome other = transfer(8, 100);
        assertNotEquals(first.counters(), other.counters());
    }

    /** Answers every frame it receives by sending it back to where it came from. */
    static final class Echo implements Pollable {
        final Link link;
        final BufferPool pool;

        Echo(Link link, BufferPool pool) {
            this.link = link;
            this.pool = pool;
            link.attach(f -> {
                PacketBuffer r = f.copy(pool, BufferPool.DEFAULT_HEADROOM);
                long dst = Bytes.u48(r.array(), r.start());
                Bytes.u48(r.array(), r.start(), Bytes.u48(r.array(), r.start() + 6));
                Bytes.u48(r.array(), r.start() + 6, dst);
                link.transmit(r); // from inside receive: the switch must not re-enter us
            });
        }

        @Override
        public void poll(long now) {
        }

        @Override
        public long nextDeadline() {
            return Clock.NEVER;
        }
    }

    @Test
    void jumpsTheClockStraightToTheNextDeadline() {
        BufferPool pool = new BufferPool(64, true);
        ManualClock clock = new ManualClock(Clock.seconds(5));
        Simulation sim = new Simulation(clock);
        VirtualSwitch sw = new VirtualSwitch("sw");
        FaultInjector delayed = new FaultInjector(sw.newPort("a", 1500), clock, pool, 1);
        delayed.transmit().delayNanos(3 * MS);
        delayed.receive().delayNanos(4 * MS);
        new Echo(sw.newPort("b", 1500), pool);
        List<Long> arrivals = new ArrayList<>();
        delayed.attach(f -> arrivals.add(clock.nanos()));
        sim.add(sw);
        sim.add(delayed);
        PacketBuffer ping = pool.acquire(60);
        int o = ping.append(60);
        Bytes.u48(ping.array(), o, MAC_B);
        Bytes.u48(ping.array(), o + 6, MAC_A);
        delayed.transmit(ping);
        assertTrue(sim.runUntil(() -> !arrivals.isEmpty(), Clock.seconds(1)));
        assertEquals(List.of(Clock.seconds(5) + 7 * MS), arrivals, "3 ms out, 4 ms back, the switch itself is instant");
        assertEquals(Clock.seconds(5) + 7 * MS, clock.nanos(), "stops at the first instant the condition holds");
        pool.assertNoLeaks();
    }

    @Test
    void runForAdvancesExactlyAndFiresPeriodicWork() {
        ManualClock clock = new ManualClock(0);
        Simulation sim = new Simulation(clock);
        TimerWheel wheel = new TimerWheel();
        List<Long> ticks = new ArrayList<>();
        Timer[] t = new Timer[1];
        t[0] = new Timer(now -> {
            ticks.add(now);
            wheel.schedule(t[0], now + 10 * MS);
        });
        wheel.schedule(t[0], 10 * MS);
        sim.add(wheel);
        sim.runFor(Clock.seconds(1));
        assertEquals(Clock.seconds(1), clock.nanos());
        assertEquals(100, ticks.size());
        assertEquals(Clock.seconds(1), ticks.get(99), "work due exactly at the end runs");
    }

    @Test
    void runUntilReportsFalseWhenTheConditionNeverHoldsAndTimeStillPasses() {
        ManualClock clock = new ManualClock(100);
        Simulation sim = new Simulation(clock);
        sim.add(new TimerWheel());
        assertFalse(sim.runUntil(() -> false, 5 * MS));
        assertEquals(100 + 5 * MS, clock.nanos());
        assertTrue(sim.runUntil(() -> true, 5 * MS));
        assertEquals(100 + 5 * MS, clock.nanos(), "a condition already true costs no time");
    }

    @Test
    void somethingForeverDueAtOneInstantIsReportedAsALiveLock() {
        ManualClock clock = new ManualClock(0);
        Simulation sim = new Simulation(clock);
        sim.add(new Pollable() {
            @Override
            public void poll(long now) {
            }

            @Override
            public long nextDeadline() {
                return 0; // claims work forever, never does it
            }

            @Override
            public String toString() {
                return "StuckThing";
            }
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> sim.runFor(MS));
        assertTrue(e.getMessage().contains("live-lock") && e.getMessage().contains("StuckThing"), e.getMessage());
        assertEquals(0, clock.nanos());
    }

    @Test
    void aSimNetworkWiresHostsThroughASwitchWithFaultsAndCleansUp() {
        BufferPool pool = new BufferPool(1024, true);
        ManualClock clock = new ManualClock(0);
        Simulation sim = new Simulation(clock);
        SimNetwork net = new SimNetwork(sim, pool, 99);
        FaultInjector a = net.attach("a", 1500);
        FaultInjector b = net.attach("b", 1500);
        a.transmit().delayNanos(2 * MS);
        b.receive().delayNanos(3 * MS);
        List<Long> arrivals = new ArrayList<>();
        b.attach(f -> arrivals.add(clock.nanos()));
        for (int i = 0; i < 3; i++) {
            PacketBuffer f = pool.acquire(60);
            int o = f.append(60);
            Bytes.u48(f.array(), o, 0xffff_ffff_ffffL);
            Bytes.u48(f.array(), o + 6, MAC_A);
            a.transmit(f);
        }
        assertTrue(sim.runUntil(() -> arrivals.size() == 3, Clock.seconds(1)));
        assertEquals(List.of(5 * MS, 5 * MS, 5 * MS), arrivals);
        a.transmit().delayNanos(Clock.seconds(10));
        PacketBuffer late = pool.acquire(60);
        late.append(60);
        a.transmit(late);
        assertEquals(1, net.pendingFrames());
        net.discardInFlight();
        pool.assertNoLeaks();
    }
}
