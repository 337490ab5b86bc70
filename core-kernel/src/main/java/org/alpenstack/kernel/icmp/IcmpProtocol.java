package org.alpenstack.kernel.icmp;

import java.util.List;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.ip.IcmpErrorReporter;
import org.alpenstack.kernel.ip.IpPacketInfo;
import org.alpenstack.kernel.ip.Ipv4Layer;
import org.alpenstack.kernel.ip.TransportProtocol;
import org.alpenstack.kernel.socket.PortBinding;
import org.alpenstack.kernel.socket.PortTable;
import org.alpenstack.kernel.stack.DropReason;
import org.alpenstack.kernel.stack.StackCounter;
import org.alpenstack.kernel.stack.StackCounters;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.Icmpv4Code;
import org.alpenstack.kernel.wire.Icmpv4Packet;
import org.alpenstack.kernel.wire.Icmpv4Type;
import org.alpenstack.kernel.wire.IpProtocol;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.Ipv4Packet;

/**
 * ICMPv4 (RFC 792, RFC 1122 3.2.2) for a host: answers echo requests, hands echo replies to
 * ping sockets, routes incoming errors to the transport that sent the quoted datagram (with
 * Linux's errno), records path MTUs from "fragmentation needed" (RFC 1191), and sends the
 * errors other layers ask for, rate-limited and never where RFC 1122 forbids them.
 */
public final class IcmpProtocol implements TransportProtocol, IcmpErrorReporter {
    /** RFC 1191 section 7 table of MTU plateaus, for routers that send no next-hop MTU. */
    private static final int[] PLATEAUS = {65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68};

    private final Ipv4Layer ip;
    private final PortTable ports;
    private final BufferPool pool;
    private final StackCounters counters;
    private final Clock clock;
    private final IcmpRateLimiter rateLimiter = new IcmpRateLimiter();
    private boolean ignoreBroadcastEchos = true;
    private int errorSource;

    public IcmpProtocol(Ipv4Layer ip, PortTable ports, BufferPool pool, StackCounters counters, Clock clock) {
        this.ip = ip;
        this.ports = ports;
        this.pool = pool;
        this.counters = counters;
        this.clock = clock;
    }

    public IcmpRateLimiter rateLimiter() {
        return rateLimiter;
    }

    /** net.ipv4.icmp_echo_ignore_broadcasts (default on, as in Linux). */
    public void setIgnoreBroadcastEchos(boolean ignore) {
        this.ignoreBroadcastEchos = ignore;
    }

    @Override
    public int protocolNumber() {
        return IpProtocol.ICMP;
    }

    // ------------------------------------------------------------------ input

    @Override
    public void receive(IpPacketInfo info, PacketBuffer payload) {
        byte[] a = payload.array();
        int off = payload.start();
        int len = payload.length();
        DropReason bad = Icmpv4Packet.check(a, off, len);
        if (bad != null) {
            counters.inc(StackCounter.ICMP_IN_ERRORS);
            counters.drop(bad);
            return;
        }
        if (!Icmpv4Packet.verifyChecksum(a, off, len)) {
            counters.inc(StackCounter.ICMP_IN_ERRORS);
            counters.inc(StackCounter.ICMP_IN_CSUM_ERRORS);
            counters.drop(DropReason.ICMP_BAD_CHECKSUM);
            return;
        }
        counters.inc(StackCounter.ICMP_IN_MSGS);
        int type = Icmpv4Packet.type(a, off);
        switch (type) {
            case Icmpv4Type.ECHO_REQUEST -> {
                counters.inc(StackCounter.ICMP_IN_ECHOS);
                if (info.linkBroadcast && ignoreBroadcastEchos) {
                    return;
                }
                echoReply(info, a, off, len);
            }
            case Icmpv4Type.ECHO_REPLY -> {
                counters.inc(StackCounter.ICMP_IN_ECHO_REPS);
                deliverEchoReply(info, a, off, len);
            }
            case Icmpv4Type.DESTINATION_UNREACHABLE, Icmpv4Type.TIME_EXCEEDED, Icmpv4Type.PARAMETER_PROBLEM,
                    Icmpv4Type.SOURCE_QUENCH -> {
                if (type == Icmpv4Type.DESTINATION_UNREACHABLE) {
                    counters.inc(StackCounter.ICMP_IN_DEST_UNREACHS);
                } else if (type == Icmpv4Type.TIME_EXCEEDED) {
                    counters.inc(StackCounter.ICMP_IN_TIME_EXCDS);
                } else if (type == Icmpv4Type.PARAMETER_PROBLEM) {
                    counters.inc(StackCounter.ICMP_IN_PARM_PROBS);
                }
                if (info.linkBroadcast) {
                    // An error sent to a broadcast address is bogus (RFC 1122 3.2.2).
                    counters.drop(DropReason.ICMP_BAD_QUOTE);
                    return;
                }
                int quotedLen = len - Icmpv4Packet.HEADER_LEN;
                // RFC 792: the quote holds the IP header and at least 64 bits of data.
                if (quotedLen < Ipv4Packet.HEADER_LEN + 8) {
                    counters.drop(DropReason.ICMP_BAD_QUOTE);
                    return;
                }
                int q = off + Icmpv4Packet.HEADER_LEN;
                int qhl = Ipv4Packet.headerLength(a, q);
                if (Ipv4Packet.version(a, q) != 4 || qhl < Ipv4Packet.HEADER_LEN || quotedLen < qhl + 8) {
                    counters.drop(DropReason.ICMP_BAD_QUOTE);
                    return;
                }
                errorSource = info.source;
                dispatchError(type, Icmpv4Packet.code(a, off), Icmpv4Packet.nextHopMtu(a, off), a, q, quotedLen);
                errorSource = 0;
            }
            default -> counters.drop(DropReason.ICMP_UNKNOWN_TYPE);
        }
    }

