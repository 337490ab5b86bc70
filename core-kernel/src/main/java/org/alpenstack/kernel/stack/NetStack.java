package org.alpenstack.kernel.stack;

import java.util.ArrayList;
import java.util.List;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.icmp.IcmpProtocol;
import org.alpenstack.kernel.icmp.IcmpSocket;
import org.alpenstack.kernel.iface.InterfaceAddress;
import org.alpenstack.kernel.iface.InterfaceTable;
import org.alpenstack.kernel.iface.NetInterface;
import org.alpenstack.kernel.ip.Arp;
import org.alpenstack.kernel.ip.IpOutput;
import org.alpenstack.kernel.ip.Ipv4Layer;
import org.alpenstack.kernel.ip.NeighborCache;
import org.alpenstack.kernel.ip.NeighborEntry;
import org.alpenstack.kernel.ip.Route;
import org.alpenstack.kernel.ip.RoutingTable;
import org.alpenstack.kernel.ip.TransportProtocol;
import org.alpenstack.kernel.link.Link;
import org.alpenstack.kernel.socket.DatagramHost;
import org.alpenstack.kernel.socket.DatagramSocket;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.PortTable;
import org.alpenstack.kernel.socket.SocketTable;
import org.alpenstack.kernel.socket.StackSocket;
import org.alpenstack.kernel.tcp.TcpLayer;
import org.alpenstack.kernel.tcp.TcpSocket;
import org.alpenstack.kernel.tcp.TcpTunables;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.time.Pollable;
import org.alpenstack.kernel.time.TimerWheel;
import org.alpenstack.kernel.udp.UdpProtocol;
import org.alpenstack.kernel.udp.UdpSocket;
import org.alpenstack.kernel.wire.EtherType;
import org.alpenstack.kernel.wire.EthernetFrame;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.MacAddress;

/**
 * One instance of the stack (a tenant): interfaces, addresses, routes, neighbours, sockets and
 * counters, driven by one thread. Frames come in through the links' {@link
 * org.alpenstack.kernel.link.FrameReceiver} and are handled synchronously; output goes straight
 * to the links; time comes in through {@link #poll} and the {@link Clock}.
 *
 * <p>Nothing throws out of the stack on any input: the frame entry point and {@link #poll}
 * catch what a bug might throw and count it as {@link DropReason#INTERNAL_ERROR} (tests assert
 * that count is zero; {@link #lastInternalError()} says what happened).
 *
 * <p>Configuration calls (addresses, routes, neighbours) return 0 or -errno like the netlink
 * operations they mirror.
 */
public final class NetStack implements Pollable {
    /** 01:00:5e:00:00:01, the MAC of 224.0.0.1 (all systems), which every host listens to. */
    private static final long ALL_SYSTEMS_MAC = 0x01005e000001L;

    private final String name;
    private final BufferPool pool;
    private final TimerWheel timers;
    private final Clock clock;
    private final StackCounters counters = new StackCounters();
    private final InterfaceTable interfaces = new InterfaceTable();
    private final Ipv4Layer ip;
    private final PortTable ports;
    private final SocketTable sockets = new SocketTable();
    private final UdpProtocol udp;
    private final IcmpProtocol icmp;
    private final TcpLayer tcp;
    private final NetInterface loopback;
    private final DatagramHost datagramHost = new Host();
    private Throwable lastInternalError;

    /** A stack with its own timer wheel (1 ms ticks). */
    public NetStack(String name, BufferPool pool, Clock clock) {
        this(name, pool, new TimerWheel(), clock);
    }

    /**
     * @param timers the wheel this stack's timers live on; {@link #poll} polls it, so give each
     *               stack its own (transports may schedule on it too, see {@link #timers()})
     */
    public NetStack(String name, BufferPool pool, TimerWheel timers, Clock clock) {
        this.name = name;
        this.pool = pool;
        this.timers = timers;
        this.clock = clock;
        long seed = name.hashCode() * 0x9E3779B97F4A7C15L;
        this.ports = new PortTable(seed);
        this.ip = new Ipv4Layer(pool, counters, timers, clock, interfaces, (int) (seed >>> 32));
        this.icmp = new IcmpProtocol(ip, ports, pool, counters, clock);
        this.udp = new UdpProtocol(ports, counters);
        ip.setIcmp(icmp);
        udp.setIcmp(icmp);
        ip.register(icmp);
        ip.register(udp);
        // TCP keys its ISNs and SYN cookies with a secret nobody can derive from the name (RFC 6528).
        this.tcp = new TcpLayer(ip, pool, timers, clock, new TcpTunables(), sockets::newId,
                new java.security.SecureRandom().nextLong(), ports);
        tcp.setSocketTable(sockets::add, sockets::remove);
        ip.register(tcp);
        this.loopback = new NetInterface(interfaces.nextIndex(), "lo", null, 0, NetInterface.LOOPBACK_MTU, true);
        interfaces.add(loopback);
        loopback.addAddress(new InterfaceAddress(Ipv4Address.LOOPBACK, 8));
    }

