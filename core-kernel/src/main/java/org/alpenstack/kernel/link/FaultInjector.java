package org.alpenstack.kernel.link;

import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.time.Pollable;

/**
 * Wraps any {@link Link} and damages traffic in both directions: loss, duplication, reordering,
 * bit corruption, delay and jitter (see {@link FaultConfig}), like Linux netem or smoltcp's
 * FaultInjector device. Decisions come from a random stream seeded by the caller, one per
 * direction, so the same seed and the same traffic give the same faults: a failing test replays.
 *
 * <p>Delayed and held-back frames are released by {@link #poll}; add the injector to whatever
 * drives the stack (a Simulation, the instance's event loop). Received frames are only lent by the
 * link below, so the ones that must outlive the call are copied into {@code pool} first.
 */
public final class FaultInjector implements Link, Pollable {
    private final Link inner;
    private final Clock clock;
    private final FaultPath tx;
    private final FaultPath rx;
    private final BufferPool pool;
    private final SoftwareOffload.Sink offerTx = this::offerTx;
    private final SoftwareOffload.Sink offerRx = this::offerRx;
    private FrameReceiver receiver;

    public FaultInjector(Link inner, Clock clock, BufferPool pool, long seed) {
        this.inner = inner;
        this.clock = clock;
        this.pool = pool;
        // Independent streams per direction: traffic one way does not shift the faults the other way.
        this.tx = new FaultPath(seed, pool, (frame, lent) -> inner.transmit(frame));
        this.rx = new FaultPath(seed ^ 0x5DEE_CE66_D1CE_4E5BL, pool, this::deliver);
        inner.attach(this::received);
    }

    private void received(PacketBuffer frame) {
        if (frame.receivedGsoSize() > 0 && rx.config.active()) {
            // A super-packet the driver coalesced: the faults act on the wire frames it stands for.
            SoftwareOffload.splitReceived(frame, pool, offerRx);
            return;
        }
        rx.offer(frame, true, clock.nanos());
    }

    private void offerRx(PacketBuffer frame) {
        rx.offer(frame, false, clock.nanos());
    }

    /** Faults applied to frames this side transmits; mutable at run time. */
    public FaultConfig transmit() {
        return tx.config;
    }

    /** Faults applied to frames this side receives; mutable at run time. */
    public FaultConfig receive() {
        return rx.config;
    }

    public FaultCounters transmitCounters() {
        return tx.counters;
    }

    public FaultCounters receiveCounters() {
        return rx.counters;
    }

    @Override
    public void transmit(PacketBuffer frame) {
        if (frame.hasOffload() && tx.config.active()) {
            // Loss, corruption, reordering and delay apply to wire frames, not to 64 KiB super-segments.
            SoftwareOffload.finishFrame(frame, pool, offerTx);
            return;
        }
        tx.offer(frame, false, clock.nanos());
    }

    private void offerTx(PacketBuffer frame) {
        tx.offer(frame, false, clock.nanos());
    }

    /**
     * The inner link's transmit offloads while this side's transmit faults are all off (frames
     * then pass unchanged); none while any is on, so that the stack's super-segments are cut into
     * wire frames before they meet the faults (the IP layer does that in software).
     */
    @Override
    public int txOffloads() {
        return tx.config.active() ? 0 : inner.txOffloads();
    }

    private void deliver(PacketBuffer frame, boolean lent) {
        FrameReceiver r = receiver;
        if (r != null) {
            r.receive(frame);
        }
        if (!lent) {
            frame.release();
        }
    }

    @Override
    public void poll(long now) {
        tx.poll(now);
        rx.poll(now);
    }

    @Override
    public long nextDeadline() {
        return Math.min(tx.nextDeadline(), rx.nextDeadline());
    }

    /** Frames held in either direction (delayed or held back for reordering). */
    public int pendingFrames() {
        return tx.pending() + rx.pending();
    }

    /** Releases every frame still held (tear-down). */
    public void discardPending() {
        tx.discardPending();
        rx.discardPending();
    }

    @Override
    public void attach(FrameReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public int mtu() {
        return inner.mtu();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public String toString() {
        return "FaultInjector[" + inner.name() + ", tx " + tx.config + ", rx " + rx.config + "]";
    }
}
