package org.alpenstack.kernel.icmp;

/**
 * A token bucket for the ICMP errors we send (RFC 1812 4.3.2.8, RFC 1122 3.2.2 "SHOULD limit"),
 * like Linux's global icmp_msgs_per_sec (1000) and icmp_msgs_burst (50): one token per
 * millisecond, at most {@code burst} saved up.
 */
public final class IcmpRateLimiter {
    public static final long DEFAULT_INTERVAL = 1_000_000L;
    public static final int DEFAULT_BURST = 50;

    private long interval;
    private int burst;
    private int tokens;
    private long lastRefill;
    private boolean started;

    public IcmpRateLimiter() {
        this(DEFAULT_INTERVAL, DEFAULT_BURST);
    }

    /** @param interval nanoseconds per token (0 disables limiting) */
    public IcmpRateLimiter(long interval, int burst) {
        configure(interval, burst);
    }

    public void configure(long interval, int burst) {
        if (interval < 0 || burst < 1) {
            throw new IllegalArgumentException("bad rate limit " + interval + "/" + burst);
        }
        this.interval = interval;
        this.burst = burst;
        this.tokens = burst;
        this.started = false;
    }

    /** Takes a token if one is available at {@code now}. */
    public boolean allow(long now) {
        if (interval == 0) {
            return true;
        }
        if (!started) {
            started = true;
            lastRefill = now;
        }
        long elapsed = now - lastRefill;
        if (elapsed >= interval) {
            long add = elapsed / interval;
            tokens = (int) Math.min(burst, tokens + add);
            lastRefill += add * interval;
        }
        if (tokens > 0) {
            tokens--;
            return true;
        }
        return false;
    }
}
