package org.alpenstack.admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.link.afpacket.NetNamespace;
import org.alpenstack.tenant.config.Cidr;
import org.alpenstack.tenant.config.InstanceSpec;
import org.alpenstack.tenant.config.LinkSpec;
import org.alpenstack.tenant.config.TenantConfig;
import org.alpenstack.tenant.service.ServiceSpec;

/**
 * What {@code bin/alpenstack serve} runs without a config: as root, a TAP device whose host side
 * gets .1 of a private /24 that no existing route covers, and one instance "demo" at .2 with the
 * echo, discard, chargen and HTTP services, so {@code ping} and {@code curl} from the host reach
 * it at once.
 */
public final class EmbeddedDefault {
    /** Candidates from 10.0.0.0/8 (RFC 1918), chosen to be unlikely on home and office networks. */
    private static final int[] CANDIDATE_SECOND_OCTETS = {77, 78, 79, 97, 98, 99, 177, 178, 179, 211};

    private EmbeddedDefault() {
    }

    /** The embedded config, created in {@code netns} (null: the server's own namespace). */
    public static TenantConfig config(String netns) {
        int subnet = freeSubnet(readRoutes(netns));
        int host = subnet | 1;
        int instance = subnet | 2;
        LinkSpec tap = new LinkSpec("tap", LinkSpec.Type.TAP, "alpen%d", new Cidr(host, 24), netns);
        InstanceSpec demo = new InstanceSpec("demo", "tap", null, InstanceSpec.Mode.MAC, List.of(new Cidr(instance, 24)),
                List.of(), 0, List.of(ServiceSpec.parse("echo"), ServiceSpec.parse("discard"), ServiceSpec.parse("chargen"),
                        ServiceSpec.parse("http")), 0);
        return new TenantConfig(List.of(tap), List.of(demo));
    }

    /** The first candidate /24 that overlaps no route of the table (the default route aside). */
    static int freeSubnet(List<int[]> routes) {
        for (int second : CANDIDATE_SECOND_OCTETS) {
            for (int third = 0; third < 256; third += 17) {
                int net = (10 << 24) | (second << 16) | (third << 8);
                if (!overlaps(net, 24, routes)) {
                    return net;
                }
            }
        }
        throw new IllegalStateException("no free /24 in 10.0.0.0/8 among the candidates; give a config with --config");
    }

    static boolean overlaps(int net, int len, List<int[]> routes) {
        for (int[] r : routes) {
            int rlen = r[1];
            if (rlen == 0) {
                continue;
            }
            int shorter = Math.min(len, rlen);
            int m = Ipv4Address.mask(shorter);
            if ((net & m) == (r[0] & m)) {
                return true;
            }
        }
        return false;
    }

    /** The IPv4 routing table as (destination, prefix length) pairs, from /proc/net/route (main table). */
    static List<int[]> readRoutes(String netns) {
        Path p = Path.of("/proc/thread-self/net/route");
        List<String> lines = netns == null ? read(p) : NetNamespace.call(netns, () -> read(p));
        List<int[]> out = new ArrayList<>();
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8) {
                continue;
            }
            // Fields are host-order (little-endian) hex: Iface Destination Gateway Flags RefCnt Use Metric Mask.
            int dst = Integer.reverseBytes((int) Long.parseLong(f[1], 16));
            int mask = Integer.reverseBytes((int) Long.parseLong(f[7], 16));
            out.add(new int[] {dst, Integer.bitCount(mask)});
        }
        return out;
    }

    private static List<String> read(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            return List.of();
        }
    }
}
