package org.alpenstack.kernel.ip;

import java.util.ArrayDeque;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.iface.InterfaceTable;
import org.alpenstack.kernel.iface.NetInterface;
import org.alpenstack.kernel.link.Link;
import org.alpenstack.kernel.link.SoftwareOffload;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.stack.DropReason;
import org.alpenstack.kernel.stack.StackCounter;
import org.alpenstack.kernel.stack.StackCounters;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.time.TimerWheel;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.EtherType;
import org.alpenstack.kernel.wire.EthernetFrame;
import org.alpenstack.kernel.wire.Icmpv4Code;
import org.alpenstack.kernel.wire.Icmpv4Type;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.Ipv4Packet;
import org.alpenstack.kernel.wire.MacAddress;
import org.alpenstack.kernel.wire.TcpHeader;

/**
 * The IPv4 layer of one stack, as a host (RFC 1122 section 3; we never forward):
 * input (checks, reassembly and local delivery, in {@link Ipv4Input}), output with route
 * lookup, source selection, fragmentation (RFC 791 3.2) and neighbour resolution, and the
 * internal loopback for packets to our own addresses. It is the stack's {@link IpOutput}.
 */
public final class Ipv4Layer implements IpOutput, NeighborCache.Hooks {
    /** IPv4 header without options: what we always emit. */
    private static final int HEADER = Ipv4Packet.HEADER_LEN;
    /** All-systems multicast group 224.0.0.1 (RFC 1112): the one group a host is always in. */
    public static final int ALL_SYSTEMS = 0xe0000001;
    /** IP TOS precedence "internetwork control" that Linux gives the ICMP errors it sends. */
    public static final int TOS_INTERNETWORK_CONTROL = 0xc0;
    /** Packets waiting for the loopback between polls (Linux's netdev_max_backlog). */
    public static final int LOOPBACK_BACKLOG = 1000;

    private final BufferPool pool;
    private final StackCounters counters;
    private final TimerWheel timers;
    private final Clock clock;
    private final InterfaceTable interfaces;
    private final RoutingTable routes;
    private final PathMtuCache pathMtu = new PathMtuCache();
    private final Reassembler reassembler;
    private final NeighborConfig neighborConfig = new NeighborConfig();
    private final TransportProtocol[] transports = new TransportProtocol[256];
    private IcmpErrorReporter icmp;
    private final ArrayDeque<PacketBuffer> loopbackQueue = new ArrayDeque<>();
    private final Ipv4Input in;
    private final RouteResult route = new RouteResult();
    /** Where {@link #transmit} sends the packets it finished in software (one call at a time). */
    private final SoftwareOffload.Sink softSink = this::transmitSoftwareSegment;
    private NetInterface softIface;
    private int softNextHop;
    private boolean softBroadcast;
    private int softDst;
    private int softResult;
    private int nextId;
    private int defaultTtl = DEFAULT_TTL;

    public Ipv4Layer(BufferPool pool, StackCounters counters, TimerWheel timers, Clock clock, InterfaceTable interfaces, int initialId) {
        this.pool = pool;
        this.counters = counters;
        this.timers = timers;
        this.clock = clock;
        this.interfaces = interfaces;
        this.routes = new RoutingTable(interfaces);
        this.nextId = initialId & 0xffff;
        this.in = new Ipv4Input(this, counters, interfaces);
        this.reassembler = new Reassembler(pool, counters, timers, in::reassemblyTimedOut);
    }

    public void setIcmp(IcmpErrorReporter icmp) {
        this.icmp = icmp;
    }

    public RoutingTable routes() {
        return routes;
    }

    public PathMtuCache pathMtuCache() {
        return pathMtu;
    }

    public Reassembler reassembler() {
        return reassembler;
    }

    public NeighborConfig neighborConfig() {
        return neighborConfig;
    }

    public InterfaceTable interfaces() {
        return interfaces;
    }

    public void setDefaultTtl(int ttl) {
        if (ttl < 1 || ttl > 255) {
            throw new IllegalArgumentException("TTL " + ttl);
        }
        defaultTtl = ttl;
    }

    public int defaultTtl() {
        return defaultTtl;
    }

    /** Registers the handler of an IP protocol number; replaces none silently. */
    public void register(TransportProtocol p) {
        int n = p.protocolNumber();
        if (n < 0 || n > 255) {
            throw new IllegalArgumentException("protocol number " + n);
        }
        if (transports[n] != null && transports[n] != p) {
            throw new IllegalStateException("protocol " + n + " already has a handler");
        }
        transports[n] = p;
    }

    public TransportProtocol transport(int protocol) {
        return transports[protocol & 0xff];
    }

