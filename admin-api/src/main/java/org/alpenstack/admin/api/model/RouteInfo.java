package org.alpenstack.admin.api.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One route, as {@code ip route} shows it; {@code id} names it in DELETE .../routes/{id}. */
public record RouteInfo(String id, String destination, String gateway, @JsonProperty("interface") String iface,
                        String source, long metric, boolean connected) {
}
