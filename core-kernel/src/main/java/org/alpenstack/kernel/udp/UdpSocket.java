package org.alpenstack.kernel.udp;

import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.socket.DatagramHost;
import org.alpenstack.kernel.socket.DatagramSocket;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.stack.StackCounter;
import org.alpenstack.kernel.wire.IpProtocol;
import org.alpenstack.kernel.wire.Ipv4Packet;
import org.alpenstack.kernel.wire.UdpPacket;

/**
 * A UDP socket (RFC 768) with Linux's BSD semantics; see {@link DatagramSocket} for bind,
 * connect, receive and options. Sending builds the datagram in one pooled buffer (headroom for
 * IP and Ethernet) and hands it to IP, which fragments it if it exceeds the path MTU.
 */
public final class UdpSocket extends DatagramSocket {
    /** 65535 - 20 (IPv4 header) - 8 (UDP header): the largest UDP payload over IPv4. */
    public static final int MAX_PAYLOAD = Ipv4Packet.MAX_TOTAL_LENGTH - Ipv4Packet.HEADER_LEN - UdpPacket.HEADER_LEN;

    public UdpSocket(int id, DatagramHost host) {
        super(id, host, IpProtocol.UDP);
    }

    @Override
    protected int maxPayload() {
        return MAX_PAYLOAD;
    }

    @Override
    protected int transmit(byte[] data, int off, int len, int flags, int source, int destination, int port) {
        if (port == 0) {
            // Linux udp_sendmsg: "if (dport == 0) return -EINVAL".
            return -Errno.EINVAL;
        }
        BufferPool pool = host.pool();
        PacketBuffer p = pool.acquire(BufferPool.DEFAULT_HEADROOM, UdpPacket.HEADER_LEN + len);
        int at = p.append(UdpPacket.HEADER_LEN + len);
        byte[] a = p.array();
        UdpPacket.sourcePort(a, at, binding.localPort);
        UdpPacket.destinationPort(a, at, port);
        UdpPacket.length(a, at, UdpPacket.HEADER_LEN + len);
        System.arraycopy(data, off, a, at + UdpPacket.HEADER_LEN, len);
        UdpPacket.fillChecksum(a, at, source, destination);
        int r = host.ip().send(p, source, destination, IpProtocol.UDP, tos(), ttl(destination), dontFragment());
        if (r < 0) {
            return r;
        }
        host.counters().inc(StackCounter.UDP_OUT_DATAGRAMS);
        return len;
    }
}
