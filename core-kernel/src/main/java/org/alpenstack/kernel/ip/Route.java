package org.alpenstack.kernel.ip;

import org.alpenstack.kernel.wire.Ipv4Address;

/**
 * One entry of the routing table ({@code ip route}): packets to {@code destination/prefixLength}
 * leave through interface {@code interfaceIndex}, to {@code gateway} (0 = on-link, the
 * destination itself is the next hop).
 *
 * @param preferredSource the source address to use ({@code src} in iproute2), 0 = choose
 * @param mtu the route's MTU ({@code mtu} in iproute2), 0 = the interface's
 * @param connected added by the stack with an interface address ("proto kernel scope link")
 */
public record Route(int destination, int prefixLength, int gateway, int interfaceIndex, int metric,
                    int preferredSource, int mtu, boolean connected) {
    public Route {
        int m = Ipv4Address.mask(prefixLength);
        if ((destination & m) != destination) {
            throw new IllegalArgumentException("destination " + Ipv4Address.toString(destination)
                    + " has host bits set for /" + prefixLength);
        }
        if (metric < 0) {
            throw new IllegalArgumentException("metric must not be negative");
        }
        if (mtu != 0 && mtu < 68) {
            throw new IllegalArgumentException("route MTU " + mtu + " is below 68");
        }
    }

    public boolean matches(int address) {
        return (address & Ipv4Address.mask(prefixLength)) == destination;
    }

    public boolean isDefault() {
        return prefixLength == 0;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(isDefault() ? "default" : Ipv4Address.toString(destination) + "/" + prefixLength);
        if (gateway != 0) {
            sb.append(" via ").append(Ipv4Address.toString(gateway));
        }
        sb.append(" dev#").append(interfaceIndex);
        if (connected) {
            sb.append(" proto kernel scope link");
        }
        if (preferredSource != 0) {
            sb.append(" src ").append(Ipv4Address.toString(preferredSource));
        }
        if (metric != 0) {
            sb.append(" metric ").append(metric);
        }
        if (mtu != 0) {
            sb.append(" mtu ").append(mtu);
        }
        return sb.toString();
    }
}
