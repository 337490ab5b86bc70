package org.alpenstack.admin.api.tenant;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.alpenstack.admin.api.AdminBackend;
import org.alpenstack.admin.api.ApiProblem;
import org.alpenstack.admin.api.EachInstance;
import org.alpenstack.admin.api.ClientDirectory;
import org.alpenstack.admin.api.Names;
import org.alpenstack.admin.api.model.ClientInfo;
import org.alpenstack.admin.api.model.ConnectionInfo;
import org.alpenstack.admin.api.model.ImpairmentInfo;
import org.alpenstack.admin.api.model.ImpairmentSpec;
import org.alpenstack.admin.api.model.InstanceEvent;
import org.alpenstack.admin.api.model.InstanceInfo;
import org.alpenstack.admin.api.model.InstancePatch;
import org.alpenstack.admin.api.model.InstanceSpec;
import org.alpenstack.admin.api.model.InterfaceInfo;
import org.alpenstack.admin.api.model.LinkInfo;
import org.alpenstack.admin.api.model.LinkSpec;
import org.alpenstack.admin.api.model.NeighborInfo;
import org.alpenstack.admin.api.model.NeighborSpec;
import org.alpenstack.admin.api.model.RouteInfo;
import org.alpenstack.admin.api.model.RouteSpec;
import org.alpenstack.admin.api.model.StatsInfo;
import org.alpenstack.admin.api.model.TunableInfo;
import org.alpenstack.admin.api.stack.Cidrs;
import org.alpenstack.admin.api.stack.StackViews;
import org.alpenstack.kernel.iface.InterfaceAddress;
import org.alpenstack.kernel.stack.NetStack;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.MacAddress;
import org.alpenstack.link.afpacket.AfPacketConfig;
import org.alpenstack.tenant.Tenant;
import org.alpenstack.tenant.TenantManager;
import org.alpenstack.tenant.config.Cidr;
import org.alpenstack.tenant.config.ConfigException;
import org.alpenstack.tenant.link.FrameTap;
import org.alpenstack.tenant.link.SharedNic;

/**
 * The {@link AdminBackend} of the real server: instances on NIC-attached links (AF_PACKET,
 * TAP) run by tenant-manager's {@link TenantManager}, each on its own Vert.x context.
 * Validation errors of the manager ({@link ConfigException}, naming the field) become 422, or
 * 409 when the field clashes with something that exists.
 *
 * <p>Capture uses the instance's {@link FrameTap} on its NIC attachment (both directions, as
 * tcpdump on the interface). Not available through this backend, and answered 501 rather than
 * faked: "memory" links, and, unless a {@link ClientDirectory} is given, the list of shim
 * clients.
 *
 * <p>Every change through the API is saved before it is answered: the manager reads the
 * instance's running state back into its definition ({@link TenantManager#refresh}) and, with
 * a state directory, writes it atomically, so a restart restores addresses, routes, static
 * neighbours, tunables and impairment as the API left them.
 */
public final class TenantBackend implements AdminBackend {
    private final Vertx vertx;
    private final TenantManager manager;
    /** Addresses added through the API after creation, per instance (the manager knows the spec's only). */
    private final Map<String, Set<Integer>> liveAddresses = new ConcurrentHashMap<>();
    private final List<Consumer<InstanceEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ClientDirectory clients;

    /** Without a client directory: /clients answers 501 and connections carry no pid. */
    public TenantBackend(Vertx vertx, TenantManager manager) {
        this(vertx, manager, null);
    }

    /** @param clients what the shim endpoint knows about attached processes, or null */
    public TenantBackend(Vertx vertx, TenantManager manager, ClientDirectory clients) {
        this.vertx = vertx;
        this.manager = manager;
        this.clients = clients;
    }

    // ------------------------------------------------------------------ errors

    /** A manager ConfigException as the API's problem; {@code strip} is the prefix the manager puts before fields. */
    static ApiProblem problem(Throwable t, String strip) {
        if (t instanceof ApiProblem p) {
            return p;
        }
        if (t instanceof ConfigException c) {
            String field = c.field();
            if (strip != null && field.startsWith(strip)) {
                field = field.substring(strip.length());
            }
            String reason = c.reason();
            if (reason.startsWith("no link named") && field.equals("name")) {
                return ApiProblem.of(404, "Not found", reason);
            }
            if (reason.startsWith("no instance named")) {
                return ApiProblem.of(404, "Not found", reason);
            }
            if (reason.contains("already") || reason.contains("is used by")) {
                return field.equals("name") && reason.contains("is used by")
                        ? ApiProblem.conflict(null, reason) : ApiProblem.conflict("body." + field, reason);
            }
            return ApiProblem.invalid("body." + field, reason);
        }
        if (t instanceof IllegalArgumentException e) {
            return ApiProblem.invalid("body", e.getMessage());
        }
        return t instanceof RuntimeException r ? ApiProblem.of(500, "Internal error", String.valueOf(r.getMessage()))
                : ApiProblem.of(500, "Internal error", String.valueOf(t));
    }