    private void echoReply(IpPacketInfo info, byte[] a, int off, int len) {
        PacketBuffer p = pool.acquire(BufferPool.DEFAULT_HEADROOM, len);
        int at = p.append(len);
        System.arraycopy(a, off, p.array(), at, len);
        Icmpv4Packet.type(p.array(), at, Icmpv4Type.ECHO_REPLY);
        Icmpv4Packet.code(p.array(), at, 0);
        Icmpv4Packet.fillChecksum(p.array(), at, len);
        // RFC 1122 3.2.2.6: the reply's source is the address the request was sent to.
        if (ip.send(p, info.destination, info.source, IpProtocol.ICMP, info.tos, 0, false) >= 0) {
            counters.inc(StackCounter.ICMP_OUT_MSGS);
            counters.inc(StackCounter.ICMP_OUT_ECHO_REPS);
        }
    }

    private void deliverEchoReply(IpPacketInfo info, byte[] a, int off, int len) {
        int id = Icmpv4Packet.identifier(a, off);
        List<PortBinding> l = ports.bindings(IpProtocol.ICMP, id);
        for (int i = 0; i < l.size(); i++) {
            PortBinding b = l.get(i);
            if ((b.localAddress == 0 || b.localAddress == info.destination)
                    && (b.remoteAddress == 0 || b.remoteAddress == info.source)) {
                if (!((IcmpSocket) b.owner).deliver(a, off, len, info.source, 0, info)) {
                    counters.drop(DropReason.UDP_RECEIVE_QUEUE_FULL);
                }
                return;
            }
        }
        counters.drop(DropReason.ICMP_ECHO_NO_SOCKET);
    }

    /** Hands an error (quote checked) to the transport that sent the quoted datagram. */
    private void dispatchError(int type, int code, int nextHopMtu, byte[] a, int q, int quotedLen) {
        int errno = IcmpErrors.errno(type, code);
        if (errno == 0) {
            // Source quench is deprecated (RFC 6633) and ignored, as by Linux.
            return;
        }
        int mtu = 0;
        if (type == Icmpv4Type.DESTINATION_UNREACHABLE && code == Icmpv4Code.FRAGMENTATION_NEEDED) {
            mtu = nextHopMtu & 0xffff;
            int quotedTotal = Ipv4Packet.totalLength(a, q);
            if (mtu < 68 || mtu >= quotedTotal) {
                // RFC 1191 section 5/7: an old router reports no MTU; guess the next plateau down.
                mtu = plateauBelow(quotedTotal);
            }
            mtu = ip.pathMtuCache().update(Ipv4Packet.destination(a, q), mtu, clock.nanos());
        }
        TransportProtocol t = ip.transport(Ipv4Packet.protocol(a, q));
        if (t == null) {
            counters.drop(DropReason.ICMP_ERROR_NO_SOCKET);
            return;
        }
        t.icmpError(type, code, errno, mtu, a, q, quotedLen);
    }

    static int plateauBelow(int size) {
        for (int p : PLATEAUS) {
            if (p < size) {
                return p;
            }
        }
        return 68;
    }

