package org.alpenstack.admin.api.stack;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.alpenstack.admin.api.ApiProblem;
import org.alpenstack.admin.api.model.ClientInfo;
import org.alpenstack.admin.api.model.ConnectionInfo;
import org.alpenstack.admin.api.model.ImpairmentInfo;
import org.alpenstack.admin.api.model.ImpairmentSpec;
import org.alpenstack.admin.api.model.InstanceInfo;
import org.alpenstack.admin.api.model.InterfaceInfo;
import org.alpenstack.admin.api.model.NeighborInfo;
import org.alpenstack.admin.api.model.NeighborSpec;
import org.alpenstack.admin.api.model.RouteInfo;
import org.alpenstack.admin.api.model.RouteSpec;
import org.alpenstack.admin.api.model.StatsInfo;
import org.alpenstack.admin.api.model.TunableInfo;
import org.alpenstack.kernel.iface.InterfaceAddress;
import org.alpenstack.kernel.iface.NetInterface;
import org.alpenstack.kernel.ip.NeighborCache;
import org.alpenstack.kernel.ip.NeighborEntry;
import org.alpenstack.kernel.ip.NeighborState;
import org.alpenstack.kernel.ip.Route;
import org.alpenstack.kernel.link.FaultConfig;
import org.alpenstack.kernel.link.FaultCounters;
import org.alpenstack.kernel.link.FaultInjector;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.socket.StackSocket;
import org.alpenstack.kernel.stack.DropReason;
import org.alpenstack.kernel.stack.NetStack;
import org.alpenstack.kernel.stack.StackCounter;
import org.alpenstack.kernel.stack.StackCounters;
import org.alpenstack.kernel.stack.StackSnapshot;
import org.alpenstack.kernel.tcp.TcpConnectionInfo;
import org.alpenstack.kernel.tcp.TcpCounters;
import org.alpenstack.kernel.tcp.TcpInfo;
import org.alpenstack.kernel.tcp.TcpSocket;
import org.alpenstack.kernel.tcp.TcpState;
import org.alpenstack.kernel.tcp.TcpTunables;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.MacAddress;

/**
 * What the admin API reads from and does to one {@link NetStack}, whoever owns it: the
 * iproute2-like views (ip addr, ip route, ip neigh), ss-like sockets, netstat-like counters,
 * tunables and impairment. Every method runs on the stack's owner context (the backends call
 * them inside their instance's {@code call}); failures are {@link ApiProblem}s.
 */
public final class StackViews {
    private StackViews() {
    }

    // ------------------------------------------------------------------ summary

    /** The parts of an instance's summary the stack knows (addresses, gateway, sockets, throughput). */
    public record Summary(List<String> addresses, String gateway, Map<String, Integer> connections,
                          InstanceInfo.Throughput throughput) {
    }

    public static Summary summary(NetStack stack) {
        StackSnapshot s = stack.snapshot();
        List<String> addresses = new ArrayList<>();
        for (StackSnapshot.InterfaceInfo n : s.interfaces()) {
            if (!n.loopback()) {
                for (InterfaceAddress a : n.addresses()) {
                    addresses.add(a.toString());
                }
            }
        }
        String gateway = null;
        for (Route r : s.routes()) {
            if (r.isDefault() && r.gateway() != 0) {
                gateway = Ipv4Address.toString(r.gateway());
            }
        }
        Map<String, Integer> byState = new TreeMap<>();
        for (ConnectionInfo c : connections(stack)) {
            byState.merge(c.state(), 1, Integer::sum);
        }
        StackCounters.Snapshot c = s.counters();
        InstanceInfo.Throughput t = new InstanceInfo.Throughput(c.get(StackCounter.ETH_IN_OCTETS),
                c.get(StackCounter.ETH_OUT_OCTETS), c.get(StackCounter.ETH_IN_FRAMES), c.get(StackCounter.ETH_OUT_FRAMES));
        return new Summary(addresses, gateway, byState, t);
    }

    // ------------------------------------------------------------------ interfaces and addresses

    public static NetInterface iface(NetStack stack, String name) {
        NetInterface n = stack.iface(name);
        if (n == null) {
            throw ApiProblem.notFound("interface", name);
        }
        return n;
    }

    public static InterfaceInfo interfaceInfo(NetInterface n) {
        List<String> addrs = new ArrayList<>();
        for (InterfaceAddress a : n.addresses()) {
            addrs.add(a.toString());
        }
        return new InterfaceInfo(n.index(), n.name(), n.isLoopback() ? null : n.mac().toString(), n.mtu(), n.isUp(),
                n.isLoopback(), addrs);
    }

