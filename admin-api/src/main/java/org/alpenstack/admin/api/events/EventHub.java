package org.alpenstack.admin.api.events;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import org.alpenstack.admin.api.Json;

/**
 * The /events stream (Server-Sent Events, WHATWG HTML section 9.2): every subscriber gets each
 * event as "event: type" plus one "data: json" line. Subscribers may filter by instance and
 * type. A comment line every 15 s keeps proxies from timing the stream out.
 */
public final class EventHub {
    private static final long KEEPALIVE_MILLIS = 15_000;

    private final Vertx vertx;
    private final Set<Subscriber> subscribers = new CopyOnWriteArraySet<>();

    private record Subscriber(HttpServerResponse response, Context context, String instance, Set<String> types) {
        boolean wants(Event e) {
            return (instance == null || instance.equals(e.instance())) && (types == null || types.contains(e.type()));
        }
    }

    public EventHub(Vertx vertx) {
        this.vertx = vertx;
    }

    public boolean hasSubscribers() {
        return !subscribers.isEmpty();
    }

    public int subscriberCount() {
        return subscribers.size();
    }

    public void subscribe(RoutingContext rc) {
        HttpServerResponse r = rc.response();
        String instance = rc.queryParams().get("instance");
        String typesParam = rc.queryParams().get("types");
        Set<String> types = typesParam == null ? null : Set.of(typesParam.split(","));
        r.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        Subscriber s = new Subscriber(r, vertx.getOrCreateContext(), instance, types);
        r.write(": alpenstack events\nretry: 2000\n\n");
        long keepalive = vertx.setPeriodic(KEEPALIVE_MILLIS, id -> {
            if (!r.ended() && !r.closed()) {
                r.write(": keepalive\n\n");
            }
        });
        r.closeHandler(v -> {
            vertx.cancelTimer(keepalive);
            subscribers.remove(s);
        });
        subscribers.add(s);
    }

    public void publish(String type, String instance, Object data) {
        publish(new Event(type, instance, Instant.now().toString(), data));
    }

    public void publish(Event e) {
        if (subscribers.isEmpty()) {
            return;
        }
        String frame = "event: " + e.type() + "\ndata: " + Json.encode(e) + "\n\n";
        for (Subscriber s : subscribers) {
            if (s.wants(e)) {
                s.context().runOnContext(v -> {
                    // A subscriber that cannot keep up loses events instead of growing memory.
                    if (!s.response().ended() && !s.response().closed() && !s.response().writeQueueFull()) {
                        s.response().write(frame);
                    }
                });
            }
        }
    }

    /** Ends every stream (server shutdown). */
    public void close() {
        for (Subscriber s : subscribers) {
            s.context().runOnContext(v -> {
                if (!s.response().ended() && !s.response().closed()) {
                    s.response().end();
                }
            });
        }
        subscribers.clear();
    }
}
