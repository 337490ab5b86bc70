package org.alpenstack.admin.api;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.alpenstack.admin.api.model.ConnectionInfo;
import org.alpenstack.admin.api.model.InstanceInfo;
import org.alpenstack.admin.api.model.StatsInfo;

/**
 * The Prometheus text exposition format (version 0.0.4): one HELP and TYPE line per metric
 * family, then one sample per instance and label set. Families are collected first because the
 * format wants all samples of a family together.
 */
final class PrometheusText {
    private final Map<String, Family> families = new TreeMap<>();

    private record Family(String type, String help, StringBuilder samples) {
    }

    void instance(InstanceInfo i, StatsInfo s, List<ConnectionInfo> connections) {
        String inst = "instance=\"" + escape(i.name()) + "\"";
        sample("alpenstack_packets_total", "counter", "Ethernet frames by direction",
                inst + ",direction=\"in\"", i.throughput().rxPackets());
        sample("alpenstack_packets_total", "counter", "Ethernet frames by direction",
                inst + ",direction=\"out\"", i.throughput().txPackets());
        sample("alpenstack_bytes_total", "counter", "Ethernet octets by direction",
                inst + ",direction=\"in\"", i.throughput().rxBytes());
        sample("alpenstack_bytes_total", "counter", "Ethernet octets by direction",
                inst + ",direction=\"out\"", i.throughput().txBytes());
        for (Map.Entry<String, Long> e : s.drops().entrySet()) {
            sample("alpenstack_drops_total", "counter", "packets dropped, by reason",
                    inst + ",reason=\"" + escape(e.getKey()) + "\"", e.getValue());
        }
        sample("alpenstack_drops_all_total", "counter", "packets dropped, all reasons", inst, s.totalDrops());
        for (Map.Entry<String, Long> e : s.counters().entrySet()) {
            sample("alpenstack_stack_counter_total", "counter", "IP/ICMP/UDP/ARP counters (netstat -s)",
                    inst + ",counter=\"" + escape(e.getKey()) + "\"", e.getValue());
        }
        Long retrans = s.tcp().get("retransmittedSegments");
        sample("alpenstack_tcp_retransmits_total", "counter", "retransmitted TCP segments", inst,
                retrans == null ? 0 : retrans);
        Map<String, Integer> byState = new TreeMap<>();
        for (ConnectionInfo c : connections) {
            byState.merge(c.protocol() + "\"," + "state=\"" + c.state(), 1, Integer::sum);
        }
        for (Map.Entry<String, Integer> e : byState.entrySet()) {
            sample("alpenstack_connections", "gauge", "sockets by protocol and state",
                    inst + ",protocol=\"" + e.getKey() + "\"", e.getValue());
        }
        // Absent when the server cannot tell (no shim endpoint wired in): no sample rather than a false 0.
        if (i.clients() != null) {
            sample("alpenstack_clients", "gauge", "processes attached through the shim", inst, i.clients());
        }
    }

    private void sample(String metric, String type, String help, String labels, long value) {
        families.computeIfAbsent(metric, k -> new Family(type, help, new StringBuilder()))
                .samples.append(metric).append('{').append(labels).append("} ").append(value).append('\n');
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        families.forEach((name, f) -> b.append("# HELP ").append(name).append(' ').append(f.help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(f.type).append('\n').append(f.samples));
        return b.toString();
    }
}