    private static <T> Future<T> mapErrors(Future<T> f, String strip) {
        return f.recover(t -> Future.failedFuture(problem(t, strip)));
    }

    private Tenant tenant(String name) {
        Tenant t = manager.tenant(name);
        if (t == null) {
            throw ApiProblem.notFound("instance", name);
        }
        return t;
    }

    /** Runs {@code f} on the instance's context with its stack. */
    private <T> Future<T> onStack(String name, Function<NetStack, T> f) {
        Tenant t;
        try {
            t = tenant(name);
        } catch (ApiProblem p) {
            return Future.failedFuture(p);
        }
        return mapErrors(t.instance().call(f), null);
    }

    private <T> Future<T> onTenant(String name, java.util.function.BiFunction<Tenant, NetStack, T> f) {
        Tenant t;
        try {
            t = tenant(name);
        } catch (ApiProblem p) {
            return Future.failedFuture(p);
        }
        return mapErrors(t.instance().call(stack -> f.apply(t, stack)), null);
    }

    /**
     * After a change through the API, successful or not: the instance's definition follows what
     * its stack now holds and the state file has it before the answer goes out (a restart
     * restores what the client was told). Then completes like {@code change}.
     */
    private <T> Future<T> saved(String name, Future<T> change) {
        return change.transform(ar -> manager.tenant(name) == null ? Future.succeededFuture()
                : manager.refresh(name).<Void>mapEmpty().otherwiseEmpty()).transform(ignored -> change);
    }

    // ------------------------------------------------------------------ links

    private LinkInfo linkInfo(org.alpenstack.tenant.config.LinkSpec spec) {
        SharedNic nic = manager.link(spec.name());
        List<String> users = new ArrayList<>();
        for (Tenant t : manager.tenants()) {
            if (spec.name().equals(t.spec().link())) {
                users.add(t.name());
            }
        }
        SharedNic.LinkCounters c = nic == null ? new SharedNic.LinkCounters(0, 0, 0, 0, 0) : nic.counters();
        return new LinkInfo(spec.name(), spec.type().name().toLowerCase(Locale.ROOT),
                nic == null ? spec.device() : nic.device(),
                spec.hostAddress() == null ? null : spec.hostAddress().toString(), spec.netns(), "mac",
                nic == null ? 0 : nic.mtu(),
                // What the open port does; the spec's value before it is open.
                org.alpenstack.tenant.config.LinkSpec.receiveName(nic == null ? spec.effectiveReceive() : nic.receive()),
                users, new LinkInfo.LinkCounters(c.rxFrames(), c.rxBytes(), c.txFrames(), c.txBytes(), c.dropped()));
    }

    @Override
    public Future<List<LinkInfo>> listLinks() {
        return Future.succeededFuture(manager.linkSpecs().stream().map(this::linkInfo).toList());
    }

