package org.alpenstack.tenant.config;

import java.util.List;

/** What the server runs: links and the instances on them. */
public record TenantConfig(List<LinkSpec> links, List<InstanceSpec> instances) {
    public TenantConfig {
        links = List.copyOf(links);
        instances = List.copyOf(instances);
    }
}
