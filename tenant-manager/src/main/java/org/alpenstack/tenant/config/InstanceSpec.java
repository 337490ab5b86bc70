package org.alpenstack.tenant.config;

import java.util.List;
import org.alpenstack.kernel.wire.MacAddress;
import org.alpenstack.tenant.service.ServiceSpec;

/**
 * An instance (tenant): its interface on a link, addresses, routes and services.
 *
 * @param mac MAC mode: the instance's MAC; null generates a locally administered one that is
 *     stable for the name ({@link StableMac}); ignored in IP mode, where the NIC's MAC is shared
 * @param routes extra routes ("198.51.100.0/24 via 192.0.2.1")
 * @param gateway the default route's next hop, or 0
 * @param lossPercent the instance's fault injector: this percentage of frames is dropped in each
 *     direction (0 for none)
 */
public record InstanceSpec(String name, String link, MacAddress mac, Mode mode, List<Cidr> addresses,
        List<RouteSpec> routes, int gateway, List<ServiceSpec> services, double lossPercent) {
    public enum Mode {
        MAC, IP
    }

    public InstanceSpec {
        addresses = List.copyOf(addresses);
        routes = List.copyOf(routes);
        services = List.copyOf(services);
    }

    /** The MAC the instance uses in MAC mode. */
    public MacAddress effectiveMac() {
        return mac != null ? mac : StableMac.forName(name);
    }

    public record RouteSpec(Cidr destination, int gateway) {
    }
}