    @Override
    public Future<LinkInfo> createLink(LinkSpec spec) {
        Names.check("body.name", spec.name());
        org.alpenstack.tenant.config.LinkSpec.Type type;
        switch (spec.type()) {
            case "afpacket" -> type = org.alpenstack.tenant.config.LinkSpec.Type.AFPACKET;
            case "tap" -> type = org.alpenstack.tenant.config.LinkSpec.Type.TAP;
            default -> {
                return Future.failedFuture(ApiProblem.notImplemented("link type '" + spec.type()
                        + "' is only in the in-process backend; this server has afpacket and tap links"));
            }
        }
        if (type == org.alpenstack.tenant.config.LinkSpec.Type.AFPACKET && spec.device() == null) {
            return Future.failedFuture(ApiProblem.invalid("body.device", "an afpacket link needs the host NIC's name"));
        }
        if (type == org.alpenstack.tenant.config.LinkSpec.Type.TAP && spec.hostAddress() == null) {
            return Future.failedFuture(ApiProblem.invalid("body.hostAddress", "a tap link needs the host side's address"));
        }
        if (spec.mtu() != null) {
            return Future.failedFuture(ApiProblem.invalid("body.mtu", "this server takes the MTU from the device"));
        }
        if ("ip".equals(spec.mode())) {
            // Each instance chooses its mode; a link has none of its own here.
            return Future.failedFuture(ApiProblem.invalid("body.mode", "choose the mode per instance"));
        }
        AfPacketConfig.Receive receive = null;
        if (spec.receive() != null) {
            // The schema admits only these two; the manager's validator refuses them on a tap link.
            receive = switch (spec.receive()) {
                case "socket" -> AfPacketConfig.Receive.SOCKET;
                case "ring" -> AfPacketConfig.Receive.RING;
                default -> null;
            };
            if (receive == null) {
                return Future.failedFuture(ApiProblem.invalid("body.receive", "must be \"socket\" or \"ring\""));
            }
        }
        String device = spec.device() != null ? spec.device() : spec.name();
        Cidr host = spec.hostAddress() == null ? null : Cidr.parse(spec.hostAddress(), 32);
        org.alpenstack.tenant.config.LinkSpec ls = new org.alpenstack.tenant.config.LinkSpec(spec.name(), type, device,
                host, spec.netns(), receive);
        // Opening a device is a blocking system call: not on an event loop.
        return mapErrors(vertx.executeBlocking(() -> {
            manager.addLink(ls);
            return linkInfo(ls);
        }, false), "links[0].");
    }

    @Override
    public Future<LinkInfo> getLink(String name) {
        for (org.alpenstack.tenant.config.LinkSpec s : manager.linkSpecs()) {
            if (s.name().equals(name)) {
                return Future.succeededFuture(linkInfo(s));
            }
        }
        return Future.failedFuture(ApiProblem.notFound("link", name));
    }

    @Override
    public Future<Void> deleteLink(String name) {
        if (manager.link(name) == null) {
            return Future.failedFuture(ApiProblem.notFound("link", name));
        }
        return mapErrors(vertx.executeBlocking(() -> {
            manager.removeLink(name);
            return null;
        }, false), null);
    }

    // ------------------------------------------------------------------ instances

    private InstanceInfo info(Tenant t, NetStack stack) {
        StackViews.Summary s = StackViews.summary(stack);
        SharedNic nic = manager.link(t.spec().link());
        // Without a client directory the count is left out (null): the server cannot tell.
        Integer attached = clients == null ? null : clients.clients(t.name()).size();
        return new InstanceInfo(t.name(), t.spec().link(), "running", t.spec().mode().name().toLowerCase(Locale.ROOT),
                t.attachment().mac().toString(), s.addresses(), s.gateway(), nic == null ? 0 : nic.mtu(),
                t.startedAt().toString(), attached, s.connections(), s.throughput());
    }

    @Override
    public Future<List<InstanceInfo>> listInstances() {
        List<String> names = new ArrayList<>();
        for (Tenant t : manager.tenants()) {
            names.add(t.name());
        }
        return EachInstance.gather(names, this::getInstance);
    }

    @Override
    public Future<InstanceInfo> getInstance(String name) {
        return onTenant(name, this::info);
    }

    @Override
    public Future<InstanceInfo> createInstance(InstanceSpec spec) {
        org.alpenstack.tenant.config.InstanceSpec ts;
        try {
            Names.check("body.name", spec.name());
            if (spec.link() == null) {
                throw ApiProblem.invalid("body.link", "this server attaches every instance to a link");
            }
            if (spec.mtu() != null) {
                throw ApiProblem.invalid("body.mtu", "this server takes the MTU from the link's device");
            }
            List<Cidr> addrs = new ArrayList<>();
            for (int k = 0; k < spec.addresses().size(); k++) {
                InterfaceAddress a = Cidrs.address("body.addresses[" + k + "]", spec.addresses().get(k));
                addrs.add(new Cidr(a.address(), a.prefixLength()));
            }
            StackViews.checkTunables("body.tunables", spec.tunables());
            MacAddress mac = spec.mac() == null ? null : MacAddress.parse(spec.mac());
            if (mac != null && (mac.isMulticast() || mac.bits() == 0)) {
                throw ApiProblem.invalid("body.mac", "not a unicast MAC address");
            }
            for (Tenant other : manager.tenants()) {
                Set<Integer> live = liveAddresses.getOrDefault(other.name(), Set.of());
                for (int k = 0; k < addrs.size(); k++) {
                    if (other.spec().link().equals(spec.link()) && live.contains(addrs.get(k).address())) {
                        throw ApiProblem.conflict("body.addresses[" + k + "]", addrs.get(k) + " is used by instance " + other.name());
                    }
                }
            }
            org.alpenstack.tenant.config.InstanceSpec.Mode mode = "ip".equals(spec.mode())
                    ? org.alpenstack.tenant.config.InstanceSpec.Mode.IP : org.alpenstack.tenant.config.InstanceSpec.Mode.MAC;
            int gateway = spec.gateway() == null ? 0 : Ipv4Address.parse(spec.gateway());
            // The tunables are part of the definition, so the state file never holds the
            // instance without them.
            ts = new org.alpenstack.tenant.config.InstanceSpec(spec.name(), spec.link(), mac, mode, addrs, List.of(),
                    gateway, List.of(), 0, List.of(), spec.tunables(), null);
        } catch (ApiProblem p) {
            return Future.failedFuture(p);
        }
        return mapErrors(manager.createInstance(ts), null).compose(t -> mapErrors(t.instance().call(stack -> info(t, stack)), null)).onSuccess(info -> fire(new InstanceEvent("instanceCreated", info.name(), info)));
    }