    public static List<InterfaceInfo> interfaces(NetStack stack) {
        return stack.interfaces().stream().map(StackViews::interfaceInfo).toList();
    }

    public static InterfaceInfo addAddress(NetStack stack, String ifName, InterfaceAddress a) {
        NetInterface n = iface(stack, ifName);
        errno("body.address", stack.addAddress(ifName, a.address(), a.prefixLength()));
        return interfaceInfo(n);
    }

    public static void removeAddress(NetStack stack, String ifName, String address) {
        int a = Ipv4Address.parse(address);
        iface(stack, ifName);
        int r = stack.removeAddress(ifName, a);
        if (r == -Errno.EADDRNOTAVAIL) {
            throw ApiProblem.notFound("address", address + " on " + ifName);
        }
        errno("address", r);
    }

    /** Makes eth0's address set equal to {@code target} (PATCH addresses). */
    public static void replaceAddresses(NetStack stack, String ifName, List<InterfaceAddress> target) {
        NetInterface eth = iface(stack, ifName);
        for (InterfaceAddress a : List.copyOf(eth.addresses())) {
            if (!target.contains(a)) {
                stack.removeAddress(ifName, a.address());
            }
        }
        for (int k = 0; k < target.size(); k++) {
            InterfaceAddress a = target.get(k);
            if (!eth.addresses().contains(a)) {
                errno("body.addresses[" + k + "]", stack.addAddress(ifName, a.address(), a.prefixLength()));
            }
        }
    }

    /** The addresses on {@code ifName} (for registries that check conflicts). */
    public static Set<Integer> addressSet(NetStack stack, String ifName) {
        Set<Integer> now = new HashSet<>();
        NetInterface eth = stack.iface(ifName);
        if (eth != null) {
            for (InterfaceAddress a : eth.addresses()) {
                now.add(a.address());
            }
        }
        return now;
    }

    // ------------------------------------------------------------------ routes

    public static String routeId(Route r) {
        return r.prefixLength() == 0 && r.destination() == 0 ? "default"
                : Ipv4Address.toString(r.destination()) + "-" + r.prefixLength();
    }

    static RouteInfo routeInfo(NetStack stack, Route r) {
        String ifName = null;
        for (NetInterface n : stack.interfaces()) {
            if (n.index() == r.interfaceIndex()) {
                ifName = n.name();
            }
        }
        return new RouteInfo(routeId(r), Ipv4Address.toString(r.destination()) + "/" + r.prefixLength(),
                r.gateway() == 0 ? null : Ipv4Address.toString(r.gateway()), ifName,
                r.preferredSource() == 0 ? null : Ipv4Address.toString(r.preferredSource()),
                Integer.toUnsignedLong(r.metric()), r.connected());
    }

    public static List<RouteInfo> routes(NetStack stack) {
        List<Route> rs = new ArrayList<>(stack.routes().routes());
        rs.sort(Comparator.comparingInt(Route::prefixLength).reversed());
        return rs.stream().map(r -> routeInfo(stack, r)).toList();
    }

    /** Checks what needs no stack (call before going to the owner context). */
    public static void checkRoute(RouteSpec spec) {
        Cidrs.destination("body.destination", spec.destination());
        if (spec.metric() != null && spec.metric() > Integer.MAX_VALUE) {
            throw ApiProblem.invalid("body.metric", "at most " + Integer.MAX_VALUE);
        }
        if (spec.gateway() == null && spec.iface() == null) {
            throw ApiProblem.invalid("body.gateway", "give a gateway, an interface, or both");
        }
    }

    public static RouteInfo addRoute(NetStack stack, RouteSpec spec) {
        checkRoute(spec);
        int[] dst = Cidrs.destination("body.destination", spec.destination());
        int metric = spec.metric() == null ? 0 : spec.metric().intValue();
        int ifIndex = 0;
        if (spec.iface() != null) {
            NetInterface n = stack.iface(spec.iface());
            if (n == null) {
                throw ApiProblem.invalid("body.interface", "no interface named '" + spec.iface() + "'");
            }
            ifIndex = n.index();
        }
        int gw = spec.gateway() == null ? 0 : Ipv4Address.parse(spec.gateway());
        Route r = new Route(dst[0], dst[1], gw, ifIndex, metric, 0, 0, false);
        int res = stack.addRoute(r);
        if (res == -Errno.ENETUNREACH) {
            throw ApiProblem.invalid("body.gateway", "not on any connected subnet (ENETUNREACH)");
        }
        errno("body.destination", res);
        for (Route x : stack.routes().routes()) {
            if (x.destination() == dst[0] && x.prefixLength() == dst[1] && x.metric() == metric && !x.connected()) {
                return routeInfo(stack, x);
            }
        }
        return routeInfo(stack, r);
    }

