package org.alpenstack.kernel.ip;

import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.iface.InterfaceTable;
import org.alpenstack.kernel.iface.NetInterface;
import org.alpenstack.kernel.stack.DropReason;
import org.alpenstack.kernel.stack.StackCounter;
import org.alpenstack.kernel.stack.StackCounters;
import org.alpenstack.kernel.wire.Icmpv4Code;
import org.alpenstack.kernel.wire.Icmpv4Type;
import org.alpenstack.kernel.wire.IpProtocol;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.Ipv4Packet;

/**
 * IPv4 input for a host (RFC 791, RFC 1122 3.2.1 and 3.3): header checks in the order of
 * Linux's ip_rcv_core, martian sources, our-address / broadcast classification (no forwarding),
 * reassembly, and delivery to the transport with one reused {@link IpPacketInfo}.
 */
final class Ipv4Input {
    private final Ipv4Layer layer;
    private final StackCounters counters;
    private final InterfaceTable interfaces;
    private final IpPacketInfo info = new IpPacketInfo();
    private final PacketBuffer rxView = PacketBuffer.wrap(new byte[0], 0, 0);

    Ipv4Input(Ipv4Layer layer, StackCounters counters, InterfaceTable interfaces) {
        this.layer = layer;
        this.counters = counters;
        this.interfaces = interfaces;
    }

    /**
     * One IPv4 packet received on {@code iface}: {@code a[off..off+len)} is everything after
     * the link header (Ethernet padding included), lent for this call. {@code transportChecksumVerified}
     * is the link driver's word that the TCP/UDP checksum is already checked (never for a fragment:
     * the driver cannot check a datagram it has not seen whole, and a reassembled one is verified here).
     * {@code receivedGsoSize} is non-zero for a TCP super-packet the driver coalesced
     * ({@link PacketBuffer#receivedGsoSize()}): the only kind of packet allowed above the MTU.
     */
    void input(NetInterface iface, byte[] a, int off, int len, boolean transportChecksumVerified, int receivedGsoSize, long now) {
        counters.inc(StackCounter.IP_IN_RECEIVES);
        DropReason bad = Ipv4Packet.check(a, off, len);
        if (bad != null) {
            dropHeaderError(bad);
            return;
        }
        if (!Ipv4Packet.verifyChecksum(a, off)) {
            dropHeaderError(DropReason.IPV4_BAD_CHECKSUM);
            return;
        }
        // The total length says where the packet ends; what follows is link padding (RFC 894).
        int total = Ipv4Packet.totalLength(a, off);
        if (total > iface.mtu() && !coalescedTcp(a, off, transportChecksumVerified, receivedGsoSize)) {
            // A device drops what exceeds its MTU before IP sees it (Linux veth: is_skb_forwardable,
            // which lets GSO packets through); only the driver's coalesced TCP packets may be larger.
            counters.inc(StackCounter.IP_IN_DISCARDS);
            counters.drop(DropReason.IPV4_LONGER_THAN_MTU);
            return;
        }
        int src = Ipv4Packet.source(a, off);
        int dst = Ipv4Packet.destination(a, off);
        if (!iface.isLoopback() && badSource(src, dst)) {
            dropHeaderError(DropReason.IPV4_BAD_SOURCE);
            return;
        }
        if (Ipv4Packet.ttl(a, off) == 0) {
            // RFC 1122 3.2.1.7: a host MUST NOT send TTL 0, so such a packet is broken; we drop
            // it (Linux, as a host, would deliver it).
            dropHeaderError(DropReason.IPV4_TTL_EXPIRED);
            return;
        }
        boolean broadcast;
        if (dst == Ipv4Address.BROADCAST || iface.isDirectedBroadcast(dst) || dst == Ipv4Layer.ALL_SYSTEMS) {
            broadcast = true;
        } else if (iface.isLoopback() ? interfaces.isLocal(dst) : (!Ipv4Address.isLoopback(dst) && interfaces.owner(dst) != null)) {
            // 127/8 from the wire is a martian destination (RFC 1122 3.2.1.3 (g)).
            // Weak host model (RFC 1122 3.3.4.2, Linux): any of our addresses on any interface.
            broadcast = false;
        } else {
            // We are a host, not a router (RFC 1122 3.3.1.1): no forwarding.
            counters.inc(StackCounter.IP_IN_ADDR_ERRORS);
            counters.drop(DropReason.IPV4_NOT_FOR_US);
            return;
        }
        if (Ipv4Packet.isFragment(a, off)) {
            PacketBuffer whole = layer.reassembler().add(a, off, now);
            if (whole == null) {
                return;
            }
            try {
                deliver(iface, whole.array(), whole.start(), whole.length(), broadcast, false, 0);
            } finally {
                whole.release();
            }
            return;
        }
        deliver(iface, a, off, total, broadcast, transportChecksumVerified, total > iface.mtu() ? receivedGsoSize : 0);
    }

