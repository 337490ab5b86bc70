package org.alpenstack.kernel.tcp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.alpenstack.kernel.tcp.cc.CongestionControls;

/**
 * The TCP settings of one stack instance, like Linux's {@code net.ipv4.tcp_*} sysctls, with the
 * same defaults. The engine reads them through typed getters; the admin API lists, reads and
 * writes them by name ({@link #descriptors()}, {@link #get}, {@link #set}, {@link #snapshot}).
 * Every write is validated and a bad one throws {@link IllegalArgumentException} whose message
 * starts with the field's name, changing nothing. Durations are nanoseconds (the names say so).
 *
 * <p>Changes apply to connections created afterwards, as with most Linux sysctls. Sizes are not
 * cross-checked (Linux does not either): the buffer code clamps a default to its maximum.
 * Owned by the instance's thread like the rest of core-kernel; readers elsewhere take a
 * {@link #snapshot()} or a {@link #copy()}.
 */
public final class TcpTunables {

    /** A tunable's metadata, for the admin API: type is Long, Boolean or String. */
    public record Descriptor(String name, Class<?> type, Object defaultValue, long min, long max, String description) {
    }

    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    private static final List<Descriptor> DESCRIPTORS = new ArrayList<>();
    private static final Map<String, Integer> INDEX = new LinkedHashMap<>();

    private static int num(String name, long def, long min, long max, String description) {
        return add(new Descriptor(name, Long.class, def, min, max, description));
    }

    private static int bool(String name, boolean def, String description) {
        return add(new Descriptor(name, Boolean.class, def, 0, 1, description));
    }

    private static int add(Descriptor d) {
        int i = DESCRIPTORS.size();
        DESCRIPTORS.add(d);
        INDEX.put(d.name(), i);
        return i;
    }

