package org.alpenstack.tenant.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.alpenstack.kernel.wire.Ipv4Address;

/** Writes a {@link TenantConfig} in the format {@link ConfigParser} reads (for the state directory). */
public final class ConfigWriter {
    private ConfigWriter() {
    }

    public static String toJson(TenantConfig c) {
        JsonArray links = new JsonArray();
        for (LinkSpec l : c.links()) {
            JsonObject o = new JsonObject().put("name", l.name()).put("type", l.type().name().toLowerCase()).put("device", l.device());
            if (l.hostAddress() != null) {
                o.put("hostAddress", l.hostAddress().toString());
            }
            if (l.netns() != null) {
                o.put("netns", l.netns());
            }
            if (l.receive() != null) {
                o.put("receive", LinkSpec.receiveName(l.receive()));
            }
            links.add(o);
        }
        JsonArray instances = new JsonArray();
        for (InstanceSpec s : c.instances()) {
            JsonObject o = new JsonObject().put("name", s.name()).put("link", s.link()).put("mode", s.mode().name().toLowerCase());
            if (s.mac() != null) {
                o.put("mac", s.mac().toString());
            }
            JsonArray addrs = new JsonArray();
            s.addresses().forEach(a -> addrs.add(a.toString()));
            o.put("addresses", addrs);
            if (!s.routes().isEmpty()) {
                JsonArray routes = new JsonArray();
                for (InstanceSpec.RouteSpec r : s.routes()) {
                    JsonObject ro = new JsonObject().put("destination", r.destination().toString())
                            .put("via", Ipv4Address.toString(r.gateway()));
                    if (r.metric() != 0) {
                        ro.put("metric", r.metric());
                    }
                    routes.add(ro);
                }
                o.put("routes", routes);
            }
            if (s.gateway() != 0) {
                o.put("gateway", Ipv4Address.toString(s.gateway()));
            }
            JsonArray services = new JsonArray();
            s.services().forEach(v -> services.add(v.toString()));
            o.put("services", services);
            if (s.lossPercent() > 0) {
                o.put("lossPercent", s.lossPercent());
            }
            if (!s.neighbors().isEmpty()) {
                JsonArray ns = new JsonArray();
                s.neighbors().forEach(n -> ns.add(new JsonObject().put("address", Ipv4Address.toString(n.address()))
                        .put("mac", n.mac().toString())));
                o.put("neighbors", ns);
            }
            if (!s.tunables().isEmpty()) {
                o.put("tunables", new JsonObject(new java.util.LinkedHashMap<>(s.tunables())));
            }
            if (s.impairment() != null && !s.impairment().isNone()) {
                o.put("impairment", new JsonObject().put("transmit", direction(s.impairment().transmit()))
                        .put("receive", direction(s.impairment().receive())));
            }
            instances.add(o);
        }
        return new JsonObject().put("links", links).put("instances", instances).encodePrettily() + "\n";
    }

    private static JsonObject direction(InstanceSpec.Direction d) {
        return new JsonObject().put("lossRate", d.lossRate()).put("duplicateRate", d.duplicateRate())
                .put("reorderRate", d.reorderRate()).put("corruptRate", d.corruptRate())
                .put("delayMillis", d.delayNanos() / 1e6).put("jitterMillis", d.jitterNanos() / 1e6);
    }
}
