package org.alpenstack.tenant;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.alpenstack.kernel.ip.Route;
import org.alpenstack.kernel.link.FaultInjector;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.MacAddress;
import org.alpenstack.link.afpacket.NetDevice;
import org.alpenstack.link.afpacket.NetNamespace;
import org.alpenstack.link.afpacket.sys.NativeException;
import org.alpenstack.tenant.config.Cidr;
import org.alpenstack.tenant.config.ConfigException;
import org.alpenstack.tenant.config.ConfigValidator;
import org.alpenstack.tenant.config.InstanceSpec;
import org.alpenstack.tenant.config.LinkSpec;
import org.alpenstack.tenant.config.TenantConfig;
import org.alpenstack.tenant.link.NicAttachment;
import org.alpenstack.tenant.link.SharedNic;
import org.alpenstack.tenant.service.InstanceService;
import org.alpenstack.tenant.service.Services;

/**
 * Creates and destroys links and instances at run time. Every change is validated first (the
 * whole config, against what already runs, and against the host: devices and namespaces must
 * exist); a change that fails half-way is rolled back, so a bad request changes nothing and the
 * server never half-starts.
 *
 * <p>Thread-safe: changes are serialised by the manager's monitor for the bookkeeping, while the
 * instances' own work runs on their contexts.
 */
public final class TenantManager {
    private static final Logger LOG = Logger.getLogger("alpenstack.tenants");

    private final Vertx vertx;
    private final Map<String, LinkEntry> links = new LinkedHashMap<>();
    private final Map<String, Tenant> tenants = new LinkedHashMap<>();
    /** Names being created: reserved so that two concurrent creates cannot both pass validation. */
    private final Map<String, InstanceSpec> pending = new LinkedHashMap<>();

    private record LinkEntry(LinkSpec spec, SharedNic nic) {
    }

