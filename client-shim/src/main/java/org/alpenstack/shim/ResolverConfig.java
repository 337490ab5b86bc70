package org.alpenstack.shim;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * How programs attached to a tenant resolve names: the tenant's own hosts entries, then DNS
 * servers reached through the tenant's stack. glibc's resolver sends from inside libc where
 * no preload reaches, so the shim answers getaddrinfo itself with this configuration.
 *
 * @param nameservers IPv4 addresses (as ints) of DNS servers, asked in order over the tenant's UDP
 * @param hosts       name to IPv4 address, like /etc/hosts, matched case-insensitively
 */
public record ResolverConfig(List<Integer> nameservers, Map<String, Integer> hosts) {
    public static final ResolverConfig NONE = new ResolverConfig(List.of(), Map.of());
    static final int MAX_NAMESERVERS = 8;
    static final int MAX_NAME = 253;

    public ResolverConfig {
        nameservers = List.copyOf(nameservers);
        hosts = Map.copyOf(hosts);
        if (nameservers.size() > MAX_NAMESERVERS) {
            throw new IllegalArgumentException("at most " + MAX_NAMESERVERS + " nameservers");
        }
        for (String name : hosts.keySet()) {
            if (name.isEmpty() || name.getBytes(StandardCharsets.US_ASCII).length > MAX_NAME) {
                throw new IllegalArgumentException("bad host name: " + name);
            }
        }
    }
}
