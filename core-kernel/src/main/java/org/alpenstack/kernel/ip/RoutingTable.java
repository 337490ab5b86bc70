package org.alpenstack.kernel.ip;

import java.util.ArrayList;
import java.util.List;
import org.alpenstack.kernel.iface.InterfaceTable;
import org.alpenstack.kernel.iface.NetInterface;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.wire.Ipv4Address;

/**
 * The IPv4 routing table of one stack: connected routes (added and removed with interface
 * addresses), static routes with gateway and metric, a default route; lookup by longest prefix
 * match, then lowest metric (RFC 1812 5.2.4.3, as Linux's FIB does), skipping interfaces that
 * are down.
 *
 * <p>Unlike Alpine4Linux's frozen FreeBSD table, every route can be deleted and the table
 * flushed. A table holds tens of routes, so lookup is a scan over an array kept sorted by
 * prefix length (longest first) and metric: the first usable match wins.
 *
 * <p>Mutators return 0 or -errno with the values {@code ip route} gets from Linux netlink
 * (EEXIST, ESRCH, ENETUNREACH, ENODEV, EINVAL).
 */
public final class RoutingTable {
    private final InterfaceTable interfaces;
    private final ArrayList<Route> routes = new ArrayList<>();
    /** Bumped on every change, so caches (a connected socket's route) can notice. */
    private int generation;

    public RoutingTable(InterfaceTable interfaces) {
        this.interfaces = interfaces;
    }

    public int generation() {
        return generation;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    public int size() {
        return routes.size();
    }

    /**
     * Adds a route. A gateway must be on-link through a connected route (Linux: "Nexthop has
     * invalid gateway", ENETUNREACH); {@code interfaceIndex} 0 takes the interface from the
     * gateway's connected route.
     */
    public int add(Route r) {
        int ifIndex = r.interfaceIndex();
        if (ifIndex != 0) {
            NetInterface ni = interfaces.byIndex(ifIndex);
            if (ni == null) {
                return -Errno.ENODEV;
            }
        }
        if (r.gateway() != 0 && !r.connected()) {
            NetInterface via = onLinkInterface(r.gateway(), ifIndex);
            if (via == null) {
                return -Errno.ENETUNREACH;
            }
            ifIndex = via.index();
        } else if (ifIndex == 0) {
            return -Errno.EINVAL;
        }
        Route stored = ifIndex == r.interfaceIndex() ? r
                : new Route(r.destination(), r.prefixLength(), r.gateway(), ifIndex, r.metric(), r.preferredSource(), r.mtu(), r.connected());
        for (Route x : routes) {
            // Linux's key for a route in the main table: prefix, length, (tos), metric.
            if (x.destination() == stored.destination() && x.prefixLength() == stored.prefixLength() && x.metric() == stored.metric()) {
                return -Errno.EEXIST;
            }
        }
        int at = 0;
        while (at < routes.size() && precedes(routes.get(at), stored)) {
            at++;
        }
        routes.add(at, stored);
        generation++;
        return 0;
    }

    /** Adds or replaces the default route (0.0.0.0/0, metric 0) via {@code gateway}. */
    public int setDefaultGateway(int gateway) {
        delete(0, 0, -1);
        return add(new Route(0, 0, gateway, 0, 0, 0, 0, false));
    }

    /**
     * Deletes the route to {@code destination/prefixLength} with the given metric, or the
     * first such route whatever its metric when {@code metric} is -1. ESRCH if there is none
     * (what {@code ip route del} reports).
     */
    public int delete(int destination, int prefixLength, int metric) {
        for (int i = 0; i < routes.size(); i++) {
            Route x = routes.get(i);
            if (x.destination() == destination && x.prefixLength() == prefixLength && (metric < 0 || x.metric() == metric)) {
                routes.remove(i);
                generation++;
                return 0;
            }
        }
        return -Errno.ESRCH;
    }

    /** Deletes exactly this route; ESRCH if it is not in the table. */
    public int delete(Route r) {
        if (routes.remove(r)) {
            generation++;
            return 0;
        }
        return -Errno.ESRCH;
    }

    /**
     * Removes routes: the static ones only, or all of them including connected routes
     * ({@code ip route flush table main}). Returns how many were removed.
     */
    public int flush(boolean includeConnected) {
        int before = routes.size();
        routes.removeIf(r -> includeConnected || !r.connected());
        int n = before - routes.size();
        if (n > 0) {
            generation++;
        }
        return n;
    }

    /** Removes every route through interface {@code ifIndex} (interface removed). */
    public int removeInterface(int ifIndex) {
        int before = routes.size();
        routes.removeIf(r -> r.interfaceIndex() == ifIndex);
        generation++;
        return before - routes.size();
    }

    /**
     * Longest-prefix match for {@code destination} into {@code out}. Destinations that are our
     * own addresses (or in 127/8) resolve to the loopback interface, as Linux's local table
     * does before the main table. Returns false (out cleared) if no route applies.
     */
    public boolean lookup(int destination, RouteResult out) {
        out.clear();
        if (interfaces.isLocal(destination)) {
            NetInterface lo = interfaces.loopback();
            if (lo != null && lo.isUp()) {
                out.iface = lo;
                out.local = true;
                out.nextHop = destination;
                out.source = (destination >>> 24) == 127 ? Ipv4Address.LOOPBACK : destination;
                out.mtu = lo.mtu();
                return true;
            }
            return false;
        }
        for (int i = 0; i < routes.size(); i++) {
            Route r = routes.get(i);
            if (!r.matches(destination)) {
                continue;
            }
            NetInterface ni = interfaces.byIndex(r.interfaceIndex());
            if (ni == null || !ni.isUp()) {
                continue;
            }
            out.route = r;
            out.iface = ni;
            boolean multicast = Ipv4Address.isMulticast(destination);
            out.broadcast = destination == Ipv4Address.BROADCAST || ni.isDirectedBroadcast(destination);
            // Broadcast and multicast go straight onto the link, never to a gateway.
            out.nextHop = r.gateway() != 0 && !out.broadcast && !multicast ? r.gateway() : destination;
            int src = r.preferredSource();
            if (src == 0) {
                src = ni.sourceFor(out.nextHop);
            }
            if (src == 0) {
                src = interfaces.anyAddress();
            }
            out.source = src;
            out.mtu = r.mtu() != 0 ? Math.min(r.mtu(), ni.mtu()) : ni.mtu();
            return true;
        }
        return false;
    }

    /** The interface whose connected route holds {@code address} (optionally a given one). */
    private NetInterface onLinkInterface(int address, int ifIndex) {
        for (Route r : routes) {
            if (r.connected() && r.gateway() == 0 && r.matches(address) && (ifIndex == 0 || r.interfaceIndex() == ifIndex)) {
                return interfaces.byIndex(r.interfaceIndex());
            }
        }
        return null;
    }

    /** Sort order: longer prefix first, then lower metric, then older first (stable). */
    private static boolean precedes(Route existing, Route added) {
        if (existing.prefixLength() != added.prefixLength()) {
            return existing.prefixLength() > added.prefixLength();
        }
        return existing.metric() <= added.metric();
    }
}
