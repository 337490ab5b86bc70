package org.alpenstack.admin.api;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * Reads a body sent without a media type, or with curl's default for {@code -d}
 * (application/x-www-form-urlencoded), as the JSON every request body of this API is, so that
 * {@code curl -d '{"name":"blue"}' .../instances} works when pasted. Any other declared type is
 * left alone and refused with 415. Runs before the body is read (a platform handler).
 */
final class JsonByDefault implements PlatformHandler {
    @Override
    public void handle(RoutingContext rc) {
        HttpMethod m = rc.request().method();
        if (m == HttpMethod.POST || m == HttpMethod.PUT || m == HttpMethod.PATCH) {
            String type = rc.request().getHeader(HttpHeaders.CONTENT_TYPE);
            if (type == null || type.isBlank() || type.startsWith("application/x-www-form-urlencoded")) {
                rc.request().headers().set(HttpHeaders.CONTENT_TYPE, "application/json");
            }
        }
        rc.next();
    }
}