    /** An error about an echo request a ping socket sent. */
    @Override
    public void icmpError(int icmpType, int icmpCode, int errno, int nextHopMtu, byte[] quoted, int quotedOffset, int quotedLength) {
        int hl = Ipv4Packet.headerLength(quoted, quotedOffset);
        if (quotedLength < hl + Icmpv4Packet.HEADER_LEN || Icmpv4Packet.type(quoted, quotedOffset + hl) != Icmpv4Type.ECHO_REQUEST) {
            counters.drop(DropReason.ICMP_ERROR_NO_SOCKET);
            return;
        }
        int id = Icmpv4Packet.identifier(quoted, quotedOffset + hl);
        int src = Ipv4Packet.source(quoted, quotedOffset);
        int dst = Ipv4Packet.destination(quoted, quotedOffset);
        for (PortBinding b : ports.bindings(IpProtocol.ICMP, id)) {
            if ((b.localAddress == 0 || b.localAddress == src) && (b.remoteAddress == 0 || b.remoteAddress == dst)) {
                int icmp = quotedOffset + hl;
                ((IcmpSocket) b.owner).icmpError(errno, IcmpErrors.isHard(icmpType, icmpCode), icmpType, icmpCode,
                        nextHopMtu, errorSource, dst, 0, quoted, icmp, quotedLength - hl);
                return;
            }
        }
        counters.drop(DropReason.ICMP_ERROR_NO_SOCKET);
    }

    // ------------------------------------------------------------------ output of errors

    @Override
    public void sendError(int type, int code, int restOfHeader, byte[] a, int off, int len, boolean linkBroadcast) {
        if (len < Ipv4Packet.HEADER_LEN) {
            return;
        }
        int hl = Ipv4Packet.headerLength(a, off);
        int src = Ipv4Packet.source(a, off);
        int dst = Ipv4Packet.destination(a, off);
        // RFC 1122 3.2.2: no error about a broadcast/multicast datagram, a non-initial fragment,
        // a datagram from a non-unicast source, or an ICMP error message.
        if (linkBroadcast || dst == Ipv4Address.BROADCAST || Ipv4Address.isMulticast(dst) || ip.interfaces().isDirectedBroadcast(dst)) {
            return;
        }
        if ((Ipv4Packet.flagsAndFragmentOffset(a, off) & Ipv4Packet.FRAGMENT_OFFSET_MASK) != 0) {
            return;
        }
        if (src == 0 || src == Ipv4Address.BROADCAST || Ipv4Address.isMulticast(src) || ip.interfaces().isDirectedBroadcast(src)) {
            return;
        }
        if (Ipv4Packet.protocol(a, off) == IpProtocol.ICMP) {
            if (len < hl + 1) {
                return;
            }
            int inner = Bytes.u8(a, off + hl);
            if (Icmpv4Type.isError(inner) || (inner != Icmpv4Type.ECHO_REQUEST && inner != Icmpv4Type.ECHO_REPLY
                    && inner != Icmpv4Type.TIMESTAMP && inner != Icmpv4Type.TIMESTAMP_REPLY)) {
                return;
            }
        }
        if (!rateLimiter.allow(clock.nanos())) {
            counters.inc(StackCounter.ICMP_OUT_RATE_LIMITED);
            counters.drop(DropReason.ICMP_RATE_LIMITED);
            return;
        }
        int quote = Math.min(len, Icmpv4Packet.MAX_QUOTED_LEN);
        int total = Icmpv4Packet.HEADER_LEN + quote;
        PacketBuffer p = pool.acquire(BufferPool.DEFAULT_HEADROOM, total);
        int at = p.append(total);
        byte[] b = p.array();
        Icmpv4Packet.type(b, at, type);
        Icmpv4Packet.code(b, at, code);
        Icmpv4Packet.restOfHeader(b, at, restOfHeader);
        System.arraycopy(a, off, b, at + Icmpv4Packet.HEADER_LEN, quote);
        Icmpv4Packet.fillChecksum(b, at, total);
        int source = ip.interfaces().owner(dst) != null ? dst : 0;
        int tos = (Ipv4Packet.tos(a, off) & 0x1e) | Ipv4Layer.TOS_INTERNETWORK_CONTROL;
        if (ip.send(p, source, src, IpProtocol.ICMP, tos, 0, false) >= 0) {
            counters.inc(StackCounter.ICMP_OUT_MSGS);
            if (type == Icmpv4Type.DESTINATION_UNREACHABLE) {
                counters.inc(StackCounter.ICMP_OUT_DEST_UNREACHS);
            } else if (type == Icmpv4Type.TIME_EXCEEDED) {
                counters.inc(StackCounter.ICMP_OUT_TIME_EXCDS);
            }
        } else {
            counters.inc(StackCounter.ICMP_OUT_ERRORS);
        }
    }

    @Override
    public void localError(int type, int code, byte[] a, int off, int len) {
        if (len < Ipv4Packet.HEADER_LEN || Ipv4Packet.headerLength(a, off) + 8 > len) {
            return;
        }
        // Linux reports a neighbour failure as ICMP host unreachable from our own address.
        errorSource = Ipv4Packet.source(a, off);
        dispatchError(type, code, 0, a, off, len);
        errorSource = 0;
    }

    @Override
    public int currentErrorSource() {
        return errorSource;
    }
}
