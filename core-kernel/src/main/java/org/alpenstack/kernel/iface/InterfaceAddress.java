package org.alpenstack.kernel.iface;

import org.alpenstack.kernel.wire.Ipv4Address;

/** One IPv4 address of an interface with its prefix length ({@code ip addr add 10.0.0.1/24}). */
public record InterfaceAddress(int address, int prefixLength) {
    public InterfaceAddress {
        Ipv4Address.mask(prefixLength); // validates 0..32
    }

    public int mask() {
        return Ipv4Address.mask(prefixLength);
    }

    public int network() {
        return address & mask();
    }

    /**
     * The directed broadcast address of the subnet (RFC 919, RFC 1122 3.2.1.3), or 0 for /31 and
     * /32 which have none (RFC 3021).
     */
    public int broadcast() {
        return prefixLength >= 31 ? 0 : address | ~mask();
    }

    public boolean contains(int a) {
        return Ipv4Address.inSubnet(a, address, prefixLength);
    }

    @Override
    public String toString() {
        return Ipv4Address.toString(address) + "/" + prefixLength;
    }
}
