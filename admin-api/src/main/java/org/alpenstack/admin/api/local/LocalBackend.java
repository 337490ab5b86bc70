package org.alpenstack.admin.api.local;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.alpenstack.admin.api.AdminBackend;
import org.alpenstack.admin.api.ApiProblem;
import org.alpenstack.admin.api.EachInstance;
import org.alpenstack.admin.api.Names;
import org.alpenstack.admin.api.stack.Cidrs;
import org.alpenstack.admin.api.stack.StackViews;
import java.util.Set;
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
import org.alpenstack.kernel.iface.InterfaceAddress;
import org.alpenstack.kernel.link.FaultInjector;
import org.alpenstack.kernel.link.SwitchPort;
import org.alpenstack.kernel.stack.NetStack;
import org.alpenstack.kernel.tcp.TcpLayer;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.MacAddress;

/**
 * An {@link AdminBackend} that runs real core-kernel stacks (IPv4, ARP, ICMP, UDP, TCP) inside
 * this process, on Vert.x contexts, connected by in-memory switches ("memory" links). It is
 * the backend for experiments and for the API's own tests; NIC-attached links (afpacket, tap),
 * persistence and shim clients belong to tenant-manager and client-shim, and this backend
 * answers 501 for those link types rather than pretending.
 *
 * <p>Registry changes (names, MACs, addresses) happen under this object's lock, so two
 * concurrent creates cannot both take a name; stack work runs on the owner context.
 */
public final class LocalBackend implements AdminBackend {
    private static final int DEFAULT_MTU = 1500;

    private final Vertx vertx;
    private final Clock clock = System::nanoTime;
    private final long epochOffset = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, MemoryLink> links = new LinkedHashMap<>();
    private final Map<String, LocalInstance> instances = new LinkedHashMap<>();
    /**
     * Name, MAC and addresses of every instance, live or being created: taken under the lock
     * before the stack exists, so a duplicate gets 409 at once even while the first is starting.
     */
    private final Map<String, Reservation> reservations = new HashMap<>();
    private final List<Consumer<InstanceEvent>> listeners = new CopyOnWriteArrayList<>();

    public LocalBackend(Vertx vertx) {
        this.vertx = vertx;
    }

    // ------------------------------------------------------------------ lookup helpers

    private synchronized LocalInstance instanceOrNull(String name) {
        return instances.get(name);
    }

    private Future<LocalInstance> instance(String name) {
        LocalInstance i = instanceOrNull(name);
        return i == null ? Future.failedFuture(ApiProblem.notFound("instance", name)) : Future.succeededFuture(i);
    }

    /** Runs {@code work} on the named instance's owner context. */
    public <T> Future<T> execute(String name, Function<LocalInstance, T> work) {
        return instance(name).compose(i -> i.driver.call(() -> {
            if (instanceOrNull(name) != i) {
                throw ApiProblem.notFound("instance", name);
            }
            return work.apply(i);
        }));
    }

    // ------------------------------------------------------------------ links

    @Override
    public Future<List<LinkInfo>> listLinks() {
        List<MemoryLink> all;
        synchronized (this) {
            all = new ArrayList<>(links.values());
        }
        List<Future<LinkInfo>> fs = new ArrayList<>();
        for (MemoryLink l : all) {
            fs.add(linkInfo(l));
        }
        return Future.all(fs).map(cf -> cf.<LinkInfo>list());
    }

    private Future<LinkInfo> linkInfo(MemoryLink l) {
        return l.driver.call(() -> {
            List<String> names;
            synchronized (this) {
                names = List.copyOf(l.instances);
            }
            return new LinkInfo(l.name, "memory", null, null, null, "mac", l.mtu, names, l.counters());
        });
    }