    static final int CONGESTION_CONTROL = add(new Descriptor("congestionControl", String.class, CongestionControls.DEFAULT,
            0, 0, "congestion control for new connections (tcp_congestion_control): " + CongestionControls.available()));
    static final int RMEM_MIN = num("rmemMin", 4096, 1024, 1 << 30, "smallest receive buffer, bytes (tcp_rmem[0])");
    static final int RMEM_DEFAULT = num("rmemDefault", 131072, 1024, 1 << 30, "initial receive buffer, bytes (tcp_rmem[1])");
    static final int RMEM_MAX = num("rmemMax", 6291456, 1024, 1 << 30, "largest receive buffer, bytes (tcp_rmem[2])");
    static final int WMEM_MIN = num("wmemMin", 4096, 1024, 1 << 30, "smallest send buffer, bytes (tcp_wmem[0])");
    static final int WMEM_DEFAULT = num("wmemDefault", 16384, 1024, 1 << 30, "initial send buffer, bytes (tcp_wmem[1])");
    static final int WMEM_MAX = num("wmemMax", 4194304, 1024, 1 << 30, "largest send buffer, bytes (tcp_wmem[2])");
    static final int MODERATE_RCVBUF = bool("moderateRcvbuf", true, "receive buffer autotuning (tcp_moderate_rcvbuf)");
    static final int DELAYED_ACK = num("delayedAckNanos", 40 * MS, MS, 500 * MS,
            "delayed ACK timeout (Linux TCP_DELACK_MIN; RFC 9293 3.8.6.3 allows up to 500 ms)");
    static final int MIN_RTO = num("minRtoNanos", 200 * MS, MS, 120 * S, "lower bound of the RTO (TCP_RTO_MIN)");
    static final int INITIAL_RTO = num("initialRtoNanos", S, MS, 120 * S, "RTO before any RTT sample (RFC 6298 2.1)");
    static final int MAX_RTO = num("maxRtoNanos", 120 * S, MS, 3600 * S, "upper bound of the RTO (TCP_RTO_MAX)");
    static final int SYNCOOKIES = num("syncookies", 1, 0, 2, "0 never, 1 when the SYN queue overflows, 2 always (tcp_syncookies)");
    static final int KEEPALIVE_TIME = num("keepaliveTimeNanos", 7200 * S, S, 32767 * S, "idle time before keepalive probes (tcp_keepalive_time)");
    static final int KEEPALIVE_INTVL = num("keepaliveIntvlNanos", 75 * S, S, 32767 * S, "time between keepalive probes (tcp_keepalive_intvl)");
    static final int KEEPALIVE_PROBES = num("keepaliveProbes", 9, 1, 127, "unanswered probes before the connection is dropped (tcp_keepalive_probes)");
    static final int FIN_TIMEOUT = num("finTimeoutNanos", 60 * S, S, 3600 * S, "time an orphaned connection stays in FIN-WAIT-2 (tcp_fin_timeout)");
    static final int TIME_WAIT = num("timeWaitNanos", 60 * S, 0, 3600 * S, "TIME-WAIT duration, 2*MSL as Linux TCP_TIMEWAIT_LEN");
    static final int MAX_SYN_BACKLOG = num("maxSynBacklog", 1024, 1, 1 << 20, "half-open connections per listener (tcp_max_syn_backlog)");
    static final int SOMAXCONN = num("somaxconn", 4096, 1, 1 << 20, "cap on listen() backlogs (net.core.somaxconn)");
    static final int SYN_RETRIES = num("synRetries", 6, 1, 127, "SYN retransmissions before connect() fails (tcp_syn_retries)");
    static final int SYNACK_RETRIES = num("synAckRetries", 5, 1, 127, "SYN-ACK retransmissions (tcp_synack_retries)");
    static final int RETRIES1 = num("retries1", 3, 1, 255, "retransmissions before the route is suspected (tcp_retries1)");
    static final int RETRIES2 = num("retries2", 15, 1, 255, "retransmissions before an established connection is dropped (tcp_retries2)");
    static final int ORPHAN_RETRIES = num("orphanRetries", 0, 0, 255, "retransmissions for orphaned connections, 0 = 8 (tcp_orphan_retries)");
    static final int WINDOW_SCALING = bool("windowScaling", true, "RFC 7323 window scale option (tcp_window_scaling)");
    static final int TIMESTAMPS = bool("timestamps", true, "RFC 7323 timestamps (tcp_timestamps)");
    static final int SACK = bool("sack", true, "RFC 2018 selective acknowledgments (tcp_sack)");
    static final int DSACK = bool("dsack", true, "RFC 2883 duplicate SACKs (tcp_dsack)");
    static final int ECN = num("ecn", 2, 0, 2, "RFC 3168 ECN: 0 off, 1 request and accept, 2 accept only (tcp_ecn)");
    static final int NAGLE = bool("nagle", true, "RFC 9293 3.7.4 Nagle algorithm on new sockets (TCP_NODELAY off)");
    static final int REORDERING = num("reordering", 3, 1, 300, "DupThresh for fast retransmit (tcp_reordering)");
    static final int SLOW_START_AFTER_IDLE = bool("slowStartAfterIdle", true, "RFC 5681 4.1 restart window after idle (tcp_slow_start_after_idle)");
    static final int DEFAULT_MSS = num("defaultMss", 536, 88, 65495, "send MSS when the peer sends no MSS option (RFC 9293 3.7.1)");
    static final int MIN_SND_MSS = num("minSndMss", 48, 48, 65495, "smallest MSS accepted from a peer (tcp_min_snd_mss)");
    static final int ABORT_ON_OVERFLOW = bool("abortOnOverflow", false, "reset instead of dropping when the accept queue is full (tcp_abort_on_overflow)");

    private final long[] values = new long[DESCRIPTORS.size()];
    private String congestionControl;

    /** Linux defaults. */
    public TcpTunables() {
        for (int i = 0; i < DESCRIPTORS.size(); i++) {
            Descriptor d = DESCRIPTORS.get(i);
            if (d.type() == Long.class) {
                values[i] = (Long) d.defaultValue();
            } else if (d.type() == Boolean.class) {
                values[i] = (Boolean) d.defaultValue() ? 1 : 0;
            }
        }
        congestionControl = CongestionControls.DEFAULT;
    }