    public String name() {
        return name;
    }

    public BufferPool pool() {
        return pool;
    }

    public TimerWheel timers() {
        return timers;
    }

    public Clock clock() {
        return clock;
    }

    /** The current time (nanoseconds) for transports. */
    public long now() {
        return clock.nanos();
    }

    public StackCounters counters() {
        return counters;
    }

    /** The IPv4 output transports send through (route, source selection, ARP, fragmentation). */
    public IpOutput ipOutput() {
        return ip;
    }

    /** The IPv4 layer itself (reassembly limits, path MTU cache, neighbour config ...). */
    public Ipv4Layer ipv4() {
        return ip;
    }

    public IcmpProtocol icmp() {
        return icmp;
    }

    public PortTable ports() {
        return ports;
    }

    public SocketTable sockets() {
        return sockets;
    }

    /** Plugs a transport (TCP) in: the stack hands it packets and ICMP errors for its protocol number. */
    public void registerTransport(TransportProtocol p) {
        ip.register(p);
    }

    /** The last exception a bug let escape a handler (caught and counted), or null. */
    public Throwable lastInternalError() {
        return lastInternalError;
    }

    // ------------------------------------------------------------------ interfaces

    public NetInterface addInterface(String ifName, Link link, MacAddress mac) {
        return addInterface(ifName, link, mac, link.mtu());
    }

    /** Adds an Ethernet interface on {@code link} (up, no addresses yet) and attaches to the link. */
    public NetInterface addInterface(String ifName, Link link, MacAddress mac, int mtu) {
        if (mac.isMulticast() || mac.bits() == 0) {
            throw new IllegalArgumentException("interface MAC must be unicast: " + mac);
        }
        NetInterface n = new NetInterface(interfaces.nextIndex(), ifName, link, mac.bits(), mtu, false);
        interfaces.add(n);
        ip.attach(n);
        link.attach(frame -> onFrame(n, frame));
        return n;
    }

    public NetInterface loopback() {
        return loopback;
    }

    public NetInterface iface(String ifName) {
        return interfaces.byName(ifName);
    }

    public List<NetInterface> interfaces() {
        return interfaces.all();
    }

    /** {@code ip link set X up/down}. Returns 0 or -ENODEV. */
    public int setInterfaceUp(String ifName, boolean up) {
        NetInterface n = interfaces.byName(ifName);
        if (n == null) {
            return -Errno.ENODEV;
        }
        boolean was = n.isUp();
        n.setUp(up);
        if (up && !was) {
            for (InterfaceAddress a : n.addresses()) {
                Arp.announce(ip, pool, counters, n, a.address());
            }
        }
        return 0;
    }

    /**
     * {@code ip link del X}: takes the interface down, drops its routes, neighbours and
     * addresses. Frames its link still delivers are dropped (INTERFACE_DOWN). -ENODEV if unknown,
     * -EINVAL for the loopback.
     */
    public int removeInterface(String ifName) {
        NetInterface n = interfaces.byName(ifName);
        if (n == null) {
            return -Errno.ENODEV;
        }
        if (n.isLoopback()) {
            return -Errno.EINVAL;
        }
        n.setUp(false);
        ip.routes().removeInterface(n.index());
        NeighborCache nc = Ipv4Layer.neighbors(n);
        if (nc != null) {
            nc.flushAll();
        }
        for (InterfaceAddress a : List.copyOf(n.addresses())) {
            n.removeAddress(a.address());
        }
        interfaces.remove(n);
        return 0;
    }