    @Override
    public Future<LinkInfo> createLink(LinkSpec spec) {
        Names.check("body.name", spec.name());
        if (!"memory".equals(spec.type())) {
            return Future.failedFuture(ApiProblem.notImplemented("link type '" + spec.type()
                    + "' needs the NIC-attached tenant-manager, which this server's backend does not have yet;"
                    + " 'memory' links work"));
        }
        if ("ip".equals(spec.mode())) {
            return Future.failedFuture(ApiProblem.invalid("body.mode",
                    "a memory link has no NIC MAC to share; its instances each have their own (mode mac)"));
        }
        if (spec.device() != null || spec.hostAddress() != null || spec.netns() != null) {
            return Future.failedFuture(ApiProblem.invalid(spec.device() != null ? "body.device"
                    : spec.hostAddress() != null ? "body.hostAddress" : "body.netns", "a memory link has no host device"));
        }
        MemoryLink l;
        synchronized (this) {
            if (links.containsKey(spec.name())) {
                return Future.failedFuture(ApiProblem.conflict("body.name", "a link named '" + spec.name() + "' exists"));
            }
            l = new MemoryLink(spec.name(), spec.mtu() == null ? DEFAULT_MTU : spec.mtu(), new StackDriver(vertx, clock));
            links.put(l.name, l);
        }
        return l.driver.call(() -> {
            l.driver.add(l.vswitch);
            return null;
        }).compose(v -> linkInfo(l));
    }

    @Override
    public Future<LinkInfo> getLink(String name) {
        MemoryLink l;
        synchronized (this) {
            l = links.get(name);
        }
        return l == null ? Future.failedFuture(ApiProblem.notFound("link", name)) : linkInfo(l);
    }

    @Override
    public Future<Void> deleteLink(String name) {
        MemoryLink l;
        synchronized (this) {
            l = links.get(name);
            if (l == null) {
                return Future.failedFuture(ApiProblem.notFound("link", name));
            }
            if (!l.instances.isEmpty()) {
                return Future.failedFuture(ApiProblem.conflict(null,
                        "link '" + name + "' is used by " + String.join(", ", l.instances)));
            }
            for (LocalInstance i : instances.values()) {
                if (i.link == l) {
                    return Future.failedFuture(ApiProblem.conflict(null, "link '" + name + "' is in use"));
                }
            }
            links.remove(name);
        }
        return l.driver.call(() -> {
            l.vswitch.discardQueued();
            l.driver.close();
            return null;
        });
    }

    // ------------------------------------------------------------------ instances

    @Override
    public Future<List<InstanceInfo>> listInstances() {
        List<String> names;
        synchronized (this) {
            names = new ArrayList<>(instances.keySet());
        }
        return EachInstance.gather(names, this::getInstance);
    }

    @Override
    public Future<InstanceInfo> getInstance(String name) {
        return execute(name, LocalBackend::info);
    }

    private static InstanceInfo info(LocalInstance i) {
        StackViews.Summary s = StackViews.summary(i.stack);
        return new InstanceInfo(i.name, i.link == null ? null : i.link.name, "running", i.mode,
                i.link == null ? null : new MacAddress(i.mac).toString(), s.addresses(), s.gateway(), i.mtu, i.createdAt,
                0, s.connections(), s.throughput());
    }

