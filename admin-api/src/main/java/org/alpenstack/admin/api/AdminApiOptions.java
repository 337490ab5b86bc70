package org.alpenstack.admin.api;

import java.time.Duration;

/**
 * How the admin API listens and protects itself.
 *
 * @param host           address to bind; loopback by default (ARCHITECTURE.md: bound to 127.0.0.1)
 * @param port           TCP port, 8475 by default, 0 for any free port (tests)
 * @param bodyLimitBytes larger request bodies are refused with 413
 * @param bearerToken    when non-null, every mutating call needs {@code Authorization: Bearer <token>}
 * @param sampleInterval how often /events samples connections and throughput
 */
public record AdminApiOptions(String host, int port, long bodyLimitBytes, String bearerToken, Duration sampleInterval) {
    public static final int DEFAULT_PORT = 8475;
    public static final long DEFAULT_BODY_LIMIT = 64 * 1024;

    public AdminApiOptions {
        if (bodyLimitBytes <= 0) {
            throw new IllegalArgumentException("bodyLimitBytes must be positive");
        }
        if (bearerToken != null && bearerToken.isBlank()) {
            bearerToken = null;
        }
    }

    public static AdminApiOptions defaults() {
        return new AdminApiOptions("127.0.0.1", DEFAULT_PORT, DEFAULT_BODY_LIMIT, null, Duration.ofSeconds(1));
    }

    public AdminApiOptions withPort(int p) {
        return new AdminApiOptions(host, p, bodyLimitBytes, bearerToken, sampleInterval);
    }

    public AdminApiOptions withHost(String h) {
        return new AdminApiOptions(h, port, bodyLimitBytes, bearerToken, sampleInterval);
    }

    public AdminApiOptions withBearerToken(String t) {
        return new AdminApiOptions(host, port, bodyLimitBytes, t, sampleInterval);
    }

    public AdminApiOptions withBodyLimit(long bytes) {
        return new AdminApiOptions(host, port, bytes, bearerToken, sampleInterval);
    }

    public AdminApiOptions withSampleInterval(Duration d) {
        return new AdminApiOptions(host, port, bodyLimitBytes, bearerToken, d);
    }
}