    /** An independent copy. */
    public TcpTunables copy() {
        TcpTunables t = new TcpTunables();
        System.arraycopy(values, 0, t.values, 0, values.length);
        t.congestionControl = congestionControl;
        return t;
    }

    /** Every tunable's name, type, default and range, in a stable order. */
    public static List<Descriptor> descriptors() {
        return Collections.unmodifiableList(DESCRIPTORS);
    }

    /** Whether {@code name} is a tunable. */
    public static boolean has(String name) {
        return INDEX.containsKey(name);
    }

    /** The current value: a Long, Boolean or String. @throws IllegalArgumentException for an unknown name */
    public Object get(String name) {
        int i = index(name);
        Descriptor d = DESCRIPTORS.get(i);
        if (d.type() == String.class) {
            return congestionControl;
        }
        return d.type() == Boolean.class ? (Object) (values[i] != 0) : (Object) values[i];
    }

    /**
     * Sets a tunable by name. Numbers accept any integral Number or a decimal string; booleans
     * accept Boolean, 0/1 or "true"/"false"/"0"/"1"; congestionControl a known algorithm name.
     *
     * @throws IllegalArgumentException naming the field, if the name is unknown or the value invalid
     */
    public void set(String name, Object value) {
        int i = index(name);
        Descriptor d = DESCRIPTORS.get(i);
        if (d.type() == String.class) {
            setCongestionControl(value instanceof String s ? s : String.valueOf(value));
        } else if (d.type() == Boolean.class) {
            values[i] = toBoolean(d, value) ? 1 : 0;
        } else {
            values[i] = checkRange(d, toLong(d, value));
        }
    }

