package org.alpenstack.kernel.tcp.cc;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The algorithms by name, like Linux's tcp_available_congestion_control: "cubic" (the default,
 * as in Linux) and "newreno" (Linux calls it "reno").
 */
public final class CongestionControls {
    public static final String DEFAULT = Cubic.NAME;

    private static final Map<String, Supplier<CongestionControl>> FACTORIES = Map.of(
            Cubic.NAME, Cubic::new,
            NewReno.NAME, NewReno::new,
            "reno", NewReno::new);

    private CongestionControls() {
    }

    /** Whether {@code name} is a known algorithm (names are case-sensitive, as in Linux). */
    public static boolean isAvailable(String name) {
        return name != null && FACTORIES.containsKey(name);
    }

    /** The available algorithm names, default first. */
    public static List<String> available() {
        return List.of(Cubic.NAME, NewReno.NAME);
    }

    /**
     * A fresh, uninitialised instance of the algorithm called {@code name}; call
     * {@link CongestionControl#init} before use.
     *
     * @throws IllegalArgumentException for an unknown name (setsockopt(TCP_CONGESTION) maps it to ENOENT, as Linux)
     */
    public static CongestionControl create(String name) {
        Supplier<CongestionControl> f = name == null ? null : FACTORIES.get(name);
        if (f == null) {
            throw new IllegalArgumentException("unknown congestion control: " + name);
        }
        return f.get();
    }

    /** A fresh instance of the default algorithm. */
    public static CongestionControl createDefault() {
        return create(DEFAULT);
    }
}