    public static void deleteRoute(NetStack stack, String destination, Long metric) {
        int[] dst = Cidrs.destination("route", destination);
        int r = stack.routes().delete(dst[0], dst[1], metric == null ? -1 : metric.intValue());
        if (r == -Errno.ESRCH) {
            throw ApiProblem.notFound("route", destination + (metric == null ? "" : " metric " + metric));
        }
        errno("route", r);
    }

    // ------------------------------------------------------------------ neighbours

    /** Linux calls a static entry PERMANENT (ip neigh "nud permanent"). */
    static String stateName(NeighborState s) {
        return s == NeighborState.STATIC ? "PERMANENT" : s.name();
    }

    public static List<NeighborInfo> neighbors(NetStack stack) {
        List<NeighborInfo> out = new ArrayList<>();
        for (NetInterface n : stack.interfaces()) {
            NeighborCache nc = stack.neighbors(n.name());
            if (nc == null) {
                continue;
            }
            for (NeighborEntry e : nc.entries()) {
                out.add(new NeighborInfo(Ipv4Address.toString(e.address()),
                        e.mac() == null ? null : e.mac().toString(), stateName(e.state()), n.name()));
            }
        }
        return out;
    }

    public static MacAddress checkNeighbor(NeighborSpec spec) {
        MacAddress mac = MacAddress.parse(spec.mac());
        if (mac.isMulticast() || mac.bits() == 0) {
            throw ApiProblem.invalid("body.mac", "not a unicast MAC address");
        }
        return mac;
    }

    public static NeighborInfo addNeighbor(NetStack stack, NeighborSpec spec) {
        MacAddress mac = checkNeighbor(spec);
        int address = Ipv4Address.parse(spec.address());
        String ifName = spec.iface();
        if (ifName == null) {
            for (NetInterface n : stack.interfaces()) {
                if (!n.isLoopback() && n.isOnLink(address)) {
                    ifName = n.name();
                }
            }
            if (ifName == null) {
                throw ApiProblem.invalid("body.address", "not on any connected subnet; name the interface");
            }
        } else if (stack.iface(ifName) == null) {
            throw ApiProblem.invalid("body.interface", "no interface named '" + ifName + "'");
        } else if (stack.iface(ifName).isLoopback()) {
            throw ApiProblem.invalid("body.interface", "the loopback has no neighbours");
        }
        errno("body.mac", stack.addStaticNeighbor(ifName, address, mac));
        return new NeighborInfo(spec.address(), mac.toString(), "PERMANENT", ifName);
    }

    public static void deleteNeighbor(NetStack stack, String address) {
        int a = Ipv4Address.parse(address);
        for (NetInterface n : stack.interfaces()) {
            NeighborCache nc = stack.neighbors(n.name());
            if (nc != null && nc.remove(a) == 0) {
                return;
            }
        }
        throw ApiProblem.notFound("neighbour", address);
    }

