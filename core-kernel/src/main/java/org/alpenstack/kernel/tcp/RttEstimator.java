package org.alpenstack.kernel.tcp;

/**
 * The retransmission timeout of RFC 6298: SRTT and RTTVAR from RTT samples, and
 * {@code RTO = SRTT + max(G, 4*RTTVAR)} bounded to {@code [minRto, maxRto]}, with exponential
 * backoff on expiry. All values are nanoseconds. One per connection; not thread-safe.
 *
 * <p>What the caller must do:
 * <ul>
 *   <li><b>Karn's rule</b> (RFC 6298 section 3): never feed a sample measured on a segment that was
 *       retransmitted (its ACK is ambiguous), unless it comes from a timestamp echo. With
 *       timestamps (RFC 7323 section 4.2) a sample is {@code now - TSecr-time} for each ACK that
 *       advances SND.UNA, retransmitted or not; without them, time one segment per RTT.</li>
 *   <li>Call {@link #backoff()} when the retransmission timer expires (RFC 6298 section 5.5) and
 *       arm the timer with {@link #rto()}; the backoff is cleared by the next valid sample
 *       (section 5.7 and the note after it: the RTO is recomputed from new samples).</li>
 *   <li>If the SYN or SYN-ACK had to be retransmitted and no sample exists when the connection
 *       is established, call {@link #fallbackAfterHandshakeRetransmit()} (section 5, last
 *       paragraph: RTO = 3 s; Linux TCP_TIMEOUT_FALLBACK).</li>
 * </ul>
 *
 * <p>Linux keeps RTTVAR at least {@code tcp_rto_min}, so its RTO is roughly
 * {@code SRTT + max(4*RTTVAR, 200 ms)}; this class keeps the RFC formula and applies the
 * configurable minimum to the result, which matches Linux on fast paths and RFC 6298 elsewhere.
 */
public final class RttEstimator {
    /** RFC 6298 section 2.1: the RTO before any sample. */
    public static final long DEFAULT_INITIAL_RTO = 1_000_000_000L;
    /** Linux TCP_RTO_MIN (200 ms); RFC 6298 2.4 would say 1 s. */
    public static final long DEFAULT_MIN_RTO = 200_000_000L;
    /** Linux TCP_RTO_MAX (120 s); RFC 6298 2.5 allows a maximum of at least 60 s. */
    public static final long DEFAULT_MAX_RTO = 120_000_000_000L;
    /** Clock granularity G: the stack's timer wheel ticks every millisecond. */
    public static final long DEFAULT_GRANULARITY = 1_000_000L;
    /** RFC 6298 section 5 (after 5.7): RTO after a retransmitted handshake without a sample. */
    public static final long HANDSHAKE_FALLBACK_RTO = 3_000_000_000L;

    private final long initialRto;
    private final long minRto;
    private final long maxRto;
    private final long granularity;

    private long srtt;
    private long rttvar;
    private long minRtt = Long.MAX_VALUE;
    private long baseRto;
    private int backoffs;
    private boolean hasSample;

    public RttEstimator() {
        this(DEFAULT_INITIAL_RTO, DEFAULT_MIN_RTO, DEFAULT_MAX_RTO, DEFAULT_GRANULARITY);
    }

    /** @throws IllegalArgumentException unless {@code 0 < minRto <= maxRto}, {@code initialRto > 0}, {@code granularity >= 0} */
    public RttEstimator(long initialRto, long minRto, long maxRto, long granularity) {
        if (minRto <= 0 || maxRto < minRto || initialRto <= 0 || granularity < 0) {
            throw new IllegalArgumentException("bad RTO bounds: initial=" + initialRto + " min=" + minRto
                    + " max=" + maxRto + " granularity=" + granularity);
        }
        this.initialRto = initialRto;
        this.minRto = minRto;
        this.maxRto = maxRto;
        this.granularity = granularity;
        reset();
    }

    /** Forget all samples and backoff (a new connection). */
    public void reset() {
        srtt = 0;
        rttvar = 0;
        minRtt = Long.MAX_VALUE;
        hasSample = false;
        backoffs = 0;
        baseRto = clamp(initialRto);
    }

    /**
     * A valid RTT measurement R (RFC 6298 section 2.2 / 2.3). Non-positive samples are raised to 1 ns
     * (a same-tick ACK is a real, very short RTT). Clears the backoff.
     */
    public void addSample(long rttNanos) {
        long r = Math.max(1, rttNanos);
        if (!hasSample) {
            // 2.2: SRTT <- R, RTTVAR <- R/2
            srtt = r;
            rttvar = r / 2;
            hasSample = true;
        } else {
            // 2.3 with alpha = 1/8, beta = 1/4; RTTVAR is updated with the old SRTT, as specified.
            long err = Math.abs(srtt - r);
            rttvar = rttvar - rttvar / 4 + err / 4;
            srtt = srtt - srtt / 8 + r / 8;
        }
        minRtt = Math.min(minRtt, r);
        backoffs = 0;
        baseRto = clamp(srtt + Math.max(granularity, 4 * rttvar));
    }

    /**
     * The retransmission timer expired: double the RTO (RFC 6298 section 5.5), up to the maximum.
     * Returns the new {@link #rto()}.
     */
    public long backoff() {
        if (backoffs < 62) {
            backoffs++;
        }
        return rto();
    }

    /** Clear the backoff without a new sample (e.g. new data acknowledged after a timeout). */
    public void resetBackoff() {
        backoffs = 0;
    }

    /** RFC 6298 section 5 last paragraph: a handshake needed a retransmission and gave no sample. */
    public void fallbackAfterHandshakeRetransmit() {
        if (!hasSample) {
            baseRto = clamp(Math.max(baseRto, HANDSHAKE_FALLBACK_RTO));
        }
        backoffs = 0;
    }

    /** The current RTO including backoff: {@code min(maxRto, baseRto * 2^backoffs)}. */
    public long rto() {
        long r = baseRto;
        for (int i = 0; i < backoffs; i++) {
            if (r >= maxRto / 2) {
                return maxRto;
            }
            r *= 2;
        }
        return Math.min(r, maxRto);
    }

    /** The RTO without backoff. */
    public long baseRto() {
        return baseRto;
    }

    /** Timer expiries since the last valid sample (Linux icsk_backoff, tcp_info.tcpi_backoff). */
    public int backoffs() {
        return backoffs;
    }

    public boolean hasSample() {
        return hasSample;
    }

    /** SRTT, 0 before the first sample. */
    public long srtt() {
        return srtt;
    }

    /** RTTVAR, 0 before the first sample. */
    public long rttvar() {
        return rttvar;
    }

    /** The smallest sample seen, {@link Long#MAX_VALUE} before the first. */
    public long minRtt() {
        return minRtt;
    }

    public long minRto() {
        return minRto;
    }

    public long maxRto() {
        return maxRto;
    }

    private long clamp(long rto) {
        return Math.max(minRto, Math.min(maxRto, rto));
    }

    @Override
    public String toString() {
        return "RttEstimator{srtt=" + srtt + ", rttvar=" + rttvar + ", rto=" + rto() + ", backoffs=" + backoffs + "}";
    }
}