    /**
     * A packet the driver built from one local sender's TSO/GRO super-frame: marked with its wire
     * segment size, its checksum vouched for (the sender never computed it), TCP, and not a fragment
     * (GRO never merges fragments; a fragment goes through reassembly, which checks sums itself).
     */
    private static boolean coalescedTcp(byte[] a, int off, boolean transportChecksumVerified, int receivedGsoSize) {
        return receivedGsoSize > 0 && transportChecksumVerified && Ipv4Packet.protocol(a, off) == IpProtocol.TCP
                && !Ipv4Packet.isFragment(a, off);
    }

    /** Martian sources (RFC 1122 3.2.1.3, Linux ip_route_input_slow / fib_validate_source). */
    private boolean badSource(int src, int dst) {
        if (src == 0) {
            // 0.0.0.0 as source is only legal while a host learns its address (DHCP, to broadcast).
            return dst != Ipv4Address.BROADCAST;
        }
        return src == Ipv4Address.BROADCAST
                || Ipv4Address.isMulticast(src)
                || Ipv4Address.isLoopback(src)
                || (src >>> 28) == 0xf // class E, reserved
                || interfaces.owner(src) != null
                || interfaces.isDirectedBroadcast(src);
    }

    private void dropHeaderError(DropReason r) {
        counters.inc(StackCounter.IP_IN_HDR_ERRORS);
        counters.drop(r);
    }

    private void deliver(NetInterface iface, byte[] a, int off, int total, boolean broadcast, boolean transportChecksumVerified,
            int receivedGsoSize) {
        int hl = Ipv4Packet.headerLength(a, off);
        int proto = Ipv4Packet.protocol(a, off);
        TransportProtocol t = layer.transport(proto);
        if (t == null) {
            counters.inc(StackCounter.IP_IN_UNKNOWN_PROTOS);
            counters.drop(DropReason.IPV4_UNKNOWN_PROTOCOL);
            IcmpErrorReporter icmp = layer.icmp();
            if (icmp != null) {
                // RFC 1122 3.2.2.1: protocol unreachable for a protocol we do not implement.
                icmp.sendError(Icmpv4Type.DESTINATION_UNREACHABLE, Icmpv4Code.PROTOCOL_UNREACHABLE, 0, a, off, total, broadcast);
            }
            return;
        }
        IpPacketInfo i = info;
        i.source = Ipv4Packet.source(a, off);
        i.destination = Ipv4Packet.destination(a, off);
        i.protocol = proto;
        i.ttl = Ipv4Packet.ttl(a, off);
        i.tos = Ipv4Packet.tos(a, off);
        i.interfaceIndex = iface.index();
        i.linkBroadcast = broadcast;
        i.packet = a;
        i.packetOffset = off;
        i.headerLength = hl;
        i.totalLength = total;
        i.transportChecksumVerified = transportChecksumVerified;
        i.receivedGsoSize = receivedGsoSize;
        counters.inc(StackCounter.IP_IN_DELIVERS);
        rxView.rewrap(a, off + hl, total - hl);
        t.receive(i, rxView);
        i.packet = null;
        i.transportChecksumVerified = false;
        i.receivedGsoSize = 0;
    }

    void reassemblyTimedOut(byte[] a, int off, int len) {
        IcmpErrorReporter icmp = layer.icmp();
        if (icmp != null) {
            // RFC 792 / RFC 1122 3.3.2: time exceeded, code 1, if fragment zero had arrived.
            icmp.sendError(Icmpv4Type.TIME_EXCEEDED, Icmpv4Code.FRAGMENT_REASSEMBLY_TIME_EXCEEDED, 0, a, off, len,
                    Ipv4Packet.destination(a, off) == Ipv4Address.BROADCAST || interfaces.isDirectedBroadcast(Ipv4Packet.destination(a, off)));
        }
    }
}