    @Override
    public Future<InstanceInfo> createInstance(InstanceSpec spec) {
        String name = spec.name();
        Names.check("body.name", name);
        String mode = spec.mode() == null ? "mac" : spec.mode();
        int mtu = spec.mtu() == null ? DEFAULT_MTU : spec.mtu();
        List<InterfaceAddress> addresses = new ArrayList<>();
        for (int k = 0; k < spec.addresses().size(); k++) {
            InterfaceAddress a = Cidrs.address("body.addresses[" + k + "]", spec.addresses().get(k));
            for (InterfaceAddress b : addresses) {
                if (b.address() == a.address()) {
                    return Future.failedFuture(ApiProblem.invalid("body.addresses[" + k + "]", "listed twice"));
                }
            }
            addresses.add(a);
        }
        try {
            StackViews.checkTunables("body.tunables", spec.tunables());
        } catch (ApiProblem p) {
            return Future.failedFuture(p);
        }
        MemoryLink link;
        long mac;
        synchronized (this) {
            if (reservations.containsKey(name)) {
                return Future.failedFuture(ApiProblem.conflict("body.name", "an instance named '" + name + "' exists"));
            }
            link = null;
            if (spec.link() != null) {
                link = links.get(spec.link());
                if (link == null) {
                    return Future.failedFuture(ApiProblem.invalid("body.link", "no link named '" + spec.link() + "'"));
                }
                if (mtu > link.mtu) {
                    return Future.failedFuture(ApiProblem.invalid("body.mtu", "larger than the link's MTU " + link.mtu));
                }
                if ("ip".equals(mode)) {
                    return Future.failedFuture(ApiProblem.invalid("body.mode",
                            "mode ip shares a NIC's MAC; memory links give each instance its own (mode mac)"));
                }
            } else if (!addresses.isEmpty() || spec.gateway() != null || spec.mac() != null) {
                String f = !addresses.isEmpty() ? "body.addresses" : spec.gateway() != null ? "body.gateway" : "body.mac";
                return Future.failedFuture(ApiProblem.invalid(f, "needs a link (body.link): without one the instance has only its loopback"));
            }
            if (spec.mac() != null) {
                MacAddress m = MacAddress.parse(spec.mac());
                if (m.isMulticast() || m.bits() == 0) {
                    return Future.failedFuture(ApiProblem.invalid("body.mac", "not a unicast MAC address"));
                }
                mac = m.bits();
                if (macTaken(mac)) {
                    return Future.failedFuture(ApiProblem.conflict("body.mac", "MAC " + m + " is used by another instance"));
                }
            } else {
                mac = generatedMac(name);
            }
            for (int k = 0; k < addresses.size(); k++) {
                String owner = addressOwner(link, addresses.get(k).address());
                if (owner != null) {
                    return Future.failedFuture(ApiProblem.conflict("body.addresses[" + k + "]",
                            Ipv4Address.toString(addresses.get(k).address()) + " is used by instance '" + owner + "'"));
                }
            }
            Reservation r = new Reservation(link, mac);
            for (InterfaceAddress a : addresses) {
                r.addresses.add(a.address());
            }
            reservations.put(name, r);
            if (link != null) {
                link.instances.add(name);
            }
        }
        MemoryLink l = link;
        StackDriver driver = l != null ? l.driver : new StackDriver(vertx, clock);
        long seed = random.nextLong();
        Reservation reservation;
        synchronized (this) {
            reservation = reservations.get(name);
        }
        Future<LocalInstance> built = driver.call(() -> build(name, mode, mac, mtu, l, driver, addresses, spec, seed,
                reservation));
        return built.transform(ar -> {
            synchronized (this) {
                if (ar.succeeded()) {
                    instances.put(name, ar.result());
                } else {
                    reservations.remove(name);
                    if (l != null) {
                        l.instances.remove(name);
                    }
                }
            }
            if (ar.failed()) {
                if (l == null) {
                    driver.call(() -> {
                        driver.close();
                        return null;
                    });
                }
                return Future.failedFuture(ar.cause());
            }
            return getInstance(name).onSuccess(info -> fire(new InstanceEvent("instanceCreated", name, info)));
        });
    }

