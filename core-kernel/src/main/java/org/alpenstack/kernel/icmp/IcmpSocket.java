package org.alpenstack.kernel.icmp;

import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.socket.DatagramHost;
import org.alpenstack.kernel.socket.DatagramSocket;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.stack.StackCounter;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.Icmpv4Packet;
import org.alpenstack.kernel.wire.Icmpv4Type;
import org.alpenstack.kernel.wire.IpProtocol;
import org.alpenstack.kernel.wire.Ipv4Packet;

/**
 * An ICMP datagram socket, Linux's unprivileged "ping socket" (socket(AF_INET, SOCK_DGRAM,
 * IPPROTO_ICMP), net/ipv4/ping.c): the application sends ICMP echo requests (header included);
 * the stack puts the socket's "port" into the identifier field and computes the checksum, and
 * delivers the echo replies carrying that identifier back, header included.
 */
public final class IcmpSocket extends DatagramSocket {
    /** 65535 - 20: the whole ICMP message must fit one IPv4 datagram. */
    public static final int MAX_PAYLOAD = Ipv4Packet.MAX_TOTAL_LENGTH - Ipv4Packet.HEADER_LEN;

    public IcmpSocket(int id, DatagramHost host) {
        super(id, host, IpProtocol.ICMP);
    }

    @Override
    protected int maxPayload() {
        return MAX_PAYLOAD;
    }

    /** The echo identifier this socket uses (its bound "port"), 0 before the first bind/send. */
    public int echoIdentifier() {
        return binding.isBound() ? binding.localPort : 0;
    }

    @Override
    protected int transmit(byte[] data, int off, int len, int flags, int source, int destination, int port) {
        // Linux ping_v4_sendmsg accepts only echo requests with code 0 (EINVAL otherwise).
        if (len < Icmpv4Packet.HEADER_LEN || Bytes.u8(data, off) != Icmpv4Type.ECHO_REQUEST || Bytes.u8(data, off + 1) != 0) {
            return -Errno.EINVAL;
        }
        PacketBuffer p = host.pool().acquire(BufferPool.DEFAULT_HEADROOM, len);
        int at = p.append(len);
        byte[] a = p.array();
        System.arraycopy(data, off, a, at, len);
        Icmpv4Packet.identifier(a, at, binding.localPort);
        Icmpv4Packet.fillChecksum(a, at, len);
        int r = host.ip().send(p, source, destination, IpProtocol.ICMP, tos(), ttl(destination), dontFragment());
        if (r < 0) {
            return r;
        }
        host.counters().inc(StackCounter.ICMP_OUT_MSGS);
        host.counters().inc(StackCounter.ICMP_OUT_ECHOS);
        return len;
    }
}