    /** {@code ip link set X mtu M}: 68 .. the link's MTU, else -EINVAL. */
    public int setInterfaceMtu(String ifName, int mtu) {
        NetInterface n = interfaces.byName(ifName);
        if (n == null) {
            return -Errno.ENODEV;
        }
        int max = n.link() == null ? NetInterface.LOOPBACK_MTU : n.link().mtu();
        if (mtu < 68 || mtu > max) {
            return -Errno.EINVAL;
        }
        n.setMtu(mtu);
        return 0;
    }

    /** {@code ip addr add address/prefix dev X}: the address, its connected route, a gratuitous ARP. */
    public int addAddress(String ifName, int address, int prefixLength) {
        NetInterface n = interfaces.byName(ifName);
        if (n == null) {
            return -Errno.ENODEV;
        }
        if (prefixLength < 0 || prefixLength > 32 || address == 0 || address == Ipv4Address.BROADCAST
                || Ipv4Address.isMulticast(address) || (address >>> 28) == 0xf) {
            return -Errno.EINVAL;
        }
        if (interfaces.owner(address) != null) {
            return -Errno.EEXIST;
        }
        InterfaceAddress ia = new InterfaceAddress(address, prefixLength);
        n.addAddress(ia);
        if (!n.isLoopback() && prefixLength < 32) {
            // Linux adds "network/prefix dev X proto kernel scope link src address" (once per subnet).
            ip.routes().add(new Route(ia.network(), prefixLength, 0, n.index(), 0, address, 0, true));
        }
        Arp.announce(ip, pool, counters, n, address);
        return 0;
    }

    /** Adds "a.b.c.d/len" to an interface; -EINVAL if the text is not such an address. */
    public int addAddress(String ifName, String cidr) {
        try {
            int slash = cidr.indexOf('/');
            if (slash < 0) {
                return addAddress(ifName, Ipv4Address.parse(cidr), 32);
            }
            return addAddress(ifName, Ipv4Address.parse(cidr.substring(0, slash)), Integer.parseInt(cidr.substring(slash + 1)));
        } catch (IllegalArgumentException e) {
            return -Errno.EINVAL;
        }
    }

    /** {@code ip addr del}: removes the address and, if it was the last of its subnet there, the connected route. */
    public int removeAddress(String ifName, int address) {
        NetInterface n = interfaces.byName(ifName);
        if (n == null) {
            return -Errno.ENODEV;
        }
        InterfaceAddress removed = null;
        for (InterfaceAddress a : n.addresses()) {
            if (a.address() == address) {
                removed = a;
            }
        }
        if (removed == null || (n.isLoopback() && address == Ipv4Address.LOOPBACK)) {
            return -Errno.EADDRNOTAVAIL;
        }
        n.removeAddress(address);
        for (Route r : ip.routes().routes()) {
            if (r.connected() && r.interfaceIndex() == n.index() && r.destination() == removed.network()
                    && r.prefixLength() == removed.prefixLength()) {
                InterfaceAddress other = null;
                for (InterfaceAddress a : n.addresses()) {
                    if (a.network() == removed.network() && a.prefixLength() == removed.prefixLength()) {
                        other = a;
                    }
                }
                ip.routes().delete(r);
                if (other != null) {
                    ip.routes().add(new Route(r.destination(), r.prefixLength(), 0, n.index(), 0, other.address(), 0, true));
                }
            }
        }
        return 0;
    }

    // ------------------------------------------------------------------ routes and neighbours

    public RoutingTable routes() {
        return ip.routes();
    }

    public int addRoute(Route r) {
        return ip.routes().add(r);
    }

    /** {@code ip route add cidr via gateway metric m} ("default" for 0.0.0.0/0). */
    public int addRoute(String cidr, String gateway, int metric) {
        try {
            int dst = 0;
            int len = 0;
            if (!cidr.equals("default")) {
                int slash = cidr.indexOf('/');
                dst = Ipv4Address.parse(slash < 0 ? cidr : cidr.substring(0, slash));
                len = slash < 0 ? 32 : Integer.parseInt(cidr.substring(slash + 1));
            }
            if (len < 0 || len > 32 || metric < 0 || (dst & Ipv4Address.mask(len)) != dst) {
                return -Errno.EINVAL;
            }
            return ip.routes().add(new Route(dst, len, Ipv4Address.parse(gateway), 0, metric, 0, 0, false));
        } catch (IllegalArgumentException e) {
            return -Errno.EINVAL;
        }
    }

