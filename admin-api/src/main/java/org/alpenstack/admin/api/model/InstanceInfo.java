package org.alpenstack.admin.api.model;

import java.util.List;
import java.util.Map;

/** An instance with the summary the dashboard's overview shows. */
public record InstanceInfo(String name, String link, String state, String mode, String mac, List<String> addresses,
                           String gateway, int mtu, String createdAt, Integer clients, Map<String, Integer> connections,
                           Throughput throughput) {
    public InstanceInfo {
        addresses = List.copyOf(addresses);
        connections = Map.copyOf(connections);
    }

    /** Totals since the instance started; rates are differences of samples. */
    public record Throughput(long rxBytes, long txBytes, long rxPackets, long txPackets) {
    }
}
