package org.alpenstack.kernel.link;

import org.alpenstack.kernel.time.Clock;

/**
 * What a {@link FaultInjector} does to one direction of traffic, in the spirit of Linux netem:
 * each frame is lost, corrupted, duplicated or held back for reordering with the given
 * probabilities, then delayed by {@code delay} plus or minus a uniform {@code jitter} (jitter
 * reorders frames, as in netem). Changeable at any time (the admin API sets it at run time);
 * a change applies to the next frame.
 */
public final class FaultConfig {
    private double lossRate;
    private double duplicateRate;
    private double reorderRate;
    private double corruptRate;
    private long delayNanos;
    private long jitterNanos;
    private long reorderHoldNanos = Clock.millis(1);

    public double lossRate() {
        return lossRate;
    }

    /** Probability that a frame silently disappears. */
    public FaultConfig lossRate(double p) {
        lossRate = checkRate("lossRate", p);
        return this;
    }

    public double duplicateRate() {
        return duplicateRate;
    }

    /** Probability that a frame is delivered twice. */
    public FaultConfig duplicateRate(double p) {
        duplicateRate = checkRate("duplicateRate", p);
        return this;
    }

    public double reorderRate() {
        return reorderRate;
    }

    /** Probability that a frame is held back and sent after the next one (or after {@link #reorderHoldNanos()}). */
    public FaultConfig reorderRate(double p) {
        reorderRate = checkRate("reorderRate", p);
        return this;
    }

    public double corruptRate() {
        return corruptRate;
    }

    /** Probability that one random bit of a frame is flipped. */
    public FaultConfig corruptRate(double p) {
        corruptRate = checkRate("corruptRate", p);
        return this;
    }

    public long delayNanos() {
        return delayNanos;
    }

    public FaultConfig delayNanos(long nanos) {
        delayNanos = checkNonNegative("delayNanos", nanos);
        return this;
    }

    public long jitterNanos() {
        return jitterNanos;
    }

    /** Each frame's delay is drawn uniformly from {@code [delay - jitter, delay + jitter]}, never below zero. */
    public FaultConfig jitterNanos(long nanos) {
        jitterNanos = checkNonNegative("jitterNanos", nanos);
        return this;
    }

    public long reorderHoldNanos() {
        return reorderHoldNanos;
    }

    /** How long a held-back frame waits for a successor before it goes out alone. */
    public FaultConfig reorderHoldNanos(long nanos) {
        reorderHoldNanos = checkNonNegative("reorderHoldNanos", nanos);
        return this;
    }

    /** Turns every fault off. */
    public FaultConfig clear() {
        lossRate = 0;
        duplicateRate = 0;
        reorderRate = 0;
        corruptRate = 0;
        delayNanos = 0;
        jitterNanos = 0;
        return this;
    }

    /** True if any fault is configured: frames are then damaged one wire frame at a time. */
    public boolean active() {
        return lossRate > 0 || duplicateRate > 0 || reorderRate > 0 || corruptRate > 0 || delays();
    }

    boolean delays() {
        return delayNanos > 0 || jitterNanos > 0;
    }

    private static double checkRate(String what, double p) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException(what + " must be within [0, 1]: " + p);
        }
        return p;
    }

    private static long checkNonNegative(String what, long v) {
        if (v < 0) {
            throw new IllegalArgumentException(what + " must not be negative: " + v);
        }
        return v;
    }

    @Override
    public String toString() {
        return "FaultConfig[loss=" + lossRate + ", duplicate=" + duplicateRate + ", reorder=" + reorderRate
                + ", corrupt=" + corruptRate + ", delay=" + delayNanos + "ns, jitter=" + jitterNanos + "ns]";
    }
}
