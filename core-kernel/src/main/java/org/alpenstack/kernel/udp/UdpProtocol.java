package org.alpenstack.kernel.udp;

import java.util.List;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.icmp.IcmpErrors;
import org.alpenstack.kernel.ip.IcmpErrorReporter;
import org.alpenstack.kernel.ip.IpPacketInfo;
import org.alpenstack.kernel.ip.TransportProtocol;
import org.alpenstack.kernel.socket.PortBinding;
import org.alpenstack.kernel.socket.PortTable;
import org.alpenstack.kernel.stack.DropReason;
import org.alpenstack.kernel.stack.StackCounter;
import org.alpenstack.kernel.stack.StackCounters;
import org.alpenstack.kernel.wire.Icmpv4Code;
import org.alpenstack.kernel.wire.Icmpv4Type;
import org.alpenstack.kernel.wire.IpProtocol;
import org.alpenstack.kernel.wire.Ipv4Packet;
import org.alpenstack.kernel.wire.UdpPacket;

/**
 * UDP input (RFC 768, RFC 1122 4.1): length and checksum checks, demultiplexing to sockets the
 * way Linux's __udp4_lib_lookup scores them (a connected 4-tuple beats a specific local address
 * beats a wildcard; an SO_REUSEPORT group shares by flow hash), broadcast delivery to every
 * matching socket, ICMP port unreachable for a closed port (RFC 1122 4.1.3.1), and ICMP errors
 * routed back to the socket that sent the offending datagram.
 */
public final class UdpProtocol implements TransportProtocol {
    private final PortTable ports;
    private final StackCounters counters;
    private IcmpErrorReporter icmp;

    public UdpProtocol(PortTable ports, StackCounters counters) {
        this.ports = ports;
        this.counters = counters;
    }

    public void setIcmp(IcmpErrorReporter icmp) {
        this.icmp = icmp;
    }

    @Override
    public int protocolNumber() {
        return IpProtocol.UDP;
    }

    @Override
    public void receive(IpPacketInfo ip, PacketBuffer payload) {
        byte[] a = payload.array();
        int off = payload.start();
        DropReason bad = UdpPacket.check(a, off, payload.length());
        if (bad != null) {
            counters.inc(StackCounter.UDP_IN_ERRORS);
            counters.drop(bad);
            return;
        }
        // Skipped only on the link driver's word (the kernel verified it); otherwise every byte is summed.
        if (!ip.transportChecksumVerified && !UdpPacket.verifyChecksum(a, off, ip.source, ip.destination)) {
            counters.inc(StackCounter.UDP_IN_ERRORS);
            counters.inc(StackCounter.UDP_IN_CSUM_ERRORS);
            counters.drop(DropReason.UDP_BAD_CHECKSUM);
            return;
        }
        // Bytes after the UDP length (inside the IP payload) are not part of the datagram.
        int dataLen = UdpPacket.length(a, off) - UdpPacket.HEADER_LEN;
        int sport = UdpPacket.sourcePort(a, off);
        int dport = UdpPacket.destinationPort(a, off);
        List<PortBinding> candidates = ports.bindings(IpProtocol.UDP, dport);
        if (ip.linkBroadcast) {
            deliverBroadcast(candidates, ip, a, off + UdpPacket.HEADER_LEN, dataLen, sport);
            return;
        }
        UdpSocket s = lookup(candidates, ip.source, sport, ip.destination);
        if (s == null) {
            counters.inc(StackCounter.UDP_NO_PORTS);
            counters.drop(DropReason.UDP_NO_SOCKET);
            if (icmp != null && ip.packet != null) {
                icmp.sendError(Icmpv4Type.DESTINATION_UNREACHABLE, Icmpv4Code.PORT_UNREACHABLE, 0,
                        ip.packet, ip.packetOffset, ip.totalLength, false);
            }
            return;
        }
        deliver(s, ip, a, off + UdpPacket.HEADER_LEN, dataLen, sport);
    }

    private void deliver(UdpSocket s, IpPacketInfo ip, byte[] a, int off, int len, int sport) {
        if (s.deliver(a, off, len, ip.source, sport, ip)) {
            counters.inc(StackCounter.UDP_IN_DATAGRAMS);
        } else {
            counters.inc(StackCounter.UDP_RCVBUF_ERRORS);
            counters.inc(StackCounter.UDP_IN_ERRORS);
            counters.drop(DropReason.UDP_RECEIVE_QUEUE_FULL);
        }
    }

