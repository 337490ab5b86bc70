package org.alpenstack.kernel.link;

import java.util.SplittableRandom;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.time.Clock;

/**
 * One direction of a {@link FaultInjector}: decides each frame's fate with its own seeded random
 * stream, so a failing test replays exactly, and holds delayed or reordered frames until due.
 *
 * <p>Order of decisions per frame: loss, corruption, duplication, reordering, then delay (each
 * copy gets its own delay). A frame lent by the layer below is copied into the pool only when it
 * has to outlive the call (held, delayed, duplicated) or be modified (corrupted).
 */
final class FaultPath {
    /** Where frames go once they have survived: the inner link, or the attached receiver. */
    interface Sink {
        /** Passes {@code frame} on; if {@code lent} is false the sink becomes its owner. */
        void pass(PacketBuffer frame, boolean lent);
    }

    static final int DELAY_LINE_LIMIT = 65536;

    final FaultConfig config = new FaultConfig();
    final FaultCounters counters = new FaultCounters();
    private final SplittableRandom random;
    private final BufferPool pool;
    private final Sink sink;
    private final DelayLine delayLine = new DelayLine(DELAY_LINE_LIMIT);
    private PacketBuffer held;
    private long heldUntil = Clock.NEVER;

    FaultPath(long seed, BufferPool pool, Sink sink) {
        this.random = new SplittableRandom(seed);
        this.pool = pool;
        this.sink = sink;
    }

    void offer(PacketBuffer frame, boolean lent, long now) {
        counters.frames++;
        FaultConfig c = config;
        if (chance(c.lossRate())) {
            counters.lost++;
            if (!lent) {
                frame.release();
            }
            return;
        }
        boolean corrupt = chance(c.corruptRate()) && frame.length() > 0;
        boolean duplicate = chance(c.duplicateRate());
        boolean hold = held == null && chance(c.reorderRate());
        if (lent && (corrupt || duplicate || hold || c.delays())) {
            frame = copy(frame);
            lent = false;
        }
        if (corrupt) {
            int bit = random.nextInt(frame.length() * 8);
            frame.array()[frame.start() + (bit >>> 3)] ^= (byte) (1 << (bit & 7));
            // Whatever the driver verified, these are no longer the bytes it saw.
            frame.transportChecksumVerified(false);
            counters.corrupted++;
        }
        PacketBuffer copy = null;
        if (duplicate) {
            copy = copy(frame);
            counters.duplicated++;
        }
        PacketBuffer releaseAfter = held;
        if (hold) {
            held = frame;
            heldUntil = now + c.reorderHoldNanos();
            counters.reordered++;
        } else {
            emit(frame, lent, now);
        }
        if (copy != null) {
            emit(copy, false, now);
        }
        if (releaseAfter != null) {
            // The held frame goes out right after its successor: the two arrive swapped.
            held = null;
            heldUntil = Clock.NEVER;
            emit(releaseAfter, false, now);
        }
    }

    void poll(long now) {
        if (held != null && heldUntil <= now) {
            PacketBuffer f = held;
            held = null;
            heldUntil = Clock.NEVER;
            emit(f, false, now);
        }
        while (delayLine.firstTime() <= now) {
            counters.delivered++;
            sink.pass(delayLine.take(), false);
        }
    }

    long nextDeadline() {
        return Math.min(heldUntil, delayLine.firstTime());
    }

    /** Frames this path still holds (delayed or held back). */
    int pending() {
        return delayLine.size() + (held == null ? 0 : 1);
    }

    void discardPending() {
        delayLine.clear();
        if (held != null) {
            held.release();
            held = null;
            heldUntil = Clock.NEVER;
        }
    }

    private void emit(PacketBuffer frame, boolean lent, long now) {
        FaultConfig c = config;
        if (c.delays()) {
            long delay = c.delayNanos();
            if (c.jitterNanos() > 0) {
                delay += random.nextLong(-c.jitterNanos(), c.jitterNanos() + 1);
            }
            if (delay > 0) {
                // emit() sees a lent frame only when no delay was configured at offer() time.
                if (lent) {
                    frame = copy(frame);
                }
                if (delayLine.add(now + delay, frame)) {
                    counters.delayed++;
                } else {
                    counters.overflowed++;
                    frame.release();
                }
                return;
            }
        }
        counters.delivered++;
        sink.pass(frame, lent);
    }

    private boolean chance(double p) {
        return p > 0 && random.nextDouble() < p;
    }

    private PacketBuffer copy(PacketBuffer frame) {
        int headroom = frame.length() + BufferPool.DEFAULT_HEADROOM <= BufferPool.maxCapacity() ? BufferPool.DEFAULT_HEADROOM : 0;
        return frame.copy(pool, headroom);
    }
}
