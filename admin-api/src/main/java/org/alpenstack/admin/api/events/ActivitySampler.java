package org.alpenstack.admin.api.events;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.alpenstack.admin.api.AdminBackend;
import org.alpenstack.admin.api.model.ConnectionInfo;
import org.alpenstack.admin.api.model.InstanceInfo;

/**
 * Turns periodic snapshots into events: connections that appeared, vanished or changed state
 * since the last sample, and each instance's throughput over the interval. It only samples
 * while someone listens, so an idle server does no work for it. A connection that opens and
 * closes between two samples is not seen (the interval is the resolution, like `ss` in a loop).
 */
public final class ActivitySampler {
    private final Vertx vertx;
    private final AdminBackend backend;
    private final EventHub hub;
    private final long intervalMillis;
    private final Map<String, Map<String, ConnectionInfo>> lastConnections = new HashMap<>();
    private final Map<String, long[]> lastThroughput = new HashMap<>();
    private long timer = -1;
    private volatile boolean busy;

    public ActivitySampler(Vertx vertx, AdminBackend backend, EventHub hub, Duration interval) {
        this.vertx = vertx;
        this.backend = backend;
        this.hub = hub;
        this.intervalMillis = Math.max(50, interval.toMillis());
    }

    public void start() {
        timer = vertx.setPeriodic(intervalMillis, id -> tick());
    }

    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void tick() {
        if (busy) {
            return;
        }
        if (!hub.hasSubscribers()) {
            forgetAllBut(List.of());
            return;
        }
        busy = true;
        backend.listInstances().compose(instances -> {
            List<Future<Void>> all = new ArrayList<>();
            for (InstanceInfo i : instances) {
                all.add(backend.listConnections(i.name()).map(conns -> {
                    diff(i, conns);
                    return (Void) null;
                }).otherwiseEmpty());
            }
            forgetAllBut(instances.stream().map(InstanceInfo::name).toList());
            return Future.join(all);
        }).onComplete(ar -> busy = false);
    }

    private synchronized void forgetAllBut(List<String> names) {
        lastConnections.keySet().retainAll(names);
        lastThroughput.keySet().retainAll(names);
    }

    private synchronized void diff(InstanceInfo instance, List<ConnectionInfo> connections) {
        String name = instance.name();
        Map<String, ConnectionInfo> now = new LinkedHashMap<>();
        for (ConnectionInfo c : connections) {
            now.put(c.id(), c);
        }
        Map<String, ConnectionInfo> before = lastConnections.put(name, now);
        if (before != null) {
            for (ConnectionInfo c : now.values()) {
                ConnectionInfo old = before.get(c.id());
                if (old == null) {
                    hub.publish(Event.CONNECTION_OPENED, name, c);
                } else if (!old.state().equals(c.state())) {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("connection", c);
                    data.put("previousState", old.state());
                    hub.publish(Event.CONNECTION_STATE_CHANGED, name, data);
                }
            }
            for (ConnectionInfo c : before.values()) {
                if (!now.containsKey(c.id())) {
                    hub.publish(Event.CONNECTION_CLOSED, name, c);
                }
            }
        }
        InstanceInfo.Throughput t = instance.throughput();
        long nowNanos = System.nanoTime();
        long[] cur = {nowNanos, t.rxBytes(), t.txBytes(), t.rxPackets(), t.txPackets()};
        long[] prev = lastThroughput.put(name, cur);
        if (prev != null && nowNanos > prev[0]) {
            double secs = (nowNanos - prev[0]) / 1e9;
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("rxBytes", Math.round((cur[1] - prev[1]) / secs));
            data.put("txBytes", Math.round((cur[2] - prev[2]) / secs));
            data.put("rxPackets", Math.round((cur[3] - prev[3]) / secs));
            data.put("txPackets", Math.round((cur[4] - prev[4]) / secs));
            data.put("intervalMillis", Math.round(secs * 1000));
            hub.publish(Event.THROUGHPUT, name, data);
        }
    }
}