    @Override
    public Future<InstanceInfo> patchInstance(String name, InstancePatch patch) {
        List<InterfaceAddress> wanted = null;
        try {
            if (patch.addresses() != null) {
                wanted = new ArrayList<>();
                for (int k = 0; k < patch.addresses().size(); k++) {
                    wanted.add(Cidrs.address("body.addresses[" + k + "]", patch.addresses().get(k)));
                }
                checkAddressFree(name, wanted, "body.addresses");
            }
            if (patch.tunables() != null) {
                StackViews.checkTunables("body.tunables", patch.tunables());
            }
        } catch (ApiProblem p) {
            return Future.failedFuture(p);
        }
        List<InterfaceAddress> target = wanted;
        return saved(name, onTenant(name, (t, stack) -> {
            if (target != null) {
                try {
                    StackViews.replaceAddresses(stack, "eth0", target);
                } finally {
                    liveAddresses.put(name, StackViews.addressSet(stack, "eth0"));
                }
            }
            if (patch.gatewayGiven()) {
                if (patch.gateway() == null) {
                    stack.routes().delete(0, 0, -1);
                } else {
                    StackViews.errno("body.gateway", stack.setDefaultGateway(Ipv4Address.parse(patch.gateway())));
                }
            }
            if (patch.tunables() != null) {
                StackViews.applyTunables(stack, patch.tunables());
            }
            return info(t, stack);
        }));
    }

    /** The manager checks conflicts against definitions; addresses added later are checked here. */
    private void checkAddressFree(String self, List<InterfaceAddress> addresses, String field) {
        Tenant me = tenant(self);
        for (Tenant other : manager.tenants()) {
            if (other.name().equals(self) || !other.spec().link().equals(me.spec().link())) {
                continue;
            }
            Set<Integer> used = new HashSet<>(liveAddresses.getOrDefault(other.name(), Set.of()));
            for (Cidr c : other.spec().addresses()) {
                used.add(c.address());
            }
            for (int k = 0; k < addresses.size(); k++) {
                if (used.contains(addresses.get(k).address())) {
                    String f = addresses.size() == 1 && field.equals("body.address") ? field : field + "[" + k + "]";
                    throw ApiProblem.conflict(f, Ipv4Address.toString(addresses.get(k).address())
                            + " is used by instance '" + other.name() + "'");
                }
            }
        }
    }

    @Override
    public Future<Void> deleteInstance(String name) {
        if (manager.tenant(name) == null) {
            return Future.failedFuture(ApiProblem.notFound("instance", name));
        }
        return mapErrors(manager.deleteInstance(name), null).onSuccess(v -> {
            liveAddresses.remove(name);
            fire(new InstanceEvent("instanceDeleted", name, null));
        });
    }

