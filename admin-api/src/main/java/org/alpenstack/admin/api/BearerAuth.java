package org.alpenstack.admin.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Requires {@code Authorization: Bearer <token>} (RFC 6750 section 2.1) on every mutating call
 * when a token is configured; reads stay open so dashboards and scrapers need nothing.
 */
final class BearerAuth implements Handler<RoutingContext> {
    private final byte[] expected;

    BearerAuth(String token) {
        this.expected = token.getBytes(StandardCharsets.UTF_8);
    }

    static boolean mutating(HttpMethod m) {
        return !(m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS);
    }

    @Override
    public void handle(RoutingContext rc) {
        if (!mutating(rc.request().method())) {
            rc.next();
            return;
        }
        String h = rc.request().getHeader("Authorization");
        if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            byte[] given = h.substring(7).strip().getBytes(StandardCharsets.UTF_8);
            // Constant time, so the token cannot be guessed byte by byte from response times.
            if (MessageDigest.isEqual(given, expected)) {
                rc.next();
                return;
            }
        }
        rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"alpenstack\"");
        Http.problem(rc, ApiProblem.of(401, "Unauthorized",
                "this server requires 'Authorization: Bearer <token>' on mutating calls"));
    }
}
