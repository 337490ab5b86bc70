package org.alpenstack.admin.api.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** POST /routes: destination is a.b.c.d/len or "default". */
public record RouteSpec(String destination, String gateway, @JsonProperty("interface") String iface, Long metric) {
}