    private void fire(InstanceEvent e) {
        for (Consumer<InstanceEvent> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ignored) {
                // a listener's bug must not fail the request that caused the event
            }
        }
    }

    @Override
    public AutoCloseable onInstanceEvent(Consumer<InstanceEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    // ------------------------------------------------------------------ per-instance views

    @Override
    public Future<List<InterfaceInfo>> listInterfaces(String instance) {
        return onStack(instance, StackViews::interfaces);
    }

    @Override
    public Future<InterfaceInfo> addAddress(String instance, String iface, String cidr) {
        InterfaceAddress a;
        try {
            a = Cidrs.address("body.address", cidr);
            checkAddressFree(instance, List.of(a), "body.address");
        } catch (ApiProblem p) {
            return Future.failedFuture(p);
        }
        return saved(instance, onStack(instance, stack -> {
            try {
                return StackViews.addAddress(stack, iface, a);
            } finally {
                liveAddresses.put(instance, StackViews.addressSet(stack, "eth0"));
            }
        }));
    }

    @Override
    public Future<Void> removeAddress(String instance, String iface, String address) {
        return saved(instance, onStack(instance, stack -> {
            StackViews.removeAddress(stack, iface, address);
            liveAddresses.put(instance, StackViews.addressSet(stack, "eth0"));
            return null;
        }));
    }

    @Override
    public Future<List<RouteInfo>> listRoutes(String instance) {
        return onStack(instance, StackViews::routes);
    }

    @Override
    public Future<RouteInfo> addRoute(String instance, RouteSpec spec) {
        return saved(instance, onStack(instance, stack -> StackViews.addRoute(stack, spec)));
    }

    @Override
    public Future<Void> deleteRoute(String instance, String destination, Long metric) {
        return saved(instance, onStack(instance, stack -> {
            StackViews.deleteRoute(stack, destination, metric);
            return null;
        }));
    }

    @Override
    public Future<Integer> flushRoutes(String instance, boolean includeConnected) {
        return saved(instance, onStack(instance, stack -> stack.routes().flush(includeConnected)));
    }

    @Override
    public Future<List<NeighborInfo>> listNeighbors(String instance) {
        return onStack(instance, StackViews::neighbors);
    }

    @Override
    public Future<NeighborInfo> addNeighbor(String instance, NeighborSpec spec) {
        return saved(instance, onStack(instance, stack -> StackViews.addNeighbor(stack, spec)));
    }

    @Override
    public Future<Void> deleteNeighbor(String instance, String address) {
        return saved(instance, onStack(instance, stack -> {
            StackViews.deleteNeighbor(stack, address);
            return null;
        }));
    }

    @Override
    public Future<Integer> flushNeighbors(String instance) {
        return saved(instance, onStack(instance, StackViews::flushNeighbors));
    }

    @Override
    public Future<List<ConnectionInfo>> listConnections(String instance) {
        return onStack(instance, stack -> StackViews.connections(stack,
                clients == null ? id -> null : id -> clients.ownerOf(instance, id)));
    }

    @Override
    public Future<Void> abortConnection(String instance, String connectionId) {
        return onStack(instance, stack -> {
            StackViews.abortConnection(stack, connectionId);
            return null;
        });
    }

    @Override
    public Future<StatsInfo> stats(String instance) {
        return onStack(instance, stack -> StackViews.stats(instance, stack));
    }

    @Override
    public Future<List<TunableInfo>> tunables(String instance) {
        return onStack(instance, StackViews::tunables);
    }

    @Override
    public Future<List<TunableInfo>> patchTunables(String instance, Map<String, Object> values) {
        try {
            StackViews.checkTunables("body", values);
        } catch (ApiProblem p) {
            return Future.failedFuture(p);
        }
        return saved(instance, onStack(instance, stack -> {
            StackViews.applyTunables(stack, values);
            return StackViews.tunables(stack);
        }));
    }

    @Override
    public Future<ImpairmentInfo> impairment(String instance) {
        return onTenant(instance, (t, stack) -> StackViews.impairment(t.faults()));
    }

    @Override
    public Future<ImpairmentInfo> setImpairment(String instance, ImpairmentSpec spec) {
        return saved(instance, onTenant(instance, (t, stack) -> StackViews.setImpairment(instance, t.faults(), spec)));
    }

    @Override
    public Future<List<ClientInfo>> clients(String instance) {
        if (clients != null) {
            return onStack(instance, stack -> clients.clients(instance));
        }
        if (manager.tenant(instance) == null) {
            return Future.failedFuture(ApiProblem.notFound("instance", instance));
        }
        return Future.failedFuture(ApiProblem.notImplemented(
                "no client directory: the shim endpoint is not wired into this server's admin backend"));
    }

    @Override
    public Future<Capture> capture(String instance, FrameSink sink) {
        // pcap wants wall-clock time; the frames are timed with the monotonic clock plus this offset.
        long epochOffset = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
        FrameTap tap = (outbound, a, off, len) -> sink.frame(epochOffset + System.nanoTime(), a, off, len);
        return onTenant(instance, (t, stack) -> {
            t.attachment().addTap(tap);
            return () -> {
                if (!t.instance().isStopped()) {
                    t.instance().submit(() -> t.attachment().removeTap(tap));
                }
            };
        });
    }

    @Override
    public Future<Void> close() {
        return manager.shutdown();
    }
}