    /** {@code ip route del cidr [metric m]} (metric -1: whatever metric). -ESRCH if absent, -EINVAL if unparsable. */
    public int deleteRoute(String cidr, int metric) {
        try {
            int dst = 0;
            int len = 0;
            if (!cidr.equals("default")) {
                int slash = cidr.indexOf('/');
                dst = Ipv4Address.parse(slash < 0 ? cidr : cidr.substring(0, slash));
                len = slash < 0 ? 32 : Integer.parseInt(cidr.substring(slash + 1));
            }
            if (len < 0 || len > 32) {
                return -Errno.EINVAL;
            }
            return ip.routes().delete(dst, len, metric);
        } catch (IllegalArgumentException e) {
            return -Errno.EINVAL;
        }
    }

    /**
     * {@code ip route flush}: the static routes, or every route including the connected ones
     * (which come back with {@link #addAddress}). Returns how many were removed.
     */
    public int flushRoutes(boolean includeConnected) {
        return ip.routes().flush(includeConnected);
    }

    public int setDefaultGateway(int gateway) {
        return ip.routes().setDefaultGateway(gateway);
    }

    public NeighborCache neighbors(String ifName) {
        NetInterface n = interfaces.byName(ifName);
        return n == null ? null : Ipv4Layer.neighbors(n);
    }

    /** {@code ip neigh replace address lladdr mac dev X nud permanent}. */
    public int addStaticNeighbor(String ifName, int address, MacAddress mac) {
        NeighborCache nc = neighbors(ifName);
        return nc == null ? -Errno.ENODEV : nc.addStatic(address, mac);
    }

    // ------------------------------------------------------------------ sockets

    /** socket(AF_INET, SOCK_DGRAM, 0). */
    public UdpSocket openUdp() {
        UdpSocket s = new UdpSocket(sockets.newId(), datagramHost);
        sockets.add(s);
        return s;
    }

    /** socket(AF_INET, SOCK_STREAM, 0). */
    public TcpSocket openTcp() {
        return tcp.openSocket();
    }

    /** The TCP layer: tunables, counters, connection listing. */
    public TcpLayer tcp() {
        return tcp;
    }

    /** socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP): a ping socket. */
    public IcmpSocket openPing() {
        IcmpSocket s = new IcmpSocket(sockets.newId(), datagramHost);
        sockets.add(s);
        return s;
    }

    /** A new socket id for a socket made by a registered transport (then {@link #addSocket}). */
    public int newSocketId() {
        return sockets.newId();
    }

    /** Lists a transport's socket (TCP) so snapshots and lookups by id see it. */
    public void addSocket(StackSocket s) {
        sockets.add(s);
    }

    public void removeSocket(StackSocket s) {
        sockets.remove(s);
    }

    public StackSocket socket(int id) {
        return sockets.get(id);
    }

    /**
     * Frames delivered until {@link #endInputBatch} arrived together (one RX batch of a link):
     * TCP answers them with one ACK per connection at the end, as Linux does for a GRO packet.
     * Optional; without it every segment is answered as it is processed.
     */
    public void beginInputBatch() {
        tcp.beginInputBatch();
    }

    /** Ends the batch begun by {@link #beginInputBatch}: the deferred ACKs and data go out now. */
    public void endInputBatch(long now) {
        try {
            tcp.endInputBatch(now);
        } catch (RuntimeException | StackOverflowError e) {
            internalError(e);
        }
    }

    // ------------------------------------------------------------------ time

    @Override
    public void poll(long now) {
        try {
            ip.pollLoopback(now);
            timers.poll(now);
        } catch (RuntimeException | StackOverflowError e) {
            internalError(e);
        }
    }

    @Override
    public long nextDeadline() {
        if (ip.hasLoopbackWork()) {
            return clock.nanos();
        }
        return timers.nextDeadline();
    }

    /** Closes every socket and drops everything queued (the stack is going away). */
    public void shutdown() {
        for (StackSocket s : sockets.copy()) {
            s.close();
        }
        ip.clear();
    }

    // ------------------------------------------------------------------ input

    private void onFrame(NetInterface iface, PacketBuffer frame) {
        try {
            receiveFrame(iface, frame);
        } catch (RuntimeException | StackOverflowError e) {
            internalError(e);
        }
    }

