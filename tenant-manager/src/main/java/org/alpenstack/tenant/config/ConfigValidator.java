package org.alpenstack.tenant.config;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.MacAddress;
import org.alpenstack.tenant.service.ServiceSpec;

/**
 * Checks a configuration as a whole, before anything starts: unique names, links that exist,
 * {@code receive} only on afpacket links,
 * no IPv4 address or MAC used twice, gateways on a connected subnet, no two services on one
 * port. The first problem found is thrown as a {@link ConfigException} naming the field.
 *
 * <p>{@code existingLinks} and {@code existingInstances} are what already runs (for changes at
 * run time); field names then refer to the new config only.
 */
public final class ConfigValidator {
    private ConfigValidator() {
    }

    public static void validate(TenantConfig config) {
        validate(config, List.of(), List.of());
    }

    public static void validate(TenantConfig config, List<LinkSpec> existingLinks, List<InstanceSpec> existingInstances) {
        Map<String, LinkSpec> links = new HashMap<>();
        Map<Integer, String> addressOwners = new HashMap<>();
        for (LinkSpec l : existingLinks) {
            links.put(l.name(), l);
            if (l.hostAddress() != null) {
                addressOwners.put(l.hostAddress().address(), "the host side of link " + l.name());
            }
        }
        Set<String> devices = new HashSet<>();
        for (LinkSpec l : existingLinks) {
            devices.add(l.netns() + "/" + l.device());
        }
        for (int i = 0; i < config.links().size(); i++) {
            LinkSpec l = config.links().get(i);
            String at = "links[" + i + "]";
            if (links.containsKey(l.name())) {
                throw new ConfigException(at + ".name", "a link named '" + l.name() + "' already exists");
            }
            if (!l.device().contains("%") && !devices.add(l.netns() + "/" + l.device())) {
                throw new ConfigException(at + ".device", "device '" + l.device() + "' is already used by another link");
            }
            if (l.receive() != null && l.type() != LinkSpec.Type.AFPACKET) {
                // A TAP port reads its file descriptor; there is no socket queue or ring to choose.
                throw new ConfigException(at + ".receive", "only an afpacket link chooses how it receives, not a "
                        + l.type().name().toLowerCase(java.util.Locale.ROOT) + " link");
            }
            if (l.hostAddress() != null) {
                Cidr h = l.hostAddress();
                if (h.prefixLength() > 30 || h.prefixLength() < 8) {
                    throw new ConfigException(at + ".hostAddress", "prefix length " + h.prefixLength()
                            + " leaves no room for instances beside the host (use 8..30)");
                }
                String prev = addressOwners.putIfAbsent(h.address(), "the host side of link " + l.name());
                if (prev != null) {
                    throw new ConfigException(at + ".hostAddress", Ipv4Address.toString(h.address()) + " is already used by " + prev);
                }
            }
            links.put(l.name(), l);
        }

        Set<String> names = new HashSet<>();
        Map<String, String> macOwners = new HashMap<>();
        for (InstanceSpec s : existingInstances) {
            names.add(s.name());
            for (Cidr c : s.addresses()) {
                addressOwners.put(c.address(), "instance " + s.name());
            }
            if (s.mode() == InstanceSpec.Mode.MAC) {
                macOwners.put(s.link() + "/" + s.effectiveMac(), s.name());
            }
        }
        for (int i = 0; i < config.instances().size(); i++) {
            InstanceSpec s = config.instances().get(i);
            String at = "instances[" + i + "]";
            if (!names.add(s.name())) {
                throw new ConfigException(at + ".name", "an instance named '" + s.name() + "' already exists");
            }
            LinkSpec link = links.get(s.link());
            if (link == null) {
                throw new ConfigException(at + ".link", "no link named '" + s.link() + "'"
                        + (links.isEmpty() ? " (no links are configured)" : " (links: " + String.join(", ", new java.util.TreeSet<>(links.keySet())) + ")"));
            }
            if (s.mode() == InstanceSpec.Mode.IP && link.type() == LinkSpec.Type.TAP) {
                throw new ConfigException(at + ".mode", "IP mode shares a NIC's MAC; on tap link '" + link.name()
                        + "' the host is the only peer, use \"mac\"");
            }
            if (s.addresses().isEmpty()) {
                throw new ConfigException(at + ".addresses", "at least one address is required");
            }
            for (int k = 0; k < s.addresses().size(); k++) {
                Cidr c = s.addresses().get(k);
                String f = at + ".addresses[" + k + "]";
                String prev = addressOwners.putIfAbsent(c.address(), "instance " + s.name());
                if (prev != null) {
                    throw new ConfigException(f, Ipv4Address.toString(c.address()) + " is already used by " + prev);
                }
                if (c.prefixLength() < 32 && c.prefixLength() > 0 && c.prefixLength() < 31
                        && (c.address() == c.network() || c.address() == (c.network() | ~Ipv4Address.mask(c.prefixLength())))) {
                    throw new ConfigException(f, c + " is the network or broadcast address of its subnet");
                }
            }
            if (s.mode() == InstanceSpec.Mode.MAC) {
                MacAddress mac = s.effectiveMac();
                String prev = macOwners.putIfAbsent(s.link() + "/" + mac, s.name());
                if (prev != null) {
                    throw new ConfigException(at + ".mac", mac + " is already used by instance " + prev + " on link " + s.link());
                }
            }
            if (s.gateway() != 0 && !onLink(s.gateway(), s.addresses())) {
                throw new ConfigException(at + ".gateway", Ipv4Address.toString(s.gateway())
                        + " is not on a subnet of the instance's addresses (Linux: Nexthop has invalid gateway)");
            }
            for (int k = 0; k < s.routes().size(); k++) {
                int via = s.routes().get(k).gateway();
                // via 0.0.0.0: an on-link route through the instance's interface.
                if (via != 0 && !onLink(via, s.addresses())) {
                    throw new ConfigException(at + ".routes[" + k + "].via", Ipv4Address.toString(via)
                            + " is not on a subnet of the instance's addresses");
                }
            }
            Set<String> ports = new HashSet<>();
            for (int k = 0; k < s.services().size(); k++) {
                ServiceSpec svc = s.services().get(k);
                boolean udp = svc.kind().udp;
                boolean dup = !ports.add("tcp/" + svc.port()) || (udp && !ports.add("udp/" + svc.port()));
                if (dup) {
                    throw new ConfigException(at + ".services[" + k + "]", "port " + svc.port() + " is already used by another service");
                }
            }
        }
    }

    private static boolean onLink(int address, List<Cidr> addresses) {
        for (Cidr c : addresses) {
            if (c.prefixLength() < 32 && Ipv4Address.inSubnet(address, c.network(), c.prefixLength()) && address != c.address()) {
                return true;
            }
        }
        return false;
    }
}