    /** Gives an interface its neighbour cache (Ethernet interfaces only). */
    public NeighborCache attach(NetInterface iface) {
        if (iface.isLoopback()) {
            return null;
        }
        NeighborCache nc = new NeighborCache(iface, timers, counters, neighborConfig, this);
        iface.setNeighbors(nc);
        return nc;
    }

    public static NeighborCache neighbors(NetInterface iface) {
        return (NeighborCache) iface.neighbors();
    }

    /**
     * One IPv4 packet received on {@code iface}: {@code a[off..off+len)} is everything after
     * the link header (Ethernet padding included), lent for this call. See {@link Ipv4Input}.
     */
    public void input(NetInterface iface, byte[] a, int off, int len, long now) {
        in.input(iface, a, off, len, false, 0, now);
    }

    /**
     * {@link #input(NetInterface, byte[], int, int, long)} for a packet whose TCP/UDP checksum
     * the link driver has already verified ({@link PacketBuffer#transportChecksumVerified()}).
     */
    public void input(NetInterface iface, byte[] a, int off, int len, boolean transportChecksumVerified, long now) {
        in.input(iface, a, off, len, transportChecksumVerified, 0, now);
    }

    /**
     * {@link #input(NetInterface, byte[], int, int, boolean, long)} for a packet the link driver
     * may have coalesced: {@code receivedGsoSize} is {@link PacketBuffer#receivedGsoSize()}, and a
     * non-zero value lets a verified, unfragmented TCP packet exceed the interface MTU.
     */
    public void input(NetInterface iface, byte[] a, int off, int len, boolean transportChecksumVerified, int receivedGsoSize,
            long now) {
        in.input(iface, a, off, len, transportChecksumVerified, receivedGsoSize, now);
    }

    IcmpErrorReporter icmp() {
        return icmp;
    }

    // ------------------------------------------------------------------ loopback

    /** Delivers the packets queued for our own addresses (one round; new ones wait for the next). */
    public void pollLoopback(long now) {
        int n = loopbackQueue.size();
        NetInterface lo = interfaces.loopback();
        for (int k = 0; k < n; k++) {
            PacketBuffer p = loopbackQueue.pollFirst();
            try {
                if (lo != null && lo.isUp()) {
                    input(lo, p.array(), p.start(), p.length(), now);
                } else {
                    counters.drop(DropReason.INTERFACE_DOWN);
                }
            } finally {
                p.release();
            }
        }
    }

    public boolean hasLoopbackWork() {
        return !loopbackQueue.isEmpty();
    }

    /** Drops everything queued (stack shutdown). */
    public void clear() {
        PacketBuffer p;
        while ((p = loopbackQueue.pollFirst()) != null) {
            p.release();
        }
        reassembler.clear();
        for (NetInterface i : interfaces.all()) {
            NeighborCache nc = neighbors(i);
            if (nc != null) {
                nc.flushAll();
            }
        }
    }

    // ------------------------------------------------------------------ output (IpOutput)

    @Override
    public int send(PacketBuffer payload, int source, int destination, int protocol, int tos, int ttl, boolean dontFragment) {
        counters.inc(StackCounter.IP_OUT_REQUESTS);
        RouteResult r = route;
        if (!routes.lookup(destination, r)) {
            payload.release();
            counters.inc(StackCounter.IP_OUT_NO_ROUTES);
            counters.drop(DropReason.IPV4_NO_ROUTE);
            return -Errno.ENETUNREACH;
        }
        if (source == 0) {
            source = r.source;
            if (source == 0) {
                payload.release();
                counters.inc(StackCounter.IP_OUT_NO_ROUTES);
                counters.drop(DropReason.IPV4_NO_ROUTE);
                return -Errno.ENETUNREACH;
            }
        }
        int mtu = r.mtu;
        if (!r.local) {
            int p = pathMtu.get(destination, clock.nanos());
            if (p != 0 && p < mtu) {
                mtu = p;
            }
        }
        return output(r.iface, r.nextHop, r.broadcast, payload, source, destination, protocol, tos, ttl, dontFragment, mtu);
    }

