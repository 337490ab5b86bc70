package org.alpenstack.tenant;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.alpenstack.kernel.iface.InterfaceAddress;
import org.alpenstack.kernel.iface.NetInterface;
import org.alpenstack.kernel.ip.NeighborCache;
import org.alpenstack.kernel.ip.NeighborEntry;
import org.alpenstack.kernel.ip.NeighborState;
import org.alpenstack.kernel.ip.Route;
import org.alpenstack.kernel.link.FaultConfig;
import org.alpenstack.kernel.link.FaultInjector;
import org.alpenstack.kernel.stack.NetStack;
import org.alpenstack.kernel.tcp.TcpTunables;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.tenant.config.Cidr;
import org.alpenstack.tenant.config.InstanceSpec;

/**
 * Reads what an instance runs with now (whatever the API changed: addresses, routes, static
 * neighbours, tunables, impairment) back into its definition, so that the state directory
 * holds it. Reading the stack, rather than replaying each API call, keeps one source of truth:
 * a flush, a replace or a failed half-change is saved exactly as it left the stack.
 * On the instance's context only.
 */
final class RunningState {
    static final String IFACE = "eth0";

    private RunningState() {
    }

    static InstanceSpec capture(InstanceSpec spec, NetStack stack, FaultInjector faults) {
        NetInterface eth = stack.iface(IFACE);
        List<Cidr> addrs = new ArrayList<>();
        for (InterfaceAddress a : eth.addresses()) {
            addrs.add(new Cidr(a.address(), a.prefixLength()));
        }
        int gateway = 0;
        List<InstanceSpec.RouteSpec> routes = new ArrayList<>();
        for (Route r : stack.routes().routes()) {
            // Connected routes come back with their addresses, as on Linux after a reboot.
            if (r.connected() || r.interfaceIndex() != 0 && r.interfaceIndex() != eth.index()) {
                continue;
            }
            // A route through a next hop no address reaches any more could not be added again
            // (ENETUNREACH); it carries nothing either, so it is not saved.
            if (r.gateway() != 0 && !onLink(r.gateway(), addrs)) {
                continue;
            }
            if (r.isDefault() && r.metric() == 0 && r.gateway() != 0 && gateway == 0) {
                gateway = r.gateway();
            } else {
                routes.add(new InstanceSpec.RouteSpec(new Cidr(r.destination(), r.prefixLength()), r.gateway(), r.metric()));
            }
        }
        List<InstanceSpec.NeighborSpec> neighbors = new ArrayList<>();
        NeighborCache nc = stack.neighbors(IFACE);
        if (nc != null) {
            for (NeighborEntry e : nc.entries()) {
                if (e.state() == NeighborState.STATIC && e.mac() != null) {
                    neighbors.add(new InstanceSpec.NeighborSpec(e.address(), e.mac()));
                }
            }
        }
        Map<String, Object> tunables = new LinkedHashMap<>();
        TcpTunables t = stack.tcp().tunables();
        for (TcpTunables.Descriptor d : TcpTunables.descriptors()) {
            Object v = t.get(d.name());
            if (!Objects.equals(v, d.defaultValue())) {
                tunables.put(d.name(), v);
            }
        }
        InstanceSpec.Impairment imp = faults == null ? null
                : new InstanceSpec.Impairment(direction(faults.transmit()), direction(faults.receive()));
        return spec.withRunningState(addrs, routes, gateway, neighbors, tunables, imp);
    }

    private static InstanceSpec.Direction direction(FaultConfig c) {
        return new InstanceSpec.Direction(c.lossRate(), c.duplicateRate(), c.reorderRate(), c.corruptRate(), c.delayNanos(),
                c.jitterNanos());
    }

    private static boolean onLink(int a, List<Cidr> addrs) {
        for (Cidr c : addrs) {
            if (c.network() == (a & Ipv4Address.mask(c.prefixLength()))) {
                return true;
            }
        }
        return false;
    }

    /** On the new instance's context: what {@link #capture} saved, beyond addresses and routes. */
    static void applyExtras(InstanceSpec spec, NetStack stack, FaultInjector faults) {
        for (InstanceSpec.NeighborSpec n : spec.neighbors()) {
            int r = stack.addStaticNeighbor(IFACE, n.address(), n.mac());
            if (r < 0) {
                throw new IllegalStateException("neighbor " + Ipv4Address.toString(n.address()) + ": "
                        + org.alpenstack.kernel.socket.Errno.name(-r));
            }
        }
        spec.tunables().forEach(stack.tcp().tunables()::set);
        if (spec.impairment() != null) {
            apply(faults.transmit(), spec.impairment().transmit());
            apply(faults.receive(), spec.impairment().receive());
        } else {
            double p = spec.lossPercent() / 100.0;
            faults.transmit().lossRate(p);
            faults.receive().lossRate(p);
        }
    }

    private static void apply(FaultConfig c, InstanceSpec.Direction d) {
        c.clear();
        c.lossRate(d.lossRate()).duplicateRate(d.duplicateRate()).reorderRate(d.reorderRate()).corruptRate(d.corruptRate())
                .delayNanos(d.delayNanos()).jitterNanos(d.jitterNanos());
    }
}