    /** Every socket bound to the port whose address and peer fit gets a copy (Linux __udp4_lib_mcast_deliver). */
    private void deliverBroadcast(List<PortBinding> candidates, IpPacketInfo ip, byte[] a, int off, int len, int sport) {
        boolean any = false;
        for (int i = 0; i < candidates.size(); i++) {
            PortBinding b = candidates.get(i);
            if ((b.localAddress != 0 && b.localAddress != ip.destination)
                    || (b.remoteAddress != 0 && b.remoteAddress != ip.source)
                    || (b.remotePort != 0 && b.remotePort != sport)) {
                continue;
            }
            any = true;
            deliver((UdpSocket) b.owner, ip, a, off, len, sport);
        }
        if (!any) {
            // No port unreachable for broadcasts (RFC 1122 4.1.3.1).
            counters.inc(StackCounter.UDP_NO_PORTS);
            counters.drop(DropReason.UDP_NO_SOCKET);
        }
    }

    /**
     * The best socket for a unicast datagram, or null. Among equals, Linux's hash chain puts the
     * most recently bound socket first (SO_REUSEADDR duplicates: the newest gets unicast); an
     * SO_REUSEPORT group shares by a hash of the source, stably per flow.
     */
    private static UdpSocket lookup(List<PortBinding> candidates, int src, int sport, int dst) {
        PortBinding best = null;
        int bestScore = -1;
        for (int i = 0; i < candidates.size(); i++) {
            PortBinding b = candidates.get(i);
            int score = score(b, src, sport, dst);
            if (score >= 0 && score >= bestScore) {
                best = b;
                bestScore = score;
            }
        }
        if (best == null || !best.reusePort) {
            return best == null ? null : (UdpSocket) best.owner;
        }
        int group = 0;
        for (int i = 0; i < candidates.size(); i++) {
            PortBinding b = candidates.get(i);
            if (b.reusePort && score(b, src, sport, dst) == bestScore) {
                group++;
            }
        }
        int pick = Math.floorMod((src * 31 + sport) * 0x9E3779B9, group);
        for (int i = 0; i < candidates.size(); i++) {
            PortBinding b = candidates.get(i);
            if (b.reusePort && score(b, src, sport, dst) == bestScore && pick-- == 0) {
                return (UdpSocket) b.owner;
            }
        }
        return (UdpSocket) best.owner;
    }

    private static int score(PortBinding b, int src, int sport, int dst) {
        int score = 0;
        if (b.localAddress != 0) {
            if (b.localAddress != dst) {
                return -1;
            }
            score += 4;
        }
        if (b.remoteAddress != 0) {
            if (b.remoteAddress != src) {
                return -1;
            }
            score += 4;
        }
        if (b.remotePort != 0) {
            if (b.remotePort != sport) {
                return -1;
            }
            score += 4;
        }
        return score;
    }

    @Override
    public void icmpError(int icmpType, int icmpCode, int errno, int nextHopMtu, byte[] quoted, int quotedOffset, int quotedLength) {
        if (quotedLength < Ipv4Packet.HEADER_LEN) {
            counters.drop(DropReason.ICMP_BAD_QUOTE);
            return;
        }
        int hl = Ipv4Packet.headerLength(quoted, quotedOffset);
        if (hl < Ipv4Packet.HEADER_LEN || quotedLength < hl + UdpPacket.HEADER_LEN) {
            counters.drop(DropReason.ICMP_BAD_QUOTE);
            return;
        }
        int src = Ipv4Packet.source(quoted, quotedOffset);
        int dst = Ipv4Packet.destination(quoted, quotedOffset);
        int u = quotedOffset + hl;
        int sport = UdpPacket.sourcePort(quoted, u);
        int dport = UdpPacket.destinationPort(quoted, u);
        // The datagram went from us (src:sport) to them (dst:dport): find the socket that sent it.
        UdpSocket s = lookup(ports.bindings(IpProtocol.UDP, sport), dst, dport, src);
        if (s == null) {
            counters.drop(DropReason.ICMP_ERROR_NO_SOCKET);
            return;
        }
        int data = u + UdpPacket.HEADER_LEN;
        s.icmpError(errno, IcmpErrors.isHard(icmpType, icmpCode), icmpType, icmpCode, nextHopMtu,
                icmp == null ? 0 : icmp.currentErrorSource(), dst, dport, quoted, data, quotedOffset + quotedLength - data);
    }
}
