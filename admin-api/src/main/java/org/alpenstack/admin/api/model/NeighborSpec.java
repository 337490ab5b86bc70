package org.alpenstack.admin.api.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** POST /neighbors: a static (permanent) entry. */
public record NeighborSpec(String address, String mac, @JsonProperty("interface") String iface) {
}
