package org.alpenstack.tenant;

import java.time.Instant;
import java.util.List;
import org.alpenstack.kernel.link.FaultInjector;
import org.alpenstack.tenant.config.InstanceSpec;
import org.alpenstack.tenant.link.NicAttachment;
import org.alpenstack.tenant.service.InstanceService;

/**
 * A running instance as the manager keeps it: its definition, the instance, its place on its
 * link, and its services (which live on the instance's context).
 */
public final class Tenant {
    private volatile InstanceSpec spec;
    /** The context-order stamp of the state {@link #spec} was read from (manager's monitor). */
    private long specStamp;
    private final StackInstance instance;
    private final NicAttachment attachment;
    private final FaultInjector faults;
    private final List<InstanceService> services;
    private final Instant startedAt = Instant.now();

    Tenant(InstanceSpec spec, StackInstance instance, NicAttachment attachment, FaultInjector faults,
            List<InstanceService> services) {
        this.faults = faults;
        this.spec = spec;
        this.instance = instance;
        this.attachment = attachment;
        this.services = List.copyOf(services);
    }

    public String name() {
        return spec.name();
    }

    /** The definition: as created, then as last saved from the running instance (see {@link TenantManager#refresh}). */
    public InstanceSpec spec() {
        return spec;
    }

    /** Under the manager's monitor: takes {@code s}, read at {@code stamp}, unless a later reading was taken already. */
    boolean updateSpec(InstanceSpec s, long stamp) {
        if (stamp <= specStamp) {
            return false;
        }
        specStamp = stamp;
        spec = s;
        return true;
    }

    public StackInstance instance() {
        return instance;
    }

    public NicAttachment attachment() {
        return attachment;
    }

    /** When this instance started (in this process: a restored instance starts anew). */
    public Instant startedAt() {
        return startedAt;
    }

    /** The fault injector between the link and the stack: only on the instance's context. */
    public FaultInjector faults() {
        return faults;
    }

    /** The services; their counters are read on the instance's context ({@link StackInstance#query}). */
    public List<InstanceService> services() {
        return services;
    }
}