    private LocalInstance build(String name, String mode, long mac, int mtu, MemoryLink link, StackDriver driver,
                                List<InterfaceAddress> addresses, InstanceSpec spec, long seed, Reservation r) {
        NetStack stack = new NetStack(name, driver.pool(), clock);
        TcpLayer tcp = stack.tcp();
        spec.tunables().forEach(tcp.tunables()::set);
        SwitchPort port = null;
        FaultInjector faults = null;
        FrameTap tap = null;
        if (link != null) {
            port = link.acquirePort();
            faults = new FaultInjector(port, clock, driver.pool(), seed ^ 0x6a09e667f3bcc908L);
            tap = new FrameTap(faults, epochOffset);
            stack.addInterface("eth0", tap, new MacAddress(mac), mtu);
        }
        LocalInstance i = new LocalInstance(name, mode, mac, mtu, Instant.now().toString(), link, driver, stack, tcp,
                faults, tap, port, r.addresses);
        driver.add(stack);
        if (faults != null) {
            driver.add(faults);
        }
        try {
            for (int k = 0; k < addresses.size(); k++) {
                InterfaceAddress a = addresses.get(k);
                StackViews.errno("body.addresses[" + k + "]", stack.addAddress("eth0", a.address(), a.prefixLength()));
            }
            if (spec.gateway() != null) {
                int gw = Ipv4Address.parse(spec.gateway());
                StackViews.errno("body.gateway", stack.setDefaultGateway(gw));
                i.gateway = gw;
            }
        } catch (RuntimeException e) {
            teardown(i);
            throw e;
        }
        return i;
    }

    /** Owner context only: stops the stack and gives back what it held. */
    private static void teardown(LocalInstance i) {
        i.stack.shutdown();
        i.driver.remove(i.stack);
        if (i.faults != null) {
            i.faults.discardPending();
            i.driver.remove(i.faults);
        }
        if (i.tap != null) {
            i.tap.clear();
        }
        if (i.port != null) {
            i.link.releasePort(i.port);
        }
        if (i.link == null) {
            i.driver.close();
        }
    }

    @Override
    public Future<InstanceInfo> patchInstance(String name, InstancePatch patch) {
        List<InterfaceAddress> wanted = null;
        if (patch.addresses() != null) {
            wanted = new ArrayList<>();
            for (int k = 0; k < patch.addresses().size(); k++) {
                wanted.add(Cidrs.address("body.addresses[" + k + "]", patch.addresses().get(k)));
            }
        }
        if (patch.tunables() != null) {
            StackViews.checkTunables("body.tunables", patch.tunables());
        }
        LocalInstance inst = instanceOrNull(name);
        if (inst == null) {
            return Future.failedFuture(ApiProblem.notFound("instance", name));
        }
        if ((wanted != null || patch.gatewayGiven()) && inst.link == null) {
            return Future.failedFuture(ApiProblem.invalid(wanted != null ? "body.addresses" : "body.gateway",
                    "the instance has no link"));
        }
        if (wanted != null) {
            synchronized (this) {
                for (int k = 0; k < wanted.size(); k++) {
                    String owner = addressOwner(inst.link, wanted.get(k).address());
                    if (owner != null && !owner.equals(name)) {
                        return Future.failedFuture(ApiProblem.conflict("body.addresses[" + k + "]",
                                Ipv4Address.toString(wanted.get(k).address()) + " is used by instance '" + owner + "'"));
                    }
                }
                for (InterfaceAddress a : wanted) {
                    inst.addressSet.add(a.address());
                }
            }
        }
        List<InterfaceAddress> target = wanted;
        return execute(name, i -> {
            if (target != null) {
                try {
                    StackViews.replaceAddresses(i.stack, "eth0", target);
                } finally {
                    syncAddresses(i);
                }
            }
            if (patch.gatewayGiven()) {
                if (patch.gateway() == null) {
                    i.stack.routes().delete(0, 0, -1);
                    i.gateway = 0;
                } else {
                    int gw = Ipv4Address.parse(patch.gateway());
                    StackViews.errno("body.gateway", i.stack.setDefaultGateway(gw));
                    i.gateway = gw;
                }
            }
            if (patch.tunables() != null) {
                StackViews.applyTunables(i.stack, patch.tunables());
            }
            syncAddresses(i);
            return info(i);
        });
    }

    @Override
    public Future<Void> deleteInstance(String name) {
        LocalInstance i;
        synchronized (this) {
            i = instances.remove(name);
            if (i == null) {
                return Future.failedFuture(ApiProblem.notFound("instance", name));
            }
            reservations.remove(name);
            if (i.link != null) {
                i.link.instances.remove(name);
            }
        }
        return i.driver.call(() -> {
            teardown(i);
            return (Void) null;
        }).onSuccess(v -> fire(new InstanceEvent("instanceDeleted", name, null)));
    }

