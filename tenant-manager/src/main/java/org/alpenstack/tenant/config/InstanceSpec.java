package org.alpenstack.tenant.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.alpenstack.kernel.wire.MacAddress;
import org.alpenstack.tenant.service.ServiceSpec;

/**
 * An instance (tenant): its interface on a link, addresses, routes and services, and what an
 * operator may change at run time (static neighbours, TCP tunables, impairment), so that the
 * state directory restores an instance as it ran.
 *
 * @param mac MAC mode: the instance's MAC; null generates a locally administered one that is
 *     stable for the name ({@link StableMac}); ignored in IP mode, where the NIC's MAC is shared
 * @param routes extra routes ("198.51.100.0/24 via 192.0.2.1"; via 0.0.0.0: on-link)
 * @param gateway the default route's next hop, or 0
 * @param lossPercent the instance's fault injector: this percentage of frames is dropped in each
 *     direction (0 for none); {@code impairment}, when given, replaces it
 * @param neighbors static (permanent) ARP entries on the instance's interface
 * @param tunables TCP tunables that differ from their defaults, by name (sysctl-like)
 * @param impairment the fault injector per direction, or null
 */
public record InstanceSpec(String name, String link, MacAddress mac, Mode mode, List<Cidr> addresses,
        List<RouteSpec> routes, int gateway, List<ServiceSpec> services, double lossPercent,
        List<NeighborSpec> neighbors, Map<String, Object> tunables, Impairment impairment) {
    public enum Mode {
        MAC, IP
    }

    public InstanceSpec {
        addresses = List.copyOf(addresses);
        routes = List.copyOf(routes);
        services = List.copyOf(services);
        neighbors = List.copyOf(neighbors);
        tunables = Collections.unmodifiableMap(new LinkedHashMap<>(tunables));
    }

    /** A definition with nothing changed at run time. */
    public InstanceSpec(String name, String link, MacAddress mac, Mode mode, List<Cidr> addresses,
            List<RouteSpec> routes, int gateway, List<ServiceSpec> services, double lossPercent) {
        this(name, link, mac, mode, addresses, routes, gateway, services, lossPercent, List.of(), Map.of(), null);
    }

    /** The MAC the instance uses in MAC mode. */
    public MacAddress effectiveMac() {
        return mac != null ? mac : StableMac.forName(name);
    }

    /**
     * This definition with the state the instance runs with now (the name, link, MAC, mode and
     * services stay); {@code imp} is the whole impairment (null: none), so lossPercent goes.
     */
    public InstanceSpec withRunningState(List<Cidr> addrs, List<RouteSpec> rts, int gw, List<NeighborSpec> neigh,
            Map<String, Object> tun, Impairment imp) {
        return new InstanceSpec(name, link, mac, mode, addrs, rts, gw, services, 0, neigh, tun,
                imp == null || imp.isNone() ? null : imp);
    }

    /** {@code gateway} 0: on-link through the instance's interface. */
    public record RouteSpec(Cidr destination, int gateway, int metric) {
        public RouteSpec(Cidr destination, int gateway) {
            this(destination, gateway, 0);
        }
    }

    public record NeighborSpec(int address, MacAddress mac) {
    }

    /** The fault injector's settings per direction (core-kernel FaultConfig). */
    public record Impairment(Direction transmit, Direction receive) {
        public boolean isNone() {
            return transmit.isNone() && receive.isNone();
        }
    }

    /** Rates are probabilities in [0, 1]. */
    public record Direction(double lossRate, double duplicateRate, double reorderRate, double corruptRate, long delayNanos,
            long jitterNanos) {
        public static final Direction NONE = new Direction(0, 0, 0, 0, 0, 0);

        public boolean isNone() {
            return equals(NONE);
        }
    }
}
