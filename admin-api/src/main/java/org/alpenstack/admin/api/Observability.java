package org.alpenstack.admin.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.alpenstack.admin.api.capture.CaptureFilter;
import org.alpenstack.admin.api.capture.CaptureStream;
import org.alpenstack.admin.api.model.ConnectionInfo;
import org.alpenstack.admin.api.model.InstanceInfo;
import org.alpenstack.admin.api.model.StatsInfo;

/** /health, /metrics (Prometheus text format 0.0.4) and /capture. */
final class Observability {
    private static final String VERSION = "0.1.0";

    private final Vertx vertx;
    private final AdminBackend backend;
    private final long startedAt = System.nanoTime();

    Observability(Vertx vertx, AdminBackend backend) {
        this.vertx = vertx;
        this.backend = backend;
    }

    Future<Map<String, Object>> health() {
        return Future.all(backend.listInstances(), backend.listLinks()).map(cf -> Map.of(
                "status", "ok",
                "instances", ((List<?>) cf.resultAt(0)).size(),
                "links", ((List<?>) cf.resultAt(1)).size(),
                "uptimeSeconds", (System.nanoTime() - startedAt) / 1_000_000_000L,
                "version", VERSION));
    }

    void metrics(RoutingContext rc) {
        backend.listInstances().compose(instances -> {
            List<Future<Object[]>> per = new ArrayList<>();
            for (InstanceInfo i : instances) {
                per.add(Future.all(backend.stats(i.name()), backend.listConnections(i.name()))
                        .map(cf -> new Object[] {i, cf.resultAt(0), cf.resultAt(1)})
                        // An instance deleted between the list and the query is simply left out.
                        .otherwise((Object[]) null));
            }
            return Future.all(per).map(cf -> {
                PrometheusText text = new PrometheusText();
                for (int k = 0; k < per.size(); k++) {
                    Object[] row = cf.resultAt(k);
                    if (row != null) {
                        @SuppressWarnings("unchecked")
                        List<ConnectionInfo> conns = (List<ConnectionInfo>) row[2];
                        text.instance((InstanceInfo) row[0], (StatsInfo) row[1], conns);
                    }
                }
                return text.toString();
            });
        }).onComplete(ar -> {
            if (ar.failed()) {
                Http.fail(rc, ar.cause());
                return;
            }
            rc.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(ar.result());
        });
    }

    void capture(RoutingContext rc) {
        String name = rc.pathParam("name");
        int count = intParam(rc, "count", 100);
        int seconds = intParam(rc, "seconds", 10);
        CaptureFilter filter = CaptureFilter.of(rc.queryParams().get("protocol"),
                rc.queryParams().get("port") == null ? -1 : Integer.parseInt(rc.queryParams().get("port")),
                rc.queryParams().get("host"));
        HttpServerResponse resp = rc.response();
        CaptureStream stream = new CaptureStream(vertx, resp, filter, count);
        backend.capture(name, stream).onComplete(ar -> {
            if (ar.failed()) {
                Http.fail(rc, ar.cause());
                return;
            }
            stream.start(ar.result(), seconds * 1000L);
        });
    }

    private static int intParam(RoutingContext rc, String name, int dflt) {
        String v = rc.queryParams().get(name);
        return v == null ? dflt : Integer.parseInt(v);
    }
}
