package org.alpenstack.admin.api.capture;

import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.Ipv4Address;

/**
 * The small subset of tcpdump filters the capture endpoint takes: a protocol (arp, ip, icmp,
 * tcp, udp), a port (TCP or UDP, either side) and a host (IPv4 source or destination, or the ARP
 * sender or target). All given conditions must hold. Frames too short to tell are not matched.
 */
public record CaptureFilter(String protocol, int port, int host, boolean hasHost) {
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_ARP = 0x0806;
    private static final int ETH_HEADER = 14;

    public static final CaptureFilter ALL = new CaptureFilter(null, -1, 0, false);

    public static CaptureFilter of(String protocol, int port, String host) {
        return new CaptureFilter(protocol, port, host == null ? 0 : Ipv4Address.parse(host), host != null);
    }

    public boolean matches(byte[] a, int off, int len) {
        if (protocol == null && port < 0 && !hasHost) {
            return true;
        }
        if (len < ETH_HEADER) {
            return false;
        }
        int type = Bytes.u16(a, off + 12);
        int l3 = off + ETH_HEADER;
        int l3len = len - ETH_HEADER;
        if (type == ETHERTYPE_ARP) {
            if (protocol != null && !protocol.equals("arp") || port >= 0 || l3len < 28) {
                return false;
            }
            // RFC 826: sender protocol address at 14, target protocol address at 24.
            return !hasHost || Bytes.u32(a, l3 + 14) == host || Bytes.u32(a, l3 + 24) == host;
        }
        if (type != ETHERTYPE_IPV4 || l3len < 20 || "arp".equals(protocol)) {
            return false;
        }
        int ihl = (a[l3] & 0x0f) * 4;
        int proto = a[l3 + 9] & 0xff;
        if (hasHost && Bytes.u32(a, l3 + 12) != host && Bytes.u32(a, l3 + 16) != host) {
            return false;
        }
        if (protocol != null && !protocol.equals("ip") && !protocol.equals(name(proto))) {
            return false;
        }
        if (port >= 0) {
            boolean fragmentZero = (Bytes.u16(a, l3 + 6) & 0x1fff) == 0;
            if ((proto != 6 && proto != 17) || !fragmentZero || l3len < ihl + 4) {
                return false;
            }
            return Bytes.u16(a, l3 + ihl) == port || Bytes.u16(a, l3 + ihl + 2) == port;
        }
        return true;
    }

    private static String name(int proto) {
        return switch (proto) {
            case 1 -> "icmp";
            case 6 -> "tcp";
            case 17 -> "udp";
            default -> "other";
        };
    }
}