    // ------------------------------------------------------------------ registry rules

    /** Locally administered (bit 1 of the first octet), unicast, stable per name (FNV-1a of it). */
    private long generatedMac(String name) {
        long h = 0xcbf29ce484222325L;
        for (int k = 0; k < name.length(); k++) {
            h = (h ^ name.charAt(k)) * 0x100000001b3L;
        }
        long mac = 0x020000000000L | (h & 0x00ffffffffffL);
        while (macTaken(mac)) {
            mac = 0x020000000000L | ((mac + 1) & 0x00ffffffffffL);
        }
        return mac;
    }

    private boolean macTaken(long mac) {
        for (Reservation r : reservations.values()) {
            if (r.link != null && r.mac == mac) {
                return true;
            }
        }
        return false;
    }

    /** The instance on {@code link} that holds {@code address}, or null (under the lock). */
    private String addressOwner(MemoryLink link, int address) {
        if (link == null) {
            return null;
        }
        for (Map.Entry<String, Reservation> e : reservations.entrySet()) {
            if (e.getValue().link == link && e.getValue().addresses.contains(address)) {
                return e.getKey();
            }
        }
        return null;
    }

    /** What an instance holds on its link, readable under the backend's lock from any thread. */
    static final class Reservation {
        final MemoryLink link;
        final long mac;
        final java.util.Set<Integer> addresses = java.util.concurrent.ConcurrentHashMap.newKeySet();

        Reservation(MemoryLink link, long mac) {
            this.link = link;
            this.mac = mac;
        }
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

    /** Owner context only: the registry's view of eth0's addresses follows the stack's. */
    private static void syncAddresses(LocalInstance i) {
        Set<Integer> now = StackViews.addressSet(i.stack, "eth0");
        i.addressSet.retainAll(now);
        i.addressSet.addAll(now);
    }

    // ------------------------------------------------------------------ interfaces and addresses

    @Override
    public Future<List<InterfaceInfo>> listInterfaces(String instance) {
        return execute(instance, i -> StackViews.interfaces(i.stack));
    }

    @Override
    public Future<InterfaceInfo> addAddress(String instance, String ifName, String cidr) {
        InterfaceAddress a = Cidrs.address("body.address", cidr);
        LocalInstance inst = instanceOrNull(instance);
        if (inst == null) {
            return Future.failedFuture(ApiProblem.notFound("instance", instance));
        }
        synchronized (this) {
            String owner = addressOwner(inst.link, a.address());
            if (owner != null) {
                return Future.failedFuture(ApiProblem.conflict("body.address",
                        Ipv4Address.toString(a.address()) + " is used by instance '" + owner + "'"));
            }
            if (inst.link != null && "eth0".equals(ifName)) {
                inst.addressSet.add(a.address());
            }
        }
        return execute(instance, i -> {
            try {
                return StackViews.addAddress(i.stack, ifName, a);
            } finally {
                syncAddresses(i);
            }
        });
    }

    @Override
    public Future<Void> removeAddress(String instance, String ifName, String address) {
        return execute(instance, i -> {
            StackViews.removeAddress(i.stack, ifName, address);
            syncAddresses(i);
            return null;
        });
    }

    // ------------------------------------------------------------------ routes

    @Override
    public Future<List<RouteInfo>> listRoutes(String instance) {
        return execute(instance, i -> StackViews.routes(i.stack));
    }

    @Override
    public Future<RouteInfo> addRoute(String instance, RouteSpec spec) {
        try {
            StackViews.checkRoute(spec);
        } catch (ApiProblem p) {
            return Future.failedFuture(p);
        }
        return execute(instance, i -> StackViews.addRoute(i.stack, spec));
    }

    @Override
    public Future<Void> deleteRoute(String instance, String destination, Long metric) {
        return execute(instance, i -> {
            StackViews.deleteRoute(i.stack, destination, metric);
            return null;
        });
    }

