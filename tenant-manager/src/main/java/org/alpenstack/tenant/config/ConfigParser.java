package org.alpenstack.tenant.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.alpenstack.kernel.tcp.TcpTunables;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.MacAddress;
import org.alpenstack.link.afpacket.AfPacketConfig;
import org.alpenstack.tenant.service.ServiceSpec;

/**
 * Reads the server's JSON configuration:
 *
 * <pre>{@code
 * { "links": [ { "name": "lan", "type": "afpacket", "device": "eth0", "receive": "socket" },
 *              { "name": "tap", "type": "tap", "device": "alp%d", "hostAddress": "10.77.0.1/24" } ],
 *   "instances": [ { "name": "a", "link": "lan", "mode": "mac", "mac": "02:00:00:00:00:0a",
 *                    "addresses": ["192.0.2.10/24"], "gateway": "192.0.2.1",
 *                    "routes": [ { "destination": "198.51.100.0/24", "via": "192.0.2.254" } ],
 *                    "services": ["echo", "discard", "chargen", "http", "iperf3"], "lossPercent": 0 } ] }
 * }</pre>
 *
 * Every error names the field ({@code instances[0].addresses[1]}); unknown fields are errors
 * too, so a typo is not silently ignored. Only the shape and the values of single fields are
 * checked here; {@link ConfigValidator} checks the config as a whole.
 */
public final class ConfigParser {
    private static final Set<String> TOP = Set.of("links", "instances");
    private static final Set<String> LINK = Set.of("name", "type", "device", "hostAddress", "netns", "receive");
    private static final Set<String> INSTANCE = Set.of("name", "link", "mac", "mode", "addresses", "routes", "gateway",
            "services", "lossPercent", "neighbors", "tunables", "impairment");
    private static final Set<String> ROUTE = Set.of("destination", "via", "metric");
    private static final Set<String> NEIGHBOR = Set.of("address", "mac");
    private static final Set<String> IMPAIRMENT = Set.of("transmit", "receive");
    private static final Set<String> DIRECTION = Set.of("lossRate", "duplicateRate", "reorderRate", "corruptRate",
            "delayMillis", "jitterMillis");

    private ConfigParser() {
    }

    public static TenantConfig parse(String json) {
        JsonObject root;
        try {
            root = new JsonObject(json);
        } catch (DecodeException | ClassCastException e) {
            throw new ConfigException("$", "not a JSON object: " + firstLine(e.getMessage()));
        }
        known(root, TOP, "");
        List<LinkSpec> links = new ArrayList<>();
        JsonArray ls = array(root, "links", "links");
        for (int i = 0; i < ls.size(); i++) {
            links.add(parseLink(object(ls, i, "links[" + i + "]"), "links[" + i + "]"));
        }
        List<InstanceSpec> instances = new ArrayList<>();
        JsonArray is = array(root, "instances", "instances");
        for (int i = 0; i < is.size(); i++) {
            instances.add(parseInstance(object(is, i, "instances[" + i + "]"), "instances[" + i + "]"));
        }
        return new TenantConfig(links, instances);
    }

    public static LinkSpec parseLink(JsonObject o, String at) {
        known(o, LINK, at);
        String name = name(o, at);
        String typeName = string(o, "type", at, true);
        LinkSpec.Type type = switch (typeName) {
            case "afpacket" -> LinkSpec.Type.AFPACKET;
            case "tap" -> LinkSpec.Type.TAP;
            default -> throw new ConfigException(at + ".type", "must be \"afpacket\" or \"tap\", not \"" + typeName + "\"");
        };
        String device = string(o, "device", at, type == LinkSpec.Type.AFPACKET);
        if (device == null) {
            device = "alp%d";
        }
        if (device.isEmpty() || device.length() > 15 || device.contains("/") || device.contains(" ")) {
            throw new ConfigException(at + ".device", "'" + device + "' is not a Linux interface name (1..15 characters, no '/' or space)");
        }
        Cidr host = null;
        String hostAddress = string(o, "hostAddress", at, type == LinkSpec.Type.TAP);
        if (hostAddress != null) {
            if (type != LinkSpec.Type.TAP) {
                throw new ConfigException(at + ".hostAddress", "only a tap link has a host address");
            }
            host = cidr(hostAddress, at + ".hostAddress", 24);
        }
        String netns = string(o, "netns", at, false);
        String receiveText = string(o, "receive", at, false);
        AfPacketConfig.Receive receive = null;
        if (receiveText != null) {
            receive = switch (receiveText) {
                case "socket" -> AfPacketConfig.Receive.SOCKET;
                case "ring" -> AfPacketConfig.Receive.RING;
                default -> throw new ConfigException(at + ".receive", "must be \"socket\" or \"ring\", not \"" + receiveText + "\"");
            };
        }
        return new LinkSpec(name, type, device, host, netns, receive);
    }