    private int output(NetInterface iface, int nextHop, boolean broadcast, PacketBuffer payload, int src, int dst,
                       int protocol, int tos, int ttl, boolean df, int mtu) {
        int len = payload.length();
        if (len + HEADER > Ipv4Packet.MAX_TOTAL_LENGTH) {
            payload.release();
            counters.inc(StackCounter.IP_OUT_DISCARDS);
            return -Errno.EMSGSIZE;
        }
        if (ttl <= 0) {
            ttl = defaultTtl;
        }
        int id = nextId;
        int gso = payload.gsoSize();
        if (gso > 0) {
            // A TCP super-segment: what must fit the MTU is each wire segment it becomes. It uses
            // one identification per segment, as the segmentation engine increments it.
            int data = len - TcpHeader.headerLength(payload.array(), payload.start());
            if (HEADER + (len - data) + gso > mtu) {
                payload.release();
                counters.inc(StackCounter.IP_FRAG_FAILS);
                counters.drop(DropReason.IPV4_FRAGMENT_NEEDED_DF);
                return -Errno.EMSGSIZE;
            }
            nextId = (nextId + (data + gso - 1) / gso) & 0xffff;
            mtu = Ipv4Packet.MAX_TOTAL_LENGTH;
        } else {
            nextId = (nextId + 1) & 0xffff;
        }
        if (len + HEADER <= mtu) {
            PacketBuffer p = payload;
            if (p.headroom() < HEADER + EthernetFrame.VLAN_HEADER_LEN) {
                p = payload.copy(pool, BufferPool.DEFAULT_HEADROOM);
                payload.release();
            }
            int h = p.prepend(HEADER);
            writeHeader(p.array(), h, HEADER + len, tos, id, df ? Ipv4Packet.FLAG_DONT_FRAGMENT : 0, ttl, protocol, src, dst);
            return transmit(iface, nextHop, broadcast, dst, p);
        }
        if (df) {
            payload.release();
            counters.inc(StackCounter.IP_FRAG_FAILS);
            counters.drop(DropReason.IPV4_FRAGMENT_NEEDED_DF);
            return -Errno.EMSGSIZE;
        }
        // Fragments are complete packets: the link sees them as data, not as one transport segment.
        SoftwareOffload.finishChecksum(payload);
        // RFC 791 3.2 fragmentation: every fragment but the last carries a multiple of 8 bytes.
        int chunk = (mtu - HEADER) & ~7;
        byte[] src0 = payload.array();
        int base = payload.start();
        int result = 0;
        for (int at = 0; at < len; at += chunk) {
            int n = Math.min(chunk, len - at);
            boolean more = at + n < len;
            PacketBuffer f = pool.acquire(BufferPool.DEFAULT_HEADROOM, HEADER + n);
            int h = f.append(HEADER + n);
            writeHeader(f.array(), h, HEADER + n, tos, id, (more ? Ipv4Packet.FLAG_MORE_FRAGMENTS : 0) | (at >>> 3), ttl, protocol, src, dst);
            System.arraycopy(src0, base + at, f.array(), h + HEADER, n);
            counters.inc(StackCounter.IP_FRAG_CREATES);
            int r = transmit(iface, nextHop, broadcast, dst, f);
            if (r < 0 && result == 0) {
                result = r;
            }
        }
        payload.release();
        counters.inc(StackCounter.IP_FRAG_OKS);
        return result;
    }

    private static void writeHeader(byte[] a, int h, int total, int tos, int id, int flagsOffset, int ttl, int protocol, int src, int dst) {
        Bytes.u8(a, h + Ipv4Packet.VERSION_IHL, 0x45);
        Bytes.u8(a, h + Ipv4Packet.TOS, tos);
        Bytes.u16(a, h + Ipv4Packet.TOTAL_LENGTH, total);
        Bytes.u16(a, h + Ipv4Packet.IDENTIFICATION, id);
        Bytes.u16(a, h + Ipv4Packet.FLAGS_FRAGMENT_OFFSET, flagsOffset);
        Bytes.u8(a, h + Ipv4Packet.TTL, ttl);
        Bytes.u8(a, h + Ipv4Packet.PROTOCOL, protocol);
        Bytes.u32(a, h + Ipv4Packet.SOURCE, src);
        Bytes.u32(a, h + Ipv4Packet.DESTINATION, dst);
        Ipv4Packet.fillChecksum(a, h);
    }

    /**
     * Hands an IP packet to its interface; offloads the interface does not (or no longer) take
     * are done here in software first, as Linux's validate_xmit_skb.
     */
    private int transmit(NetInterface iface, int nextHop, boolean broadcast, int dst, PacketBuffer p) {
        if (p.hasOffload()) {
            if ((iface.txOffloads() & neededOffload(p)) == 0) {
                softIface = iface;
                softNextHop = nextHop;
                softBroadcast = broadcast;
                softDst = dst;
                softResult = 0;
                SoftwareOffload.finish(p, 0, pool, softSink);
                softIface = null;
                return softResult;
            }
        }
        return transmitFinished(iface, nextHop, broadcast, dst, p);
    }

    private static int neededOffload(PacketBuffer p) {
        return p.gsoSize() > 0 ? Link.OFFLOAD_TSO : Link.OFFLOAD_TX_CHECKSUM;
    }

    private void transmitSoftwareSegment(PacketBuffer p) {
        int r = transmitFinished(softIface, softNextHop, softBroadcast, softDst, p);
        if (r < 0 && softResult == 0) {
            softResult = r;
        }
    }

