package org.alpenstack.kernel.ip;

import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.iface.NetInterface;
import org.alpenstack.kernel.stack.DropReason;
import org.alpenstack.kernel.stack.StackCounter;
import org.alpenstack.kernel.stack.StackCounters;
import org.alpenstack.kernel.wire.ArpPacket;
import org.alpenstack.kernel.wire.EtherType;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.MacAddress;

/**
 * ARP input and output (RFC 826) for Ethernet/IPv4. Input runs RFC 826's packet reception
 * algorithm: check hardware and protocol, merge the sender into the cache if known (or if the
 * request is aimed at us), answer requests for our own addresses.
 *
 * <p>We answer only for addresses configured on the interface the request arrived on (Linux
 * arp_ignore=1), so instances sharing a NIC never answer for each other.
 */
public final class Arp {
    public static final int OP_REQUEST = ArpPacket.OP_REQUEST;
    public static final int OP_REPLY = ArpPacket.OP_REPLY;

    private Arp() {
    }

    /** One ARP packet at {@code a[off..off+len)} received on {@code iface} (lent). */
    public static void input(Ipv4Layer ip, BufferPool pool, StackCounters counters, NetInterface iface,
                             byte[] a, int off, int len, long now) {
        DropReason bad = ArpPacket.check(a, off, len);
        if (bad != null) {
            counters.drop(bad);
            return;
        }
        int op = ArpPacket.operation(a, off);
        counters.inc(op == OP_REQUEST ? StackCounter.ARP_IN_REQUESTS : StackCounter.ARP_IN_REPLIES);
        long sha = ArpPacket.senderHardwareAddress(a, off);
        int spa = ArpPacket.senderProtocolAddress(a, off);
        int tpa = ArpPacket.targetProtocolAddress(a, off);
        if (MacAddress.isMulticast(sha) || sha == 0
                || spa == Ipv4Address.BROADCAST || Ipv4Address.isMulticast(spa) || Ipv4Address.isLoopback(spa)
                || (spa != 0 && iface.hasAddress(spa))) {
            // A group MAC as sender, or somebody claiming one of our addresses: never learn that.
            counters.drop(DropReason.ARP_BAD_SENDER);
            return;
        }
        boolean targetIsUs = iface.hasAddress(tpa);
        NeighborCache cache = Ipv4Layer.neighbors(iface);
        if (spa != 0 && cache != null) {
            cache.arpReceived(spa, sha, targetIsUs, op == OP_REPLY, now);
        }
        if (!targetIsUs) {
            if (spa != tpa) {
                // Not for us (a gratuitous ARP, spa == tpa, has done its work by the merge above).
                counters.drop(DropReason.ARP_NOT_FOR_US);
            }
            return;
        }
        if (op == OP_REQUEST) {
            // RFC 5227 probes (sender 0.0.0.0) get a reply addressed to 0.0.0.0 too, as Linux does.
            send(ip, pool, counters, iface, OP_REPLY, tpa, spa, sha, sha);
        }
    }

    /** Emits an ARP packet from this interface's MAC. */
    public static void send(Ipv4Layer ip, BufferPool pool, StackCounters counters, NetInterface iface, int op,
                            int senderIp, int targetIp, long targetMac, long frameDestination) {
        PacketBuffer p = pool.acquire(BufferPool.DEFAULT_HEADROOM, ArpPacket.PACKET_LEN);
        int at = p.append(ArpPacket.PACKET_LEN);
        ArpPacket.emit(p.array(), at, op, iface.macBits(), senderIp, targetMac, targetIp);
        counters.inc(op == OP_REQUEST ? StackCounter.ARP_OUT_REQUESTS : StackCounter.ARP_OUT_REPLIES);
        ip.transmitFrame(iface, p, frameDestination, EtherType.ARP);
    }

    /**
     * Gratuitous ARP (RFC 5227 section 3 "ARP announcement", what Linux sends when an address is
     * added): a broadcast request with sender and target both the new address, so neighbours
     * update stale entries.
     */
    public static void announce(Ipv4Layer ip, BufferPool pool, StackCounters counters, NetInterface iface, int address) {
        if (iface.isLoopback() || !iface.isUp()) {
            return;
        }
        send(ip, pool, counters, iface, OP_REQUEST, address, address, 0, MacAddress.BROADCAST.bits());
    }
}
