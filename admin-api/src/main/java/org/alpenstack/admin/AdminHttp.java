package org.alpenstack.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.alpenstack.kernel.iface.InterfaceAddress;
import org.alpenstack.kernel.stack.StackCounter;
import org.alpenstack.kernel.stack.StackSnapshot;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.tenant.Tenant;
import org.alpenstack.tenant.TenantManager;
import org.alpenstack.tenant.config.InstanceSpec;
import org.alpenstack.tenant.link.NicAttachment;
import org.alpenstack.tenant.service.InstanceService;

/**
 * The admin HTTP endpoint of this issue: {@code GET /health} and a read-only
 * {@code GET /api/v1/instances} (the REST API issue adds the rest on the same server). Handlers
 * never touch a stack: they ask each instance for a snapshot on its own context and compose
 * the futures.
 */
public final class AdminHttp {
    private final Vertx vertx;
    private final TenantManager manager;
    private HttpServer server;

    public AdminHttp(Vertx vertx, TenantManager manager) {
        this.vertx = vertx;
        this.manager = manager;
    }

    public Future<HttpServer> listen(String host, int port) {
        return vertx.createHttpServer().requestHandler(this::handle).listen(port, host).onSuccess(s -> server = s);
    }

    public int actualPort() {
        return server == null ? -1 : server.actualPort();
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    private void handle(HttpServerRequest req) {
        String path = req.path();
        if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
            problem(req, 405, "Method Not Allowed", req.method() + " " + path + " is not supported here (read-only API)");
            return;
        }
        if (path.equals("/health")) {
            json(req, 200, new JsonObject().put("status", "ok").put("instances", manager.tenants().size()));
        } else if (path.equals("/api/v1/instances")) {
            instances().onComplete(ar -> {
                if (ar.succeeded()) {
                    json(req, 200, ar.result());
                } else {
                    problem(req, 500, "Internal Server Error", String.valueOf(ar.cause().getMessage()));
                }
            });
        } else if (path.startsWith("/api/v1/instances/")) {
            Tenant t = manager.tenant(path.substring("/api/v1/instances/".length()));
            if (t == null) {
                problem(req, 404, "Not Found", "no instance named '" + path.substring("/api/v1/instances/".length()) + "'");
                return;
            }
            describe(t).onComplete(ar -> {
                if (ar.succeeded()) {
                    json(req, 200, ar.result());
                } else {
                    problem(req, 500, "Internal Server Error", String.valueOf(ar.cause().getMessage()));
                }
            });
        } else {
            problem(req, 404, "Not Found", "no resource at " + path);
        }
    }

    private Future<JsonArray> instances() {
        List<Future<JsonObject>> all = new ArrayList<>();
        for (Tenant t : manager.tenants()) {
            all.add(describe(t));
        }
        return Future.all(all).map(cf -> {
            JsonArray a = new JsonArray();
            for (int i = 0; i < cf.size(); i++) {
                a.add(cf.<JsonObject>resultAt(i));
            }
            return a;
        });
    }

    /** One instance as JSON: its definition and a snapshot taken on its context. */
    static Future<JsonObject> describe(Tenant t) {
        InstanceSpec spec = t.spec();
        return t.instance().query(stack -> {
            StackSnapshot snap = stack.snapshot();
            List<String> services = new ArrayList<>();
            for (InstanceService s : t.services()) {
                services.add(s.describe());
            }
            JsonObject faults = new JsonObject()
                    .put("transmit", t.faults().transmit().toString()).put("receive", t.faults().receive().toString())
                    .put("transmitLost", t.faults().transmitCounters().lost())
                    .put("receiveLost", t.faults().receiveCounters().lost());
            return new Object[] {snap, services, faults};
        }).map(r -> {
            StackSnapshot snap = (StackSnapshot) ((Object[]) r)[0];
            @SuppressWarnings("unchecked")
            List<String> serviceLines = (List<String>) ((Object[]) r)[1];
            JsonObject o = new JsonObject().put("name", spec.name()).put("link", spec.link())
                    .put("mode", spec.mode().name().toLowerCase()).put("mac", t.attachment().mac().toString());
            JsonArray addrs = new JsonArray();
            for (StackSnapshot.InterfaceInfo i : snap.interfaces()) {
                if (!i.loopback()) {
                    for (InterfaceAddress a : i.addresses()) {
                        addrs.add(Ipv4Address.toString(a.address()) + "/" + a.prefixLength());
                    }
                }
            }
            o.put("addresses", addrs);
            JsonArray routes = new JsonArray();
            snap.routes().forEach(rt -> routes.add(rt.toString()));
            o.put("routes", routes);
            JsonArray svc = new JsonArray();
            spec.services().forEach(s -> svc.add(s.toString()));
            o.put("services", svc);
            o.put("serviceStatus", new JsonArray(serviceLines));
            NicAttachment.Stats st = t.attachment().stats();
            o.put("linkStats", new JsonObject().put("framesIn", st.framesIn()).put("framesOut", st.framesOut())
                    .put("hairpinOut", st.hairpinOut()).put("inboxDropped", st.inboxDropped()).put("deliveryFailures", st.deliveryFailures())
                    .put("wireSent", st.wireSent()).put("wireDropped", st.wireDropped()));
            o.put("faults", ((Object[]) r)[2]);
            o.put("linkRx", t.attachment().nic().rxStats().toString());
            JsonObject counters = new JsonObject();
            for (StackCounter c : StackCounter.values()) {
                long v = snap.counters().get(c);
                if (v != 0) {
                    counters.put(c.name(), v);
                }
            }
            o.put("counters", counters);
            o.put("drops", snap.counters().totalDrops());
            if (spec.lossPercent() > 0) {
                o.put("lossPercent", spec.lossPercent());
            }
            return o;
        });
    }

    private static void json(HttpServerRequest req, int status, Object body) {
        String text = body instanceof JsonObject j ? j.encodePrettily() : ((JsonArray) body).encodePrettily();
        req.response().setStatusCode(status).putHeader("content-type", "application/json").end(text + "\n");
    }

    /** RFC 9457 problem details. */
    private static void problem(HttpServerRequest req, int status, String title, String detail) {
        JsonObject p = new JsonObject().put("type", "about:blank").put("title", title).put("status", status).put("detail", detail);
        req.response().setStatusCode(status).putHeader("content-type", "application/problem+json").end(p.encodePrettily() + "\n");
    }
}
