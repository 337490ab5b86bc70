package org.alpenstack.admin.api.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One neighbour cache entry, as {@code ip neigh} shows it. */
public record NeighborInfo(String address, String mac, String state, @JsonProperty("interface") String iface) {
}
