package org.alpenstack.kernel.tcp;

/**
 * Reaches {@link Rack} (and the full-walk {@link RackReference} it replaced) for the RACK
 * microbenchmark ({@code org.alpenstack.kernel.bench.RackBenchmark}); test code only.
 *
 * <p>A steady SACK recovery: {@code flight} MSS records in flight, every {@code holeEvery}-th one
 * never SACKed (a hole, marked lost by RACK and never repaired until SND.UNA reaches it). Each
 * {@link #ack} sends one new segment, then takes the ACK that moves SND.UNA one segment and SACKs
 * the segment sent before it (up to four blocks, the newest first as RFC 2018 asks), then runs
 * RFC 8985 step 5 and asks what TcpRecovery asks (firstLost, lostBytesBelow): the per-ACK work of
 * a sender in recovery with a large window.
 */
public final class RackBench {
    private static final int MSS = 1448;
    private static final long RTT = 10_000L;

    private final Rack rack;
    private final RackReference ref;
    private final int holeEvery;
    private final int[] blocks = new int[8];
    private final int origin = 1 << 30;
    /** SND.UNA and SND.MAX as segment numbers from the first (long: no overflow in a long run). */
    private long unaK;
    private long tailK;
    private long now;

    public RackBench(boolean reference, int flight, int holeEvery) {
        this.rack = reference ? null : new Rack();
        this.ref = reference ? new RackReference() : null;
        this.holeEvery = holeEvery;
        if (rack != null) {
            rack.reset(origin);
        } else {
            ref.reset(origin);
        }
        // Fill the flight without moving SND.UNA, then let the window slide.
        for (int i = 0; i < flight; i++) {
            step(false);
        }
        for (int i = 0; i < flight; i++) {
            step(true);
        }
    }

    /** One ACK of the steady state; returns the RACK timeout (for the benchmark to consume). */
    public long ack() {
        return step(true);
    }

    /** Records in flight. */
    public int records() {
        return rack != null ? rack.records() : ref.records();
    }

    /** Bytes marked lost: the holes. */
    public long lostBytes() {
        return rack != null ? rack.lostBytes() : ref.lostBytes();
    }

    private long step(boolean slide) {
        now += RTT;
        int tail = seq(tailK);
        if (rack != null) {
            rack.onSent(tail, tail + MSS, now);
        } else {
            ref.onSent(tail, tail + MSS, now);
        }
        tailK++;
        tail += MSS;
        if (slide) {
            unaK++;
        }
        int una = seq(unaK);
        // The SACKed ranges above SND.UNA, newest first: the holes (segments whose number from
        // the first one is a multiple of holeEvery) split them. Computed, not walked, so that
        // the benchmark measures RACK and not this loop.
        int n = 0;
        long rightK = tailK - 1; // the segment just sent is not delivered yet
        while (n < 4 && rightK > unaK) {
            long hole = (rightK - 1) / holeEvery * holeEvery;
            if (hole == rightK - 1) {
                rightK = hole;
                continue;
            }
            blocks[2 * n] = seq(Math.max(hole + 1, unaK));
            blocks[2 * n + 1] = seq(rightK);
            n++;
            rightK = hole;
        }
        // Then what TcpRecovery asks on such an ACK: step 5, the lowest lost record to resend
        // and the lost bytes below HighRxt for pipe (HighRxt taken as high as it gets).
        if (rack != null) {
            rack.onAck(una, blocks, n, false, false, 0, RTT, tail, now);
            return rack.detectLoss(0, now) + rack.firstLost() + rack.lostBytesBelow(tail);
        }
        ref.onAck(una, blocks, n, false, false, 0, RTT, tail, now);
        return ref.detectLoss(0, now) + ref.firstLost() + ref.lostBytesBelow(tail);
    }

    /** The sequence number of segment {@code k} (wrapping, as sequence numbers do). */
    private int seq(long k) {
        return origin + (int) (k * MSS);
    }
}
