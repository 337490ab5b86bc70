package org.alpenstack.admin.api;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
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

/**
 * What the REST handlers need from the server, and nothing more. Every method may be called
 * from any thread and answers with a Future of immutable records; the implementation runs the
 * work on the owning instance's context (ARCHITECTURE.md "one owner per instance").
 *
 * <p>Failures are {@link ApiProblem}s: 404 for an unknown instance, link or entry, 409 for a
 * conflict, 422 for a value the contract allowed but the stack refuses (host bits set in a
 * route, an address already on another interface ...). Requests reach the backend only after
 * the router validated them against openapi.yaml, so syntax (CIDR, MAC, name patterns) is
 * already checked.
 */
public interface AdminBackend {

    // links

    Future<List<LinkInfo>> listLinks();

    Future<LinkInfo> createLink(LinkSpec spec);

    Future<LinkInfo> getLink(String name);

    /** Fails with 409 while instances use the link. */
    Future<Void> deleteLink(String name);

    // instances

    Future<List<InstanceInfo>> listInstances();

    /** The instance is running (answers ARP and ping) when the future completes. */
    Future<InstanceInfo> createInstance(InstanceSpec spec);

    Future<InstanceInfo> getInstance(String name);

    Future<InstanceInfo> patchInstance(String name, InstancePatch patch);

    /** Closes the instance's sockets, disconnects its clients, frees its MAC and addresses. */
    Future<Void> deleteInstance(String name);

    // interfaces and addresses

    Future<List<InterfaceInfo>> listInterfaces(String instance);

    /** {@code cidr} is a.b.c.d/len; answers the interface after the change. */
    Future<InterfaceInfo> addAddress(String instance, String iface, String cidr);

    Future<Void> removeAddress(String instance, String iface, String address);

    // routes

    Future<List<RouteInfo>> listRoutes(String instance);

    Future<RouteInfo> addRoute(String instance, RouteSpec spec);

    /** {@code destination} is a.b.c.d/len or "default"; {@code metric} null matches any. */
    Future<Void> deleteRoute(String instance, String destination, Long metric);

    /** Answers how many routes were removed. */
    Future<Integer> flushRoutes(String instance, boolean includeConnected);

    // neighbours

    Future<List<NeighborInfo>> listNeighbors(String instance);

    Future<NeighborInfo> addNeighbor(String instance, NeighborSpec spec);

    Future<Void> deleteNeighbor(String instance, String address);

    Future<Integer> flushNeighbors(String instance);

    // sockets

    Future<List<ConnectionInfo>> listConnections(String instance);

    /** Aborts the connection with a reset (ss -K). */
    Future<Void> abortConnection(String instance, String connectionId);

    // counters, tunables, impairment, clients

    Future<StatsInfo> stats(String instance);

    Future<List<TunableInfo>> tunables(String instance);

    /** All or nothing: an unknown name or a bad value changes nothing (422 naming the tunable). */
    Future<List<TunableInfo>> patchTunables(String instance, Map<String, Object> values);

    Future<ImpairmentInfo> impairment(String instance);

    Future<ImpairmentInfo> setImpairment(String instance, ImpairmentSpec spec);

    Future<List<ClientInfo>> clients(String instance);

    // capture and events

    /**
     * Starts copying every frame that crosses the instance's link (both directions) to {@code
     * sink}, on the instance's context, until the returned capture is closed. The frame bytes
     * are lent for the duration of the call.
     */
    Future<Capture> capture(String instance, FrameSink sink);

    /** Registers a listener for instance created/deleted; the returned handle unregisters it. */
    AutoCloseable onInstanceEvent(Consumer<InstanceEvent> listener);

    /** Stops every instance and releases everything (server shutdown). */
    Future<Void> close();

    /** Receives captured frames; {@code epochNanos} is wall-clock time for pcap timestamps. */
    @FunctionalInterface
    interface FrameSink {
        void frame(long epochNanos, byte[] array, int offset, int length);
    }

    /** A running capture. */
    interface Capture extends AutoCloseable {
        @Override
        void close();
    }
}
