package org.alpenstack.tenant;

import java.util.List;
import org.alpenstack.tenant.config.InstanceSpec;
import org.alpenstack.tenant.link.NicAttachment;
import org.alpenstack.tenant.service.InstanceService;

/**
 * A running instance as the manager keeps it: its definition, the instance, its place on its
 * link, and its services (which live on the instance's context).
 */
public final class Tenant {
    private final InstanceSpec spec;
    private final StackInstance instance;
    private final NicAttachment attachment;
    private final List<InstanceService> services;

    Tenant(InstanceSpec spec, StackInstance instance, NicAttachment attachment, List<InstanceService> services) {
        this.spec = spec;
        this.instance = instance;
        this.attachment = attachment;
        this.services = List.copyOf(services);
    }

    public String name() {
        return spec.name();
    }

    public InstanceSpec spec() {
        return spec;
    }

    public StackInstance instance() {
        return instance;
    }

    public NicAttachment attachment() {
        return attachment;
    }

    /** The services; their counters are read on the instance's context ({@link StackInstance#query}). */
    public List<InstanceService> services() {
        return services;
    }
}