    /** All values by name, in descriptor order (an independent map). */
    public Map<String, Object> snapshot() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Descriptor d : DESCRIPTORS) {
            m.put(d.name(), get(d.name()));
        }
        return m;
    }

    private static int index(String name) {
        Integer i = name == null ? null : INDEX.get(name);
        if (i == null) {
            throw new IllegalArgumentException(name + ": unknown TCP tunable");
        }
        return i;
    }

    private static long toLong(Descriptor d, Object value) {
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof Number n) {
            double x = n.doubleValue();
            if (x == Math.rint(x) && Math.abs(x) < 9.0e18) {
                return (long) x;
            }
        }
        if (value instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException(d.name() + ": must be an integer, got " + value);
    }

    private static boolean toBoolean(Descriptor d, Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n && (n.doubleValue() == 0 || n.doubleValue() == 1)) {
            return n.doubleValue() == 1;
        }
        if (value instanceof String s) {
            switch (s.trim()) {
                case "true", "1" -> {
                    return true;
                }
                case "false", "0" -> {
                    return false;
                }
                default -> {
                }
            }
        }
        throw new IllegalArgumentException(d.name() + ": must be true or false, got " + value);
    }

    private static long checkRange(Descriptor d, long v) {
        if (v < d.min() || v > d.max()) {
            throw new IllegalArgumentException(d.name() + ": must be between " + d.min() + " and " + d.max() + ", got " + v);
        }
        return v;
    }

    private long num(int i) {
        return values[i];
    }

    private void setNum(int i, long v) {
        values[i] = checkRange(DESCRIPTORS.get(i), v);
    }

    // ---- typed accessors for the engine --------------------------------------------------

    public String congestionControl() {
        return congestionControl;
    }

    public void setCongestionControl(String name) {
        if (!CongestionControls.isAvailable(name)) {
            throw new IllegalArgumentException("congestionControl: unknown algorithm " + name
                    + ", available: " + CongestionControls.available());
        }
        congestionControl = name;
    }

    public int rmemMin() {
        return (int) num(RMEM_MIN);
    }

    public int rmemDefault() {
        return (int) num(RMEM_DEFAULT);
    }

    public void setRmemDefault(int bytes) {
        setNum(RMEM_DEFAULT, bytes);
    }

    public int rmemMax() {
        return (int) num(RMEM_MAX);
    }

    public void setRmemMax(int bytes) {
        setNum(RMEM_MAX, bytes);
    }

    public int wmemMin() {
        return (int) num(WMEM_MIN);
    }

    public int wmemDefault() {
        return (int) num(WMEM_DEFAULT);
    }

    public void setWmemDefault(int bytes) {
        setNum(WMEM_DEFAULT, bytes);
    }

    public int wmemMax() {
        return (int) num(WMEM_MAX);
    }

    public void setWmemMax(int bytes) {
        setNum(WMEM_MAX, bytes);
    }

    public boolean moderateRcvbuf() {
        return num(MODERATE_RCVBUF) != 0;
    }

    public long delayedAckNanos() {
        return num(DELAYED_ACK);
    }

    public void setDelayedAckNanos(long nanos) {
        setNum(DELAYED_ACK, nanos);
    }

    public long minRtoNanos() {
        return num(MIN_RTO);
    }

    public void setMinRtoNanos(long nanos) {
        setNum(MIN_RTO, nanos);
    }

    public long initialRtoNanos() {
        return num(INITIAL_RTO);
    }

    public void setInitialRtoNanos(long nanos) {
        setNum(INITIAL_RTO, nanos);
    }

    public long maxRtoNanos() {
        return num(MAX_RTO);
    }

    /** An RTT estimator configured from these settings (the max is raised to the min if set below it). */
    public RttEstimator newRttEstimator() {
        long min = minRtoNanos();
        return new RttEstimator(initialRtoNanos(), min, Math.max(min, maxRtoNanos()), RttEstimator.DEFAULT_GRANULARITY);
    }

    /** 0 never, 1 when the SYN queue overflows, 2 always. */
    public int syncookies() {
        return (int) num(SYNCOOKIES);
    }

    public void setSyncookies(int mode) {
        setNum(SYNCOOKIES, mode);
    }

    public long keepaliveTimeNanos() {
        return num(KEEPALIVE_TIME);
    }

    public long keepaliveIntvlNanos() {
        return num(KEEPALIVE_INTVL);
    }

    public int keepaliveProbes() {
        return (int) num(KEEPALIVE_PROBES);
    }

    public long finTimeoutNanos() {
        return num(FIN_TIMEOUT);
    }

    public long timeWaitNanos() {
        return num(TIME_WAIT);
    }

    public void setTimeWaitNanos(long nanos) {
        setNum(TIME_WAIT, nanos);
    }

    public int maxSynBacklog() {
        return (int) num(MAX_SYN_BACKLOG);
    }

    public int somaxconn() {
        return (int) num(SOMAXCONN);
    }

    public int synRetries() {
        return (int) num(SYN_RETRIES);
    }

    public int synAckRetries() {
        return (int) num(SYNACK_RETRIES);
    }

    public int retries1() {
        return (int) num(RETRIES1);
    }

    public int retries2() {
        return (int) num(RETRIES2);
    }

    /** tcp_orphan_retries as Linux interprets it: 0 means 8. */
    public int orphanRetries() {
        int r = (int) num(ORPHAN_RETRIES);
        return r == 0 ? 8 : r;
    }

    public boolean windowScaling() {
        return num(WINDOW_SCALING) != 0;
    }

    public boolean timestamps() {
        return num(TIMESTAMPS) != 0;
    }

    public boolean sack() {
        return num(SACK) != 0;
    }

    public boolean dsack() {
        return num(DSACK) != 0;
    }

    /** 0 off, 1 request and accept, 2 accept when the peer asks (Linux default). */
    public int ecn() {
        return (int) num(ECN);
    }

    /** Whether new sockets use Nagle's algorithm (TCP_NODELAY off). */
    public boolean nagle() {
        return num(NAGLE) != 0;
    }

    /** DupThresh. */
    public int reordering() {
        return (int) num(REORDERING);
    }

    public boolean slowStartAfterIdle() {
        return num(SLOW_START_AFTER_IDLE) != 0;
    }

    public int defaultMss() {
        return (int) num(DEFAULT_MSS);
    }

    public int minSndMss() {
        return (int) num(MIN_SND_MSS);
    }

    public boolean abortOnOverflow() {
        return num(ABORT_ON_OVERFLOW) != 0;
    }

    @Override
    public String toString() {
        return "TcpTunables" + snapshot();
    }
}
