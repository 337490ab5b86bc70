package org.alpenstack.kernel.ip;

import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.MacAddress;

/** An immutable view of one neighbour cache entry ({@code ip neigh show}). */
public record NeighborEntry(int interfaceIndex, int address, MacAddress mac, NeighborState state, int pending) {
    @Override
    public String toString() {
        return Ipv4Address.toString(address) + " dev#" + interfaceIndex + " lladdr " + mac + " " + state
                + (pending > 0 ? " pending " + pending : "");
    }
}
