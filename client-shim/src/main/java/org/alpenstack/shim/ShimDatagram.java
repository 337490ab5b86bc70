package org.alpenstack.shim;

import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DuplexChannel;
import org.alpenstack.kernel.socket.DatagramSocket;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.socket.RecvMeta;
import org.alpenstack.kernel.socket.SocketOptions;

/**
 * A stack UDP or ICMP ping socket as a program sees it. Datagrams travel as SENDTO/RECVFROM
 * RPCs, so message boundaries, MSG_PEEK and MSG_TRUNC are exact; the data socket carries one
 * doorbell byte per datagram (or pending error) waiting, so poll/select/epoll readiness and
 * blocking receives are native.
 */
final class ShimDatagram extends ShimHandle {
    /** The meta record a RECVFROM reply carries after the sockaddr when asked for. */
    static final int META_LEN = 16;
    /** The largest datagram a RECVFROM reply carries (payload limit minus the sockaddr; minus the meta too when asked). */
    static final int MAX_DATA = ShimProtocol.MAX_PAYLOAD - SockAddr.SOCKADDR_IN_LEN;

    final DatagramSocket dgram;

    @Override
    int stackSocketId() {
        return dgram.id();
    }
    private final TenantEndpoint endpoint;
    private final RecvMeta meta = new RecvMeta();
    private final org.alpenstack.kernel.socket.SockExtendedErr extErr = new org.alpenstack.kernel.socket.SockExtendedErr();
    private DuplexChannel data;
    /** Doorbell bytes written and not yet consumed by a RECVFROM. */
    private int outstanding;
    private boolean clientEof;
    private boolean closed;

    ShimDatagram(TenantEndpoint endpoint, long token, DatagramSocket dgram, ControlSession creator) {
        super(token, creator);
        this.endpoint = endpoint;
        this.dgram = dgram;
    }

    @Override
    boolean isAttached() {
        return data != null;
    }

    @Override
    boolean isClosed() {
        return closed;
    }

    @Override
    void attach(DuplexChannel channel) {
        data = channel;
        channel.config().setAutoRead(true); // only to see the program close it
    }

    @Override
    void inbound(ByteBuf b) {
        b.release(); // the shim never writes on a datagram data socket
    }

    @Override
    void clientEof() {
        clientEof = true;
    }

    @Override
    void clientAborted() {
        close();
    }

    @Override
    void update() {
        if (closed || data == null) {
            return;
        }
        if (clientEof) {
            close();
            return;
        }
        int want = dgram.queuedDatagrams() + (dgram.pendingError() != 0 ? 1 : 0);
        if (want > outstanding) {
            ByteBuf bell = data.alloc().buffer(want - outstanding);
            bell.writeZero(want - outstanding);
            outstanding = want;
            data.writeAndFlush(bell, data.voidPromise());
        }
    }

    /**
     * RECVFROM: the program consumed (or peeked) one doorbell. Replies with the source sockaddr
     * and up to {@code len} bytes; the result is the datagram's full length. With
     * {@code withMeta}, a 16-byte record follows the sockaddr: u32 the control messages the
     * socket's options ask for ({@link UnmodelledOptions#cmsgFlags()}), u8 TTL, u8 TOS, u16 0,
     * u32 destination address (network order), u32 interface index.
     */
    int recvFrom(int flags, int len, boolean withMeta, ByteBuf reply) {
        if ((flags & SocketOptions.MSG_ERRQUEUE) != 0) {
            return recvError(len, withMeta, reply);
        }
        boolean peek = (flags & SocketOptions.MSG_PEEK) != 0;
        if (!peek && outstanding > 0) {
            outstanding--;
        }
        byte[] buf = endpoint.scratch();
        int cap = Math.min(Math.max(len, 0), Math.min(MAX_DATA - (withMeta ? META_LEN : 0), buf.length));
        meta.clear();
        int full = dgram.recvFrom(buf, 0, cap, (peek ? SocketOptions.MSG_PEEK : 0) | SocketOptions.MSG_TRUNC, meta);
        if (full >= 0) {
            SockAddr.encode(reply, meta.source());
            if (withMeta) {
                reply.writeIntLE(options.cmsgFlags());
                reply.writeByte(meta.ttl);
                reply.writeByte(meta.tos);
                reply.writeShortLE(0);
                reply.writeInt(meta.destinationAddress);
                reply.writeIntLE(meta.interfaceIndex);
            }
            reply.writeBytes(buf, 0, Math.min(full, cap));
        }
        update();
        return full;
    }

    /**
     * RECVFROM with MSG_ERRQUEUE (IP_RECVERR's queue; no doorbell is consumed, and an empty
     * queue answers -EAGAIN at once, as Linux's never blocks). Replies with the offending
     * datagram's destination as the sockaddr, then with {@code withMeta} a 32-byte record:
     * Linux's struct sock_extended_err (u32 errno, u8 origin, u8 type, u8 code, u8 0, u32 info,
     * u32 0) and the offender as a sockaddr_in (SO_EE_OFFENDER); then the queued payload.
     */
    private int recvError(int len, boolean withMeta, ByteBuf reply) {
        byte[] buf = endpoint.scratch();
        int cap = Math.min(Math.max(len, 0), Math.min(MAX_DATA - (withMeta ? 2 * META_LEN : 0), buf.length));
        int n = dgram.recvError(buf, 0, cap, extErr);
        if (n >= 0) {
            SockAddr.encode(reply, new InetEndpoint(extErr.destinationAddress, extErr.destinationPort));
            if (withMeta) {
                reply.writeIntLE(extErr.errno);
                reply.writeByte(extErr.origin);
                reply.writeByte(extErr.type);
                reply.writeByte(extErr.code);
                reply.writeByte(0);
                reply.writeIntLE(extErr.info);
                reply.writeIntLE(0);
                SockAddr.encode(reply, new InetEndpoint(extErr.offender, 0));
            }
            reply.writeBytes(buf, 0, n);
        }
        update();
        return n;
    }

    int sendTo(int flags, InetEndpoint to, ByteBuf payload) {
        int n = payload.readableBytes();
        byte[] buf = endpoint.scratch();
        if (n > buf.length) {
            return -Errno.EMSGSIZE;
        }
        payload.getBytes(payload.readerIndex(), buf, 0, n);
        int r = dgram.sendTo(buf, 0, n, flags & ~(SocketOptions.MSG_DONTWAIT | SocketOptions.MSG_NOSIGNAL), to);
        update();
        return r;
    }

    @Override
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        dgram.close();
        if (data != null) {
            data.close();
        }
        endpoint.forget(this);
    }

    @Override
    public String toString() {
        return String.format("%016x %s local=%s queued=%d outstanding=%d attached=%b", token,
                dgram.getClass().getSimpleName(), dgram.localEndpoint(), dgram.queuedDatagrams(), outstanding, data != null);
    }
}
