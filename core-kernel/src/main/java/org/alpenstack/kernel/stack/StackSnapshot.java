package org.alpenstack.kernel.stack;

import java.util.List;
import org.alpenstack.kernel.iface.InterfaceAddress;
import org.alpenstack.kernel.ip.NeighborEntry;
import org.alpenstack.kernel.ip.Route;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.wire.MacAddress;

/**
 * An immutable picture of one stack at one moment: what {@code ip addr}, {@code ip route},
 * {@code ip neigh}, {@code ss -uan} and {@code netstat -s} would show. Made on the stack's
 * thread by {@link NetStack#snapshot()}, then safe to read from any thread.
 */
public record StackSnapshot(
        String name,
        long takenAt,
        List<InterfaceInfo> interfaces,
        List<Route> routes,
        List<NeighborEntry> neighbors,
        List<SocketInfo> sockets,
        StackCounters.Snapshot counters,
        long reassemblyMemory,
        int reassemblyDatagrams,
        List<PathMtu> pathMtus) {

    public StackSnapshot {
        interfaces = List.copyOf(interfaces);
        routes = List.copyOf(routes);
        neighbors = List.copyOf(neighbors);
        sockets = List.copyOf(sockets);
        pathMtus = List.copyOf(pathMtus);
    }

    public record InterfaceInfo(int index, String name, MacAddress mac, int mtu, boolean up, boolean loopback,
                                List<InterfaceAddress> addresses) {
        public InterfaceInfo {
            addresses = List.copyOf(addresses);
        }
    }

    /**
     * One socket: {@code type} is "udp", "icmp" (ping) or what a registered transport reports;
     * {@code remote} is null when not connected.
     */
    public record SocketInfo(int id, String type, InetEndpoint local, InetEndpoint remote, int queuedDatagrams,
                             long queuedBytes, int pendingError, int readiness) {
    }

    public record PathMtu(int destination, int mtu) {
    }
}
