package org.alpenstack.admin.api.model;

import java.util.List;
import java.util.Map;

/** POST /instances: everything but {@code name} is optional. */
public record InstanceSpec(String name, String link, List<String> addresses, String gateway, String mode, String mac,
                           Integer mtu, Map<String, Object> tunables) {
    public InstanceSpec {
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        tunables = tunables == null ? Map.of() : Map.copyOf(tunables);
    }
}