    public static InstanceSpec parseInstance(JsonObject o, String at) {
        known(o, INSTANCE, at);
        String name = name(o, at);
        String link = string(o, "link", at, true);
        MacAddress mac = null;
        String macText = string(o, "mac", at, false);
        if (macText != null) {
            try {
                mac = MacAddress.parse(macText);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(at + ".mac", "'" + macText + "' is not a MAC address (aa:bb:cc:dd:ee:ff)");
            }
            if (mac.isMulticast() || mac.bits() == 0) {
                throw new ConfigException(at + ".mac", macText + " is not a unicast MAC address");
            }
        }
        String modeText = string(o, "mode", at, false);
        InstanceSpec.Mode mode = switch (modeText == null ? "mac" : modeText) {
            case "mac" -> InstanceSpec.Mode.MAC;
            case "ip" -> InstanceSpec.Mode.IP;
            default -> throw new ConfigException(at + ".mode", "must be \"mac\" or \"ip\", not \"" + modeText + "\"");
        };
        if (mode == InstanceSpec.Mode.IP && mac != null) {
            throw new ConfigException(at + ".mac", "an instance in IP mode shares the NIC's MAC and cannot have its own");
        }
        List<Cidr> addresses = new ArrayList<>();
        JsonArray as = array(o, "addresses", at + ".addresses");
        for (int i = 0; i < as.size(); i++) {
            String f = at + ".addresses[" + i + "]";
            Cidr c = cidr(element(as, i, f), f, 24);
            checkHostAddress(c.address(), f);
            addresses.add(c);
        }
        List<InstanceSpec.RouteSpec> routes = new ArrayList<>();
        JsonArray rs = array(o, "routes", at + ".routes");
        for (int i = 0; i < rs.size(); i++) {
            String f = at + ".routes[" + i + "]";
            JsonObject r = object(rs, i, f);
            known(r, ROUTE, f);
            Cidr dst = cidr(string(r, "destination", f, true), f + ".destination", 32);
            if (dst.network() != dst.address()) {
                throw new ConfigException(f + ".destination", dst + " has host bits set (did you mean "
                        + Ipv4Address.toString(dst.network()) + "/" + dst.prefixLength() + "?)");
            }
            int via = address(string(r, "via", f, true), f + ".via");
            long metric = number(r, "metric", f, 0, Integer.MAX_VALUE);
            routes.add(new InstanceSpec.RouteSpec(dst, via, (int) metric));
        }
        String gw = string(o, "gateway", at, false);
        int gateway = gw == null ? 0 : address(gw, at + ".gateway");
        List<ServiceSpec> services = new ArrayList<>();
        JsonArray ss = array(o, "services", at + ".services");
        for (int i = 0; i < ss.size(); i++) {
            String f = at + ".services[" + i + "]";
            try {
                services.add(ServiceSpec.parse(element(ss, i, f)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(f, e.getMessage());
            }
        }
        double loss = 0;
        if (o.containsKey("lossPercent")) {
            Object v = o.getValue("lossPercent");
            if (!(v instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 100) {
                throw new ConfigException(at + ".lossPercent", "must be a number from 0 to 100");
            }
            loss = n.doubleValue();
        }
        List<InstanceSpec.NeighborSpec> neighbors = new ArrayList<>();
        JsonArray ns = array(o, "neighbors", at + ".neighbors");
        for (int i = 0; i < ns.size(); i++) {
            String f = at + ".neighbors[" + i + "]";
            JsonObject n = object(ns, i, f);
            known(n, NEIGHBOR, f);
            int addr = address(string(n, "address", f, true), f + ".address");
            String m = string(n, "mac", f, true);
            MacAddress nm;
            try {
                nm = MacAddress.parse(m);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(f + ".mac", "'" + m + "' is not a MAC address (aa:bb:cc:dd:ee:ff)");
            }
            if (nm.isMulticast() || nm.bits() == 0) {
                throw new ConfigException(f + ".mac", m + " is not a unicast MAC address");
            }
            neighbors.add(new InstanceSpec.NeighborSpec(addr, nm));
        }
        Map<String, Object> tunables = new LinkedHashMap<>();
        Object tv = o.getValue("tunables");
        if (tv != null) {
            if (!(tv instanceof JsonObject t)) {
                throw new ConfigException(at + ".tunables", "must be an object");
            }
            TcpTunables scratch = new TcpTunables();
            for (String k : t.fieldNames()) {
                Object v = t.getValue(k);
                if (!TcpTunables.has(k)) {
                    throw new ConfigException(at + ".tunables." + k, "no such TCP tunable");
                }
                if (v instanceof Double || v instanceof Float) {
                    throw new ConfigException(at + ".tunables." + k, "must be an integer");
                }
                try {
                    scratch.set(k, v);
                } catch (RuntimeException e) {
                    throw new ConfigException(at + ".tunables." + k, String.valueOf(e.getMessage()));
                }
                tunables.put(k, v);
            }
        }
        InstanceSpec.Impairment impairment = null;
        Object iv = o.getValue("impairment");
        if (iv != null) {
            if (!(iv instanceof JsonObject imp)) {
                throw new ConfigException(at + ".impairment", "must be an object");
            }
            known(imp, IMPAIRMENT, at + ".impairment");
            impairment = new InstanceSpec.Impairment(direction(imp, "transmit", at + ".impairment"),
                    direction(imp, "receive", at + ".impairment"));
            if (loss > 0) {
                throw new ConfigException(at + ".lossPercent", "give either lossPercent or impairment");
            }
        }
        return new InstanceSpec(name, link, mac, mode, addresses, routes, gateway, services, loss, neighbors, tunables,
                impairment);
    }

    private static InstanceSpec.Direction direction(JsonObject imp, String key, String at) {
        Object v = imp.getValue(key);
        String f = at + "." + key;
        if (v == null) {
            return InstanceSpec.Direction.NONE;
        }
        if (!(v instanceof JsonObject d)) {
            throw new ConfigException(f, "must be an object");
        }
        known(d, DIRECTION, f);
        return new InstanceSpec.Direction(rate(d, "lossRate", f), rate(d, "duplicateRate", f), rate(d, "reorderRate", f),
                rate(d, "corruptRate", f), millis(d, "delayMillis", f), millis(d, "jitterMillis", f));
    }

    private static double rate(JsonObject d, String key, String at) {
        Object v = d.getValue(key);
        if (v == null) {
            return 0;
        }
        if (!(v instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() <= 1)) {
            throw new ConfigException(at + "." + key, "must be a probability from 0 to 1");
        }
        return n.doubleValue();
    }

    private static long millis(JsonObject d, String key, String at) {
        Object v = d.getValue(key);
        if (v == null) {
            return 0;
        }
        if (!(v instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() <= 3_600_000)) {
            throw new ConfigException(at + "." + key, "must be a number of milliseconds from 0 to 3600000");
        }
        return Math.round(n.doubleValue() * 1e6);
    }

    private static long number(JsonObject o, String key, String at, long min, long max) {
        Object v = o.getValue(key);
        if (v == null) {
            return min;
        }
        if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min || ((Number) v).longValue() > max) {
            throw new ConfigException(at + "." + key, "must be an integer from " + min + " to " + max);
        }
        return ((Number) v).longValue();
    }

    private static void checkHostAddress(int a, String field) {
        if (a == 0 || a == Ipv4Address.BROADCAST || Ipv4Address.isMulticast(a) || Ipv4Address.isLoopback(a)
                || (a >>> 28) == 0xf) {
            throw new ConfigException(field, Ipv4Address.toString(a) + " cannot be an interface address");
        }
    }

    private static String name(JsonObject o, String at) {
        String name = string(o, "name", at, true);
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
            throw new ConfigException(at + ".name", "'" + name + "' is not a valid name (letters, digits, '_', '.', '-'; 1..63)");
        }
        return name;
    }

    private static Cidr cidr(String s, String field, int defaultPrefix) {
        try {
            return Cidr.parse(s, defaultPrefix);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(field, "'" + s + "': " + e.getMessage());
        }
    }

    private static int address(String s, String field) {
        try {
            return Ipv4Address.parse(s.trim());
        } catch (RuntimeException e) {
            throw new ConfigException(field, "'" + s + "' is not an IPv4 address");
        }
    }

    private static void known(JsonObject o, Set<String> allowed, String at) {
        for (String k : o.fieldNames()) {
            if (!allowed.contains(k)) {
                throw new ConfigException(at.isEmpty() ? k : at + "." + k, "unknown field (known: " + String.join(", ",
                        new java.util.TreeSet<>(allowed)) + ")");
            }
        }
    }

    private static String string(JsonObject o, String key, String at, boolean required) {
        Object v = o.getValue(key);
        String field = at.isEmpty() ? key : at + "." + key;
        if (v == null) {
            if (required) {
                throw new ConfigException(field, "is required");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw new ConfigException(field, "must be a string");
        }
        return s;
    }

    private static JsonArray array(JsonObject o, String key, String field) {
        Object v = o.getValue(key);
        if (v == null) {
            return new JsonArray();
        }
        if (!(v instanceof JsonArray a)) {
            throw new ConfigException(field, "must be an array");
        }
        return a;
    }

    private static JsonObject object(JsonArray a, int i, String field) {
        Object v = a.getValue(i);
        if (!(v instanceof JsonObject o)) {
            throw new ConfigException(field, "must be an object");
        }
        return o;
    }

    private static String element(JsonArray a, int i, String field) {
        Object v = a.getValue(i);
        if (!(v instanceof String s)) {
            throw new ConfigException(field, "must be a string");
        }
        return s;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