    public static int flushNeighbors(NetStack stack) {
        int n = 0;
        for (NetInterface x : stack.interfaces()) {
            NeighborCache nc = stack.neighbors(x.name());
            if (nc != null) {
                n += nc.flushAll();
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ sockets

    /** ss's state names (ESTAB, SYN-RECV ...), which differ from RFC 9293's in two places. */
    public static String ssState(TcpState s) {
        return switch (s) {
            case ESTABLISHED -> "ESTAB";
            case SYN_RECEIVED -> "SYN-RECV";
            default -> s.rfcName();
        };
    }

    public static String tcpId(InetEndpoint local, InetEndpoint remote) {
        return "tcp-" + local + "-" + (remote == null ? "*" : remote.toString());
    }

    /** Every socket, like ss -tuan. */
    public static List<ConnectionInfo> connections(NetStack stack) {
        return connections(stack, id -> null);
    }

    /** Every socket, like ss -tuanp: {@code owners} names the process holding a socket id, when known. */
    public static List<ConnectionInfo> connections(NetStack stack, java.util.function.IntFunction<ClientInfo> owners) {
        List<ConnectionInfo> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (StackSocket s : stack.sockets().all()) {
            if (!(s instanceof TcpSocket t) || t.isClosed() || t.localEndpoint() == null) {
                continue; // unbound TCP sockets are not shown by ss either
            }
            InetEndpoint local = t.localEndpoint();
            InetEndpoint remote = t.remoteEndpoint();
            String id = tcpId(local, t.isListening() ? null : remote);
            if (!seen.add(id)) {
                continue;
            }
            ClientInfo owner = owners.apply(t.id());
            Integer pid = owner == null ? null : owner.pid();
            String program = owner == null ? null : owner.program();
            if (t.isListening()) {
                out.add(new ConnectionInfo(id, "tcp", "LISTEN", local.toString(), null, 0, 0,
                        null, null, null, null, null, pid, program));
                continue;
            }
            TcpInfo info = t.info();
            out.add(new ConnectionInfo(id, "tcp", ssState(t.state()), local.toString(),
                    remote == null ? null : remote.toString(), info == null ? 0 : info.sendQueueBytes(),
                    info == null ? 0 : info.receiveQueueBytes(),
                    info == null ? null : info.srttNanos() / 1000,
                    info == null || info.sndMss() == 0 ? null : (long) (info.cwndBytes() / info.sndMss()),
                    info == null ? null : info.totalRetrans(), info == null ? null : info.bytesSent(),
                    info == null ? null : info.bytesReceived(), pid, program));
        }
        for (TcpConnectionInfo c : stack.tcp().connectionsSnapshot()) {
            String id = tcpId(c.local(), c.remote());
            if (seen.add(id)) { // held by no socket: in an accept queue, or orphaned after close()
                out.add(new ConnectionInfo(id, "tcp", ssState(c.state()), c.local().toString(), c.remote().toString(),
                        c.sendQueue(), c.receiveQueue(), null, null, null, null, null, null, null));
            }
        }
        for (StackSnapshot.SocketInfo s : stack.snapshot().sockets()) {
            if (s.type().equals("udp") || s.type().equals("icmp")) {
                String local = s.local() == null ? "0.0.0.0:0" : s.local().toString();
                ClientInfo owner = owners.apply(s.id());
                out.add(new ConnectionInfo(s.type() + "-" + s.id(), s.type(), s.remote() == null ? "UNCONN" : "ESTAB",
                        local, s.remote() == null ? null : s.remote().toString(), 0, s.queuedBytes(),
                        null, null, null, null, null, owner == null ? null : owner.pid(),
                        owner == null ? null : owner.program()));
            }
        }
        return out;
    }

    /** ss -K: a TCP connection is reset (SO_LINGER {1, 0} then close, RFC 9293 3.10.4 ABORT); UDP closed. */
    public static void abortConnection(NetStack stack, String connectionId) {
        for (StackSocket s : stack.sockets().copy()) {
            if (s instanceof TcpSocket t) {
                if (!t.isClosed() && t.localEndpoint() != null
                        && tcpId(t.localEndpoint(), t.isListening() ? null : t.remoteEndpoint()).equals(connectionId)) {
                    t.setLinger(true, 0);
                    t.close();
                    return;
                }
            } else if (connectionId.equals("udp-" + s.id()) || connectionId.equals("icmp-" + s.id())) {
                s.close();
                return;
            }
        }
        throw ApiProblem.notFound("connection", connectionId);
    }

    // ------------------------------------------------------------------ counters

    /** IP_IN_RECEIVES becomes ipInReceives, as netstat -s and the SNMP MIBs spell them. */
    public static String camel(String enumName) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : enumName.toLowerCase(Locale.ROOT).toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }

    public static StatsInfo stats(String instance, NetStack stack) {
        StackCounters.Snapshot s = stack.counters().snapshot();
        Map<String, Long> counters = new LinkedHashMap<>();
        for (StackCounter c : StackCounter.values()) {
            counters.put(camel(c.name()), s.get(c));
        }
        Map<String, Long> drops = new LinkedHashMap<>();
        for (DropReason r : DropReason.values()) {
            long n = s.drops(r);
            if (n != 0) {
                drops.put(camel(r.name()), n);
            }
        }
        Map<String, Long> tcp = new LinkedHashMap<>();
        TcpCounters tc = stack.tcp().counters();
        for (Field f : TcpCounters.class.getFields()) {
            if (f.getType() == long.class && !Modifier.isStatic(f.getModifiers())) {
                try {
                    tcp.put(f.getName(), f.getLong(tc));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return new StatsInfo(instance, counters, drops, s.totalDrops(), tcp);
    }

    // ------------------------------------------------------------------ tunables

    public static List<TunableInfo> tunables(NetStack stack) {
        TcpTunables t = stack.tcp().tunables();
        List<TunableInfo> out = new ArrayList<>();
        for (TcpTunables.Descriptor d : TcpTunables.descriptors()) {
            String type = d.type() == Long.class ? "integer" : d.type() == Boolean.class ? "boolean" : "string";
            boolean num = d.type() == Long.class;
            out.add(new TunableInfo(d.name(), type, t.get(d.name()), d.defaultValue(), num ? d.min() : null,
                    num ? d.max() : null, d.description()));
        }
        return out;
    }

    /** Checks every value on a scratch copy, so that a bad one changes nothing. */
    public static void checkTunables(String prefix, Map<String, Object> values) {
        TcpTunables scratch = new TcpTunables();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            String field = prefix + "." + e.getKey();
            if (!TcpTunables.has(e.getKey())) {
                throw ApiProblem.invalid(field, "no such tunable");
            }
            Object v = e.getValue();
            if (v instanceof Double || v instanceof Float || v instanceof java.math.BigDecimal) {
                throw ApiProblem.invalid(field, "must be an integer");
            }
            try {
                scratch.set(e.getKey(), v);
            } catch (IllegalArgumentException ex) {
                throw ApiProblem.invalid(field, ex.getMessage());
            }
        }
    }

    public static void applyTunables(NetStack stack, Map<String, Object> values) {
        values.forEach(stack.tcp().tunables()::set);
    }

    // ------------------------------------------------------------------ impairment

    private static ImpairmentInfo.State state(FaultConfig c, FaultCounters n) {
        return new ImpairmentInfo.State(c.lossRate(), c.duplicateRate(), c.reorderRate(), c.corruptRate(),
                c.delayNanos() / 1e6, c.jitterNanos() / 1e6,
                new ImpairmentInfo.Counters(n.frames(), n.lost(), n.duplicated(), n.reordered(), n.corrupted(), n.delayed()));
    }

    /** {@code faults} null (no link) reads as no impairment. */
    public static ImpairmentInfo impairment(FaultInjector faults) {
        if (faults == null) {
            ImpairmentInfo.State none = new ImpairmentInfo.State(0, 0, 0, 0, 0, 0,
                    new ImpairmentInfo.Counters(0, 0, 0, 0, 0, 0));
            return new ImpairmentInfo(none, none);
        }
        return new ImpairmentInfo(state(faults.transmit(), faults.transmitCounters()),
                state(faults.receive(), faults.receiveCounters()));
    }

    private static void apply(FaultConfig c, ImpairmentSpec.Direction d) {
        ImpairmentSpec.Direction x = d == null ? ImpairmentSpec.Direction.NONE : d;
        c.clear();
        c.lossRate(orZero(x.lossRate())).duplicateRate(orZero(x.duplicateRate())).reorderRate(orZero(x.reorderRate()))
                .corruptRate(orZero(x.corruptRate())).delayNanos(Math.round(orZero(x.delayMillis()) * 1e6))
                .jitterNanos(Math.round(orZero(x.jitterMillis()) * 1e6));
    }

    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }

    public static ImpairmentInfo setImpairment(String instance, FaultInjector faults, ImpairmentSpec spec) {
        if (faults == null) {
            throw ApiProblem.conflict(null, "instance '" + instance + "' has no link to impair");
        }
        apply(faults.transmit(), spec.transmit());
        apply(faults.receive(), spec.receive());
        return impairment(faults);
    }

    // ------------------------------------------------------------------ errno

    /** Maps a stack configuration call's -errno to the API's answer for {@code field}. */
    public static void errno(String field, int result) {
        if (result >= 0) {
            return;
        }
        int e = -result;
        if (e == Errno.EEXIST) {
            throw ApiProblem.conflict(field, "already exists (EEXIST)");
        }
        if (e == Errno.ESRCH || e == Errno.ENOENT || e == Errno.EADDRNOTAVAIL) {
            throw ApiProblem.of(404, "Not found", field + ": no such entry");
        }
        if (e == Errno.ENETUNREACH) {
            throw ApiProblem.invalid(field, "not reachable through any interface (ENETUNREACH)");
        }
        if (e == Errno.ENODEV) {
            throw ApiProblem.of(404, "Not found", field + ": no such interface");
        }
        throw ApiProblem.invalid(field, "refused by the stack (errno " + e + ")");
    }
}
