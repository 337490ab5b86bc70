package org.alpenstack.shim;

import io.netty.buffer.ByteBuf;
import org.alpenstack.kernel.socket.DatagramSocket;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.socket.SocketOptions;

/** The control calls of a datagram socket (UDP, ping), Linux semantics from DatagramSocket. */
final class DatagramCalls {
    private DatagramCalls() {
    }

    static int call(int op, ShimDatagram s, ByteBuf p, ByteBuf reply, int[] err) {
        DatagramSocket d = s.dgram;
        int n = p.readableBytes();
        switch (op) {
            case ShimProtocol.BIND:
            case ShimProtocol.CONNECT: {
                int family = SockAddr.family(p, 0, n);
                if (family == SocketOptions.AF_UNSPEC && op == ShimProtocol.CONNECT) {
                    return d.disconnect();
                }
                if (family == SocketOptions.AF_UNSPEC && n >= SockAddr.SOCKADDR_IN_LEN) {
                    return d.bind(SocketOptions.AF_UNSPEC, p.getInt(4), p.getUnsignedShort(2));
                }
                InetEndpoint e = SockAddr.decode(p, 0, n, err);
                if (e == null) {
                    return err[0];
                }
                int r = op == ShimProtocol.BIND ? d.bind(e) : d.connect(e);
                s.update();
                return r;
            }
            case ShimProtocol.GETSOCKNAME: {
                InetEndpoint e = d.localEndpoint();
                SockAddr.encode(reply, e == null ? InetEndpoint.ANY : e);
                return 0;
            }
            case ShimProtocol.GETPEERNAME: {
                if (!d.isConnected()) {
                    return -Errno.ENOTCONN;
                }
                SockAddr.encode(reply, d.remoteEndpoint());
                return 0;
            }
            case ShimProtocol.GETSOCKOPT: {
                if (n < 12) {
                    return -Errno.EINVAL;
                }
                if (p.getIntLE(8) < 4) {
                    return -Errno.EINVAL;
                }
                if (UnmodelledOptions.forDatagram(p.getIntLE(0), p.getIntLE(4))) {
                    reply.writeIntLE(s.options.get(p.getIntLE(0), p.getIntLE(4)));
                    return 4;
                }
                int v = d.getOption(p.getIntLE(0), p.getIntLE(4));
                if (v < 0) {
                    return v;
                }
                s.update(); // SO_ERROR may have cleared a pending error's doorbell reason
                reply.writeIntLE(v);
                return 4;
            }
            case ShimProtocol.SETSOCKOPT:
                if (n < 12) {
                    return -Errno.EINVAL;
                }
                if (UnmodelledOptions.forDatagram(p.getIntLE(0), p.getIntLE(4))) {
                    return s.options.set(p.getIntLE(0), p.getIntLE(4), p.getIntLE(8));
                }
                return d.setOption(p.getIntLE(0), p.getIntLE(4), p.getIntLE(8));
            case ShimProtocol.SHUTDOWN:
                // Linux inet_shutdown on an unconnected datagram socket: ENOTCONN.
                return d.isConnected() ? 0 : -Errno.ENOTCONN;
            case ShimProtocol.STATUS:
                reply.writeIntLE(SocketOptions.SOCK_DGRAM);
                reply.writeIntLE(d.isConnected() ? ShimProtocol.ST_CONNECTED : 0);
                reply.writeIntLE(0);
                return 0;
            case ShimProtocol.IOCTL: {
                if (n < 4) {
                    return -Errno.EINVAL;
                }
                int request = p.getIntLE(0);
                if (request == ShimProtocol.FIONREAD) {
                    return d.nextDatagramLength();
                }
                return request == ShimProtocol.SIOCOUTQ ? 0 : -Errno.EINVAL;
            }
            case ShimProtocol.SENDTO: {
                // i32 flags, u32 addrlen, sockaddr, data
                if (n < 8) {
                    return -Errno.EINVAL;
                }
                int flags = p.getIntLE(0);
                long addrLen = p.getUnsignedIntLE(4);
                if (addrLen > n - 8) {
                    return -Errno.EINVAL;
                }
                InetEndpoint to = null;
                if (addrLen > 0) {
                    to = SockAddr.decode(p, 8, (int) addrLen, err);
                    if (to == null) {
                        return err[0];
                    }
                }
                return s.sendTo(flags, to, p.slice(8 + (int) addrLen, n - 8 - (int) addrLen));
            }
            case ShimProtocol.RECVFROM:
                if (n < 8) {
                    return -Errno.EINVAL;
                }
                // An optional third int asks for the receive meta record (control messages).
                return s.recvFrom(p.getIntLE(0), p.getIntLE(4), n >= 12 && (p.getIntLE(8) & 1) != 0, reply);
            case ShimProtocol.CLOSE:
                if (!s.isAttached()) {
                    s.close();
                }
                return 0;
            default:
                return -Errno.EOPNOTSUPP;
        }
    }
}