    private void internalError(Throwable e) {
        counters.drop(DropReason.INTERNAL_ERROR);
        lastInternalError = e;
    }

    private void receiveFrame(NetInterface iface, PacketBuffer frame) {
        byte[] a = frame.array();
        int off = frame.start();
        int len = frame.length();
        counters.inc(StackCounter.ETH_IN_FRAMES);
        counters.add(StackCounter.ETH_IN_OCTETS, len);
        if (!iface.isUp()) {
            counters.drop(DropReason.INTERFACE_DOWN);
            return;
        }
        int payload = EthernetFrame.checkAndPayloadOffset(a, off, len);
        if (payload < 0) {
            counters.drop(DropReason.ETH_TRUNCATED);
            return;
        }
        long dst = EthernetFrame.destination(a, off);
        if (dst != iface.macBits() && !MacAddress.isBroadcast(dst) && dst != ALL_SYSTEMS_MAC) {
            counters.drop(DropReason.ETH_NOT_FOR_US);
            return;
        }
        int type = EthernetFrame.etherType(a, off);
        int plen = len - (payload - off);
        long now = clock.nanos();
        switch (type) {
            case EtherType.IPV4 -> ip.input(iface, a, payload, plen, frame.transportChecksumVerified(), frame.receivedGsoSize(), now);
            case EtherType.ARP -> Arp.input(ip, pool, counters, iface, a, payload, plen, now);
            case EtherType.VLAN -> counters.drop(DropReason.ETH_VLAN_NOT_SUPPORTED);
            default -> counters.drop(DropReason.ETH_UNKNOWN_ETHERTYPE);
        }
    }

    // ------------------------------------------------------------------ snapshot

    /** An immutable copy of the stack's state for readers on other threads. */
    public StackSnapshot snapshot() {
        long now = clock.nanos();
        List<StackSnapshot.InterfaceInfo> ifs = new ArrayList<>();
        List<NeighborEntry> neigh = new ArrayList<>();
        for (NetInterface n : interfaces.all()) {
            ifs.add(new StackSnapshot.InterfaceInfo(n.index(), n.name(), n.mac(), n.mtu(), n.isUp(), n.isLoopback(), n.addresses()));
            NeighborCache nc = Ipv4Layer.neighbors(n);
            if (nc != null) {
                neigh.addAll(nc.entries());
            }
        }
        List<StackSnapshot.SocketInfo> socks = new ArrayList<>();
        for (StackSocket s : sockets.all()) {
            if (s instanceof DatagramSocket d) {
                socks.add(new StackSnapshot.SocketInfo(s.id(), d instanceof UdpSocket ? "udp" : "icmp", d.localEndpoint(),
                        d.remoteEndpoint(), d.queuedDatagrams(), d.receiveQueueMemory(), d.pendingError(), d.readiness()));
            } else {
                socks.add(new StackSnapshot.SocketInfo(s.id(), s.getClass().getSimpleName(), null, null, 0, 0,
                        s.pendingError(), s.readiness()));
            }
        }
        List<StackSnapshot.PathMtu> pmtus = new ArrayList<>();
        for (int[] e : ip.pathMtuCache().entries(now)) {
            pmtus.add(new StackSnapshot.PathMtu(e[0], e[1]));
        }
        return new StackSnapshot(name, now, ifs, ip.routes().routes(), neigh, socks, counters.snapshot(),
                ip.reassembler().memoryUsed(), ip.reassembler().datagramsInProgress(), pmtus);
    }

    private final class Host implements DatagramHost {
        @Override
        public BufferPool pool() {
            return pool;
        }

        @Override
        public PortTable ports() {
            return ports;
        }

        @Override
        public IpOutput ip() {
            return ip;
        }

        @Override
        public StackCounters counters() {
            return counters;
        }

        @Override
        public boolean isBroadcast(int destination) {
            return ip.isBroadcast(destination);
        }

        @Override
        public boolean isBindableAddress(int address) {
            return interfaces.isLocal(address) || address == Ipv4Address.BROADCAST
                    || Ipv4Address.isMulticast(address) || interfaces.isDirectedBroadcast(address);
        }

        @Override
        public void socketClosed(StackSocket socket) {
            sockets.remove(socket);
        }
    }
}