    /** Hands a finished IP packet to its interface: loopback queue, broadcast, or neighbour cache. */
    private int transmitFinished(NetInterface iface, int nextHop, boolean broadcast, int dst, PacketBuffer p) {
        if (iface.isLoopback()) {
            if (loopbackQueue.size() >= LOOPBACK_BACKLOG) {
                p.release();
                counters.inc(StackCounter.IP_OUT_DISCARDS);
                counters.drop(DropReason.NO_BUFFER);
                return -Errno.ENOBUFS;
            }
            loopbackQueue.addLast(p);
            return 0;
        }
        if (!iface.isUp()) {
            p.release();
            counters.inc(StackCounter.IP_OUT_DISCARDS);
            counters.drop(DropReason.INTERFACE_DOWN);
            return -Errno.ENETDOWN;
        }
        if (broadcast) {
            transmitFrame(iface, p, MacAddress.BROADCAST.bits(), EtherType.IPV4);
            return 0;
        }
        if (Ipv4Address.isMulticast(dst)) {
            // RFC 1112 6.4: 01:00:5e and the low 23 bits of the group.
            transmitFrame(iface, p, 0x01005e000000L | (dst & 0x7fffff), EtherType.IPV4);
            return 0;
        }
        neighbors(iface).send(p, nextHop, clock.nanos());
        return 0;
    }

    /** Prepends the Ethernet header and gives the frame to the link. */
    public void transmitFrame(NetInterface iface, PacketBuffer p, long dstMac, int etherType) {
        int e = p.prepend(EthernetFrame.HEADER_LEN);
        byte[] a = p.array();
        EthernetFrame.destination(a, e, dstMac);
        EthernetFrame.source(a, e, iface.macBits());
        EthernetFrame.etherType(a, e, etherType);
        counters.inc(StackCounter.ETH_OUT_FRAMES);
        counters.add(StackCounter.ETH_OUT_OCTETS, p.length());
        Link link = iface.link();
        if (p.hasOffload() && (iface.txOffloads() & neededOffload(p)) == 0) {
            // Checked again here: a packet that waited for ARP may find the link changed.
            SoftwareOffload.finishFrame(p, pool, link::transmit);
            return;
        }
        link.transmit(p);
    }

    @Override
    public int sourceAddressFor(int destination) {
        return routes.lookup(destination, route) ? route.source : 0;
    }

    @Override
    public int pathMtu(int destination) {
        if (!routes.lookup(destination, route)) {
            return 0;
        }
        int mtu = route.mtu;
        if (!route.local) {
            int p = pathMtu.get(destination, clock.nanos());
            if (p != 0 && p < mtu) {
                mtu = p;
            }
        }
        return mtu;
    }

    @Override
    public int txOffloads(int destination) {
        if (!routes.lookup(destination, route) || route.local || route.iface == null) {
            return 0;
        }
        return route.iface.txOffloads();
    }

    @Override
    public boolean isLocalAddress(int address) {
        return interfaces.isLocal(address);
    }

    /** Would a packet to {@code destination} be a broadcast (limited, or directed on its route's interface)? */
    public boolean isBroadcast(int destination) {
        if (destination == Ipv4Address.BROADCAST) {
            return true;
        }
        return routes.lookup(destination, route) && route.broadcast;
    }

    /** Fills {@code out} with the route to {@code destination}; false if none. */
    public boolean route(int destination, RouteResult out) {
        return routes.lookup(destination, out);
    }

    // ------------------------------------------------------------------ NeighborCache.Hooks

    @Override
    public void sendArpRequest(NetInterface iface, int targetIp, long targetMac) {
        int sender = iface.sourceFor(targetIp);
        if (sender == 0 || !iface.isUp()) {
            return;
        }
        Arp.send(this, pool, counters, iface, Arp.OP_REQUEST, sender, targetIp, targetMac == 0 ? 0 : targetMac,
                targetMac == 0 ? MacAddress.BROADCAST.bits() : targetMac);
    }

    @Override
    public void transmitResolved(NetInterface iface, PacketBuffer ipPacket, long mac) {
        if (!iface.isUp()) {
            ipPacket.release();
            counters.drop(DropReason.INTERFACE_DOWN);
            return;
        }
        transmitFrame(iface, ipPacket, mac, EtherType.IPV4);
    }

    @Override
    public void resolutionFailed(NetInterface iface, PacketBuffer ipPacket) {
        try {
            if (icmp != null) {
                icmp.localError(Icmpv4Type.DESTINATION_UNREACHABLE, Icmpv4Code.HOST_UNREACHABLE,
                        ipPacket.array(), ipPacket.start(), ipPacket.length());
            }
        } finally {
            ipPacket.release();
        }
    }
}
