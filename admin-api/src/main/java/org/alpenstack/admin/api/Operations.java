package org.alpenstack.admin.api;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.alpenstack.admin.api.events.EventHub;
import org.alpenstack.admin.api.model.ConnectionInfo;
import org.alpenstack.admin.api.model.ImpairmentSpec;
import org.alpenstack.admin.api.model.InstancePatch;
import org.alpenstack.admin.api.model.InstanceSpec;
import org.alpenstack.admin.api.model.LinkSpec;
import org.alpenstack.admin.api.model.NeighborSpec;
import org.alpenstack.admin.api.model.RouteSpec;

/**
 * The handler for every operationId of openapi.yaml. Thin: read the (already validated)
 * request, call the backend, shape the answer. {@link AdminApi} refuses to start if an
 * operation of the contract has no entry here.
 */
final class Operations {
    static final String BASE = "/api/v1";

    private final AdminBackend backend;
    private final EventHub events;
    private final Observability observability;
    private final Map<String, Handler<RoutingContext>> byId = new LinkedHashMap<>();

    Operations(AdminBackend backend, EventHub events, Observability observability) {
        this.backend = backend;
        this.events = events;
        this.observability = observability;
        server();
        links();
        instances();
        network();
        sockets();
        experiments();
    }

    Map<String, Handler<RoutingContext>> handlers() {
        return byId;
    }

    private void on(String operationId, Handler<RoutingContext> h) {
        if (byId.put(operationId, h) != null) {
            throw new IllegalStateException("two handlers for " + operationId);
        }
    }

    private static String name(RoutingContext rc) {
        return rc.pathParam("name");
    }

    private static String instanceUrl(String name) {
        return BASE + "/instances/" + name;
    }

    private void server() {
        on("getHealth", rc -> Http.ok(rc, observability.health()));
        on("getMetrics", observability::metrics);
        on("streamEvents", events::subscribe);
        on("captureTraffic", observability::capture);
        on("getStats", rc -> Http.ok(rc, backend.stats(name(rc))));
    }

    private void links() {
        on("listLinks", rc -> Http.ok(rc, backend.listLinks()));
        on("createLink", rc -> Http.created(rc, backend.createLink(Json.decode(rc.body().buffer(), LinkSpec.class)),
                l -> BASE + "/links/" + l.name()));
        on("getLink", rc -> Http.ok(rc, backend.getLink(rc.pathParam("link"))));
        on("deleteLink", rc -> Http.noContent(rc, backend.deleteLink(rc.pathParam("link"))));
    }

    private void instances() {
        on("listInstances", rc -> Http.ok(rc, backend.listInstances()));
        on("createInstance", rc -> Http.created(rc,
                backend.createInstance(Json.decode(rc.body().buffer(), InstanceSpec.class)),
                i -> instanceUrl(i.name())));
        on("getInstance", rc -> Http.ok(rc, backend.getInstance(name(rc))));
        on("patchInstance", rc -> Http.ok(rc, backend.patchInstance(name(rc), patch(rc.body().asJsonObject()))));
        on("deleteInstance", rc -> Http.noContent(rc, backend.deleteInstance(name(rc))));
        on("listClients", rc -> Http.ok(rc, backend.clients(name(rc))));
    }

    @SuppressWarnings("unchecked")
    private static InstancePatch patch(JsonObject o) {
        List<String> addresses = o.containsKey("addresses") ? (List<String>) (List<?>) o.getJsonArray("addresses").getList() : null;
        Map<String, Object> tunables = o.containsKey("tunables") ? o.getJsonObject("tunables").getMap() : null;
        return new InstancePatch(addresses, o.containsKey("gateway"), o.getString("gateway"), tunables);
    }

    private void network() {
        on("listInterfaces", rc -> Http.ok(rc, backend.listInterfaces(name(rc))));
        on("addAddress", rc -> {
            String cidr = rc.body().asJsonObject().getString("address");
            String iface = rc.pathParam("interface");
            Http.created(rc, backend.addAddress(name(rc), iface, cidr),
                    i -> instanceUrl(name(rc)) + "/interfaces/" + iface + "/addresses/" + cidr.substring(0, cidr.indexOf('/')));
        });
        on("removeAddress", rc -> Http.noContent(rc,
                backend.removeAddress(name(rc), rc.pathParam("interface"), rc.pathParam("address"))));

        on("listRoutes", rc -> Http.ok(rc, backend.listRoutes(name(rc))));
        on("addRoute", rc -> Http.created(rc, backend.addRoute(name(rc), Json.decode(rc.body().buffer(), RouteSpec.class)),
                r -> instanceUrl(name(rc)) + "/routes/" + r.id()));
        on("deleteRoute", rc -> {
            String id = rc.pathParam("route");
            String destination = id.equals("default") ? "default" : id.replace('-', '/');
            String metric = rc.queryParams().get("metric");
            Http.noContent(rc, backend.deleteRoute(name(rc), destination, metric == null ? null : Long.valueOf(metric)));
        });
        on("flushRoutes", rc -> {
            boolean all = Boolean.parseBoolean(rc.queryParams().get("includeConnected"));
            Http.ok(rc, backend.flushRoutes(name(rc), all).map(n -> new JsonObject().put("removed", n).getMap()));
        });

        on("listNeighbors", rc -> Http.ok(rc, backend.listNeighbors(name(rc))));
        on("addNeighbor", rc -> Http.created(rc,
                backend.addNeighbor(name(rc), Json.decode(rc.body().buffer(), NeighborSpec.class)),
                n -> instanceUrl(name(rc)) + "/neighbors/" + n.address()));
        on("deleteNeighbor", rc -> Http.noContent(rc, backend.deleteNeighbor(name(rc), rc.pathParam("address"))));
        on("flushNeighbors", rc -> Http.ok(rc,
                backend.flushNeighbors(name(rc)).map(n -> new JsonObject().put("removed", n).getMap())));
    }

    private void sockets() {
        on("listConnections", rc -> {
            String state = rc.queryParams().get("state");
            String port = rc.queryParams().get("port");
            String protocol = rc.queryParams().get("protocol");
            Predicate<ConnectionInfo> keep = c -> (state == null || state.equals(c.state()))
                    && (protocol == null || protocol.equals(c.protocol()))
                    && (port == null || hasPort(c.local(), port) || hasPort(c.remote(), port));
            Http.ok(rc, backend.listConnections(name(rc)).map(l -> l.stream().filter(keep).toList()));
        });
        on("abortConnection", rc -> Http.noContent(rc, backend.abortConnection(name(rc), rc.pathParam("connection"))));
    }

    private static boolean hasPort(String endpoint, String port) {
        return endpoint != null && endpoint.endsWith(":" + port);
    }

    private void experiments() {
        on("getTunables", rc -> Http.ok(rc, backend.tunables(name(rc))));
        on("patchTunables", rc -> Http.ok(rc, backend.patchTunables(name(rc), rc.body().asJsonObject().getMap())));
        on("getImpairment", rc -> Http.ok(rc, backend.impairment(name(rc))));
        on("setImpairment", rc -> Http.ok(rc,
                backend.setImpairment(name(rc), Json.decode(rc.body().buffer(), ImpairmentSpec.class))));
    }
}