    @Override
    public Future<Integer> flushRoutes(String instance, boolean includeConnected) {
        return execute(instance, i -> i.stack.routes().flush(includeConnected));
    }

    // ------------------------------------------------------------------ neighbours

    @Override
    public Future<List<NeighborInfo>> listNeighbors(String instance) {
        return execute(instance, i -> StackViews.neighbors(i.stack));
    }

    @Override
    public Future<NeighborInfo> addNeighbor(String instance, NeighborSpec spec) {
        try {
            StackViews.checkNeighbor(spec);
        } catch (ApiProblem p) {
            return Future.failedFuture(p);
        }
        return execute(instance, i -> StackViews.addNeighbor(i.stack, spec));
    }

    @Override
    public Future<Void> deleteNeighbor(String instance, String address) {
        return execute(instance, i -> {
            StackViews.deleteNeighbor(i.stack, address);
            return null;
        });
    }

    @Override
    public Future<Integer> flushNeighbors(String instance) {
        return execute(instance, i -> StackViews.flushNeighbors(i.stack));
    }

    // ------------------------------------------------------------------ sockets, counters, tunables, impairment

    @Override
    public Future<List<ConnectionInfo>> listConnections(String instance) {
        return execute(instance, i -> StackViews.connections(i.stack));
    }

    @Override
    public Future<Void> abortConnection(String instance, String connectionId) {
        return execute(instance, i -> {
            StackViews.abortConnection(i.stack, connectionId);
            return null;
        });
    }

    @Override
    public Future<StatsInfo> stats(String instance) {
        return execute(instance, i -> StackViews.stats(i.name, i.stack));
    }

    @Override
    public Future<List<TunableInfo>> tunables(String instance) {
        return execute(instance, i -> StackViews.tunables(i.stack));
    }

    @Override
    public Future<List<TunableInfo>> patchTunables(String instance, Map<String, Object> values) {
        try {
            StackViews.checkTunables("body", values);
        } catch (ApiProblem p) {
            return Future.failedFuture(p);
        }
        return execute(instance, i -> {
            StackViews.applyTunables(i.stack, values);
            return StackViews.tunables(i.stack);
        });
    }

    @Override
    public Future<ImpairmentInfo> impairment(String instance) {
        return execute(instance, i -> StackViews.impairment(i.faults));
    }

    @Override
    public Future<ImpairmentInfo> setImpairment(String instance, ImpairmentSpec spec) {
        return execute(instance, i -> StackViews.setImpairment(i.name, i.faults, spec));
    }

    // ------------------------------------------------------------------ clients, capture, close

    /** No shim endpoint runs in this backend, so no process can be attached: the list is truly empty. */
    @Override
    public Future<List<ClientInfo>> clients(String instance) {
        return execute(instance, i -> List.of());
    }

    @Override
    public Future<Capture> capture(String instance, FrameSink sink) {
        return execute(instance, i -> {
            if (i.tap == null) {
                throw ApiProblem.conflict(null, "instance '" + i.name + "' has no link to capture on");
            }
            i.tap.add(sink);
            return () -> i.driver.call(() -> {
                i.tap.remove(sink);
                return null;
            });
        });
    }

    @Override
    public Future<Void> close() {
        List<String> names;
        List<String> linkNames;
        synchronized (this) {
            names = new ArrayList<>(instances.keySet());
            linkNames = new ArrayList<>(links.keySet());
        }
        List<Future<Void>> fs = new ArrayList<>();
        for (String n : names) {
            fs.add(deleteInstance(n).otherwiseEmpty());
        }
        return Future.join(fs).compose(v -> {
            List<Future<Void>> ls = new ArrayList<>();
            for (String l : linkNames) {
                ls.add(deleteLink(l).otherwiseEmpty());
            }
            return Future.join(ls);
        }).mapEmpty();
    }

    /** How many instances and links exist (leak checks in tests). */
    public synchronized int[] sizes() {
        return new int[] {instances.size(), links.size(), reservations.size()};
    }
}