    private volatile StateStore state;
    private final List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Told when an instance has started and before it stops, so layers above the manager (the
     * shim's endpoints) can attach to it without the manager knowing them.
     */
    public interface Listener {
        /** The instance is configured and running; called on no particular thread. */
        default void started(Tenant tenant) {
        }

        /** The instance is about to stop; called before its context goes away. */
        default void stopping(Tenant tenant) {
        }
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    public TenantManager(Vertx vertx) {
        this.vertx = vertx;
    }

    public Vertx vertx() {
        return vertx;
    }

    /** From now on every change is written to {@code store} (and once right away). */
    public void persistTo(StateStore store) {
        this.state = store;
        persist();
    }

    /** What runs now, as a config (what the state directory holds). */
    public synchronized TenantConfig currentConfig() {
        return new TenantConfig(linkSpecs(), instanceSpecs());
    }

    /**
     * Saves what runs now. Under the monitor, so that two saves cannot overtake each other and
     * leave an older picture on disk.
     */
    private synchronized void persist() {
        StateStore s = state;
        if (s == null) {
            return;
        }
        try {
            s.save(currentConfig());
        } catch (java.io.IOException e) {
            LOG.warning("event=state-write-failed file=" + s.file() + " error=" + e.getMessage());
        }
    }

    /**
     * Reads what instance {@code name} runs with now (addresses, routes, static neighbours,
     * TCP tunables, impairment: whatever the API changed) into its definition and saves the
     * state; completes when the state file holds it. Any thread.
     */
    public Future<InstanceSpec> refresh(String name) {
        Tenant t = tenant(name);
        if (t == null) {
            return Future.failedFuture(new ConfigException("name", "no instance named '" + name + "'"));
        }
        return t.instance().call(stack -> {
            InstanceSpec s = RunningState.capture(t.spec(), stack, t.faults());
            // Stamped on the context, so the stamps follow the order in which the stack changed.
            return new Object[] {s, stampCounter.incrementAndGet()};
        }).map(r -> {
            InstanceSpec s = (InstanceSpec) r[0];
            synchronized (this) {
                if (tenants.get(name) == t && t.updateSpec(s, (Long) r[1])) {
                    if (s.mode() == InstanceSpec.Mode.IP) {
                        // IP mode is demultiplexed by address: the NIC learns the instance's new ones.
                        int[] addrs = s.addresses().stream().mapToInt(Cidr::address).toArray();
                        try {
                            t.attachment().nic().setAddresses(t.attachment(), addrs);
                        } catch (IllegalArgumentException e) {
                            LOG.warning("event=address-conflict instance=" + name + " error=" + e.getMessage());
                        }
                    }
                    persist();
                }
            }
            return t.spec();
        });
    }

    private final java.util.concurrent.atomic.AtomicLong stampCounter = new java.util.concurrent.atomic.AtomicLong();

    // ------------------------------------------------------------------ whole configurations

    /**
     * Validates {@code config} against what runs and against the host, then opens its links and
     * starts its instances. On any failure everything this call started is stopped again and
     * the future fails with the cause (a {@link ConfigException} for bad input).
     */
    public Future<Void> apply(TenantConfig config) {
        List<SharedNic> opened = new ArrayList<>();
        try {
            synchronized (this) {
                ConfigValidator.validate(config, linkSpecs(), instanceSpecs());
                checkHost(config);
                for (int i = 0; i < config.links().size(); i++) {
                    LinkSpec l = config.links().get(i);
                    SharedNic nic = open(l, "links[" + i + "]");
                    opened.add(nic);
                    links.put(l.name(), new LinkEntry(l, nic));
                }
            }
        } catch (RuntimeException e) {
            rollbackLinks(opened);
            return Future.failedFuture(e);
        }
        Future<Void> chain = Future.succeededFuture();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < config.instances().size(); i++) {
            InstanceSpec s = config.instances().get(i);
            String at = "instances[" + i + "]";
            chain = chain.compose(v -> createChecked(s, at).map(t -> {
                created.add(t.name());
                return null;
            }));
        }
        return chain.andThen(ar -> {
            if (ar.succeeded()) {
                persist();
            }
        }).recover(err -> {
            Future<Void> undo = Future.succeededFuture();
            for (String n : created) {
                undo = undo.compose(v -> destroyInstance(n).recover(e -> Future.succeededFuture()));
            }
            return undo.compose(v -> {
                rollbackLinks(opened);
                return Future.failedFuture(err);
            });
        });
    }

    private void rollbackLinks(List<SharedNic> opened) {
        synchronized (this) {
            for (SharedNic nic : opened) {
                links.remove(nic.name());
                nic.close();
            }
        }
    }

    /** Checks what the host must provide: namespaces, devices, and MACs not clashing with the devices'. */
    private void checkHost(TenantConfig config) {
        Map<String, MacAddress> deviceMacs = new LinkedHashMap<>();
        for (int i = 0; i < config.links().size(); i++) {
            LinkSpec l = config.links().get(i);
            String at = "links[" + i + "]";
            if (l.netns() != null && !new File("/var/run/netns/" + l.netns()).exists()) {
                throw new ConfigException(at + ".netns", "no network namespace named '" + l.netns() + "' (ip netns list)");
            }
            if (l.type() == LinkSpec.Type.AFPACKET) {
                try {
                    deviceMacs.put(l.name(), inNamespace(l.netns(), () -> NetDevice.macOf(l.device())));
                } catch (NativeException e) {
                    throw new ConfigException(at + ".device", "no network device '" + l.device() + "'"
                            + (l.netns() == null ? "" : " in namespace " + l.netns()) + " (" + e.getMessage() + ")");
                }
            }
        }
        for (LinkEntry e : links.values()) {
            deviceMacs.put(e.spec().name(), e.nic().mac());
        }
        for (int i = 0; i < config.instances().size(); i++) {
            InstanceSpec s = config.instances().get(i);
            MacAddress dev = deviceMacs.get(s.link());
            if (s.mode() == InstanceSpec.Mode.MAC && dev != null && dev.equals(s.effectiveMac())) {
                throw new ConfigException("instances[" + i + "].mac", s.effectiveMac() + " is the MAC of link " + s.link()
                        + "'s device; use IP mode to share it");
            }
        }
    }

    private static <T> T inNamespace(String netns, java.util.concurrent.Callable<T> body) {
        if (netns == null) {
            try {
                return body.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return NetNamespace.call(netns, body);
    }

    private SharedNic open(LinkSpec l, String at) {
        try {
            SharedNic nic = switch (l.type()) {
                case AFPACKET -> SharedNic.openAfPacket(l.name(), l.device(), l.netns(), l.effectiveReceive());
                case TAP -> SharedNic.openTap(l.name(), l.device(), l.hostAddress().address(), l.hostAddress().prefixLength(),
                        l.netns());
            };
            LOG.info("event=link-opened link=" + l.name() + " type=" + l.type().name().toLowerCase() + " device=" + nic.device()
                    + (l.netns() == null ? "" : " netns=" + l.netns()) + " mac=" + nic.mac() + " mtu=" + nic.mtu()
                    + (l.type() == LinkSpec.Type.AFPACKET ? " receive=" + LinkSpec.receiveName(l.effectiveReceive()) : "")
                    + (l.hostAddress() == null ? "" : " host=" + l.hostAddress()));
            return nic;
        } catch (NativeException e) {
            throw new ConfigException(at, "cannot open " + l.type().name().toLowerCase() + " device '" + l.device() + "': "
                    + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ links

    /** Opens one link (validated like a config with just this link). */
    public synchronized SharedNic addLink(LinkSpec spec) {
        TenantConfig c = new TenantConfig(List.of(spec), List.of());
        ConfigValidator.validate(c, linkSpecs(), instanceSpecs());
        checkHost(c);
        SharedNic nic = open(spec, "links[0]");
        links.put(spec.name(), new LinkEntry(spec, nic));
        persist();
        return nic;
    }

    /** Closes a link that no instance uses any more. */
    public synchronized void removeLink(String name) {
        LinkEntry e = links.get(name);
        if (e == null) {
            throw new ConfigException("name", "no link named '" + name + "'");
        }
        for (Tenant t : tenants.values()) {
            if (t.spec().link().equals(name)) {
                throw new ConfigException("name", "link '" + name + "' is used by instance " + t.name());
            }
        }
        for (InstanceSpec p : pending.values()) {
            if (p.link().equals(name)) {
                throw new ConfigException("name", "link '" + name + "' is used by instance " + p.name());
            }
        }
        links.remove(name);
        e.nic().close();
        LOG.info("event=link-closed link=" + name);
        persist();
    }

    public synchronized List<LinkSpec> linkSpecs() {
        List<LinkSpec> out = new ArrayList<>();
        for (LinkEntry e : links.values()) {
            out.add(e.spec());
        }
        return out;
    }

    public synchronized SharedNic link(String name) {
        LinkEntry e = links.get(name);
        return e == null ? null : e.nic();
    }

    // ------------------------------------------------------------------ instances

    /** Validates {@code spec} against what runs and starts it; field names in errors are relative to the spec. */
    public Future<Tenant> createInstance(InstanceSpec spec) {
        return createChecked(spec, "instances[0]").andThen(ar -> {
            if (ar.succeeded()) {
                persist();
            }
        }).recover(e -> {
            if (e instanceof ConfigException c && c.field().startsWith("instances[0].")) {
                return Future.failedFuture(new ConfigException(c.field().substring("instances[0].".length()), c.reason()));
            }
            return Future.failedFuture(e);
        });
    }

    private Future<Tenant> createChecked(InstanceSpec spec, String at) {
        SharedNic nic;
        try {
            synchronized (this) {
                List<InstanceSpec> existing = instanceSpecs();
                existing.addAll(pending.values());
                TenantConfig c = new TenantConfig(List.of(), List.of(spec));
                try {
                    ConfigValidator.validate(c, linkSpecs(), existing);
                } catch (ConfigException e) {
                    throw new ConfigException(at + e.field().substring("instances[0]".length()), e.reason());
                }
                LinkEntry link = links.get(spec.link());
                nic = link.nic();
                if (spec.mode() == InstanceSpec.Mode.MAC && nic.mac().equals(spec.effectiveMac())) {
                    throw new ConfigException(at + ".mac", spec.effectiveMac() + " is the MAC of link " + spec.link() + "'s device");
                }
                pending.put(spec.name(), spec);
            }
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        return StackInstance.start(vertx, spec.name()).compose(inst -> inst.call(stack -> configure(inst, nic, spec))
                .recover(err -> inst.stop().compose(v -> Future.<Tenant>failedFuture(err))))
                .andThen(ar -> {
                    synchronized (this) {
                        pending.remove(spec.name());
                        if (ar.succeeded()) {
                            tenants.put(spec.name(), ar.result());
                        }
                    }
                    if (ar.succeeded()) {
                        for (Listener l : listeners) {
                            l.started(ar.result());
                        }
                        LOG.info("event=instance-started instance=" + spec.name() + " link=" + spec.link() + " mode="
                                + spec.mode().name().toLowerCase() + " mac=" + ar.result().attachment().mac() + " addresses="
                                + spec.addresses() + " services=" + spec.services()
                                + (spec.lossPercent() > 0 ? " loss=" + spec.lossPercent() + "%" : ""));
                    } else {
                        LOG.warning("event=instance-failed instance=" + spec.name() + " error=" + ar.cause().getMessage());
                    }
                });
    }

    /** On the new instance's context: interface, addresses, routes, services. */
    private static Tenant configure(StackInstance inst, SharedNic nic, InstanceSpec spec) {
        var stack = inst.stack();
        int[] addrs = new int[spec.addresses().size()];
        for (int i = 0; i < addrs.length; i++) {
            addrs[i] = spec.addresses().get(i).address();
        }
        boolean ipMode = spec.mode() == InstanceSpec.Mode.IP;
        NicAttachment att = nic.attach(inst, spec.effectiveMac(), ipMode, addrs);
        try {
            FaultInjector faults = inst.addInterface("eth0", att, att.mac());
            for (Cidr c : spec.addresses()) {
                check(stack.addAddress("eth0", c.address(), c.prefixLength()), "address " + c);
            }
            int eth0 = stack.iface("eth0").index();
            for (InstanceSpec.RouteSpec r : spec.routes()) {
                Route route = new Route(r.destination().network(), r.destination().prefixLength(), r.gateway(),
                        r.gateway() == 0 ? eth0 : 0, r.metric(), 0, 0, false);
                check(stack.addRoute(route), "route " + r.destination());
            }
            if (spec.gateway() != 0) {
                check(stack.setDefaultGateway(spec.gateway()), "gateway " + Ipv4Address.toString(spec.gateway()));
            }
            RunningState.applyExtras(spec, stack, faults);
            List<InstanceService> services = Services.start(inst, spec.services());
            return new Tenant(spec, inst, att, faults, services);
        } catch (RuntimeException e) {
            att.detach();
            throw e;
        }
    }

    private static void check(int r, String what) {
        if (r < 0) {
            throw new IllegalStateException(what + ": " + org.alpenstack.kernel.socket.Errno.name(-r));
        }
    }

    /** Stops an instance: its services and sockets close, it leaves its link. */
    public Future<Void> destroyInstance(String name) {
        Tenant t;
        synchronized (this) {
            t = tenants.remove(name);
        }
        if (t == null) {
            return Future.failedFuture(new ConfigException("name", "no instance named '" + name + "'"));
        }
        for (Listener l : listeners) {
            l.stopping(t);
        }
        return t.instance().stop().andThen(ar -> LOG.info("event=instance-stopped instance=" + name));
    }

    /** Stops an instance at an API's request and forgets its definition (the state file too). */
    public Future<Void> deleteInstance(String name) {
        return destroyInstance(name).andThen(ar -> persist());
    }

    public synchronized List<Tenant> tenants() {
        return List.copyOf(tenants.values());
    }

    public synchronized Tenant tenant(String name) {
        return tenants.get(name);
    }

    public synchronized List<InstanceSpec> instanceSpecs() {
        List<InstanceSpec> out = new ArrayList<>();
        for (Tenant t : tenants.values()) {
            out.add(t.spec());
        }
        return out;
    }

    /** Stops every instance, then closes every link (TAP devices disappear, filters and memberships go). */
    public Future<Void> shutdown() {
        List<Tenant> all;
        synchronized (this) {
            all = List.copyOf(tenants.values());
        }
        List<Future<Void>> stops = new ArrayList<>();
        for (Tenant t : all) {
            stops.add(destroyInstance(t.name()).recover(e -> Future.succeededFuture()));
        }
        return Future.join(stops).transform(ar -> {
            synchronized (this) {
                for (LinkEntry e : links.values()) {
                    e.nic().close();
                    LOG.info("event=link-closed link=" + e.spec().name());
                }
                links.clear();
            }
            return Future.succeededFuture();
        });
    }
}
