package org.alpenstack.shim;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.unix.PeerCredentials;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.socket.SocketOptions;
import org.alpenstack.kernel.tcp.TcpSocket;

/**
 * One process's control socket: decodes requests, calls the stack, answers with the result
 * (non-negative or -errno, Linux values) and a payload. Runs on the endpoint's loop.
 */
final class ControlSession {
    private static final Logger LOG = Logger.getLogger(ControlSession.class.getName());
    private static final int SO_ACCEPTCONN = 30;
    private static final int IP_OPTIONS = 4;
    private static final int SO_BINDTODEVICE = 25;
    private static final int TCP_CONGESTION_NAME_MAX = 16;
    /** socket() kind: a datagram socket of IPPROTO_ICMP. */
    private static final int PING = 100;

    private final TenantEndpoint endpoint;
    private final Channel channel;
    final PeerCredentials cred;
    /** The pid from the hello; SO_PEERCRED's pid is in {@link #cred}. */
    final long helloPid;
    /** When the process attached (wall clock, for the admin API's /clients). */
    final long startedAtMillis = System.currentTimeMillis();
    private final int[] err = new int[1];

    ControlSession(TenantEndpoint endpoint, Channel channel, PeerCredentials cred, long helloPid) {
        this.endpoint = endpoint;
        this.channel = channel;
        this.cred = cred;
        this.helloPid = helloPid;
    }

    Channel channel() {
        return channel;
    }

    void rejectStream() {
        endpoint.rejected();
    }

    void ended() {
        endpoint.sessionEnded(this);
    }

    void handle(ByteBuf frame) {
        int op = frame.getUnsignedShortLE(ShimProtocol.OP);
        int seq = frame.getIntLE(ShimProtocol.SEQ);
        long token = frame.getLongLE(ShimProtocol.TOKEN);
        int payloadLen = frame.readableBytes() - ShimProtocol.HEADER_LEN;
        ByteBuf p = frame.slice(frame.readerIndex() + ShimProtocol.HEADER_LEN, payloadLen);
        ByteBuf reply = channel.alloc().buffer(ShimProtocol.HEADER_LEN + 64);
        reply.writeZero(ShimProtocol.HEADER_LEN);
        long replyToken = token;
        int result;
        try {
            if (op < ShimProtocol.SOCKET || op > ShimProtocol.LAST_OP) {
                result = -Errno.EOPNOTSUPP;
            } else if (op == ShimProtocol.SOCKET) {
                result = socket(p);
                if (result >= 0) {
                    ShimHandle s = result == SocketOptions.SOCK_STREAM ? endpoint.openTcp(this)
                            : endpoint.openDatagram(this, result == PING);
                    replyToken = s.token;
                    result = 0;
                }
            } else if (op == ShimProtocol.RESOLVER) {
                writeResolver(endpoint.resolver(), reply);
                result = 0;
            } else if (op == ShimProtocol.GETIFADDRS) {
                InterfaceRecords.write(endpoint.stack(), reply);
                result = 0;
            } else {
                ShimHandle h = endpoint.lookup(token);
                int owed;
                if ((h == null || h.isClosed()) && op == ShimProtocol.STATUS && (owed = endpoint.takeTombstone(token)) != 0) {
                    reply.writeIntLE(SocketOptions.SOCK_STREAM);
                    reply.writeIntLE(ShimProtocol.ST_RESET);
                    reply.writeIntLE(owed);
                    result = 0;
                } else if (h == null || h.isClosed()) {
                    result = -Errno.EBADF;
                } else if (h instanceof ShimSocket s) {
                    result = op == ShimProtocol.SENDTO || op == ShimProtocol.RECVFROM ? -Errno.EOPNOTSUPP : call(op, s, p, reply);
                } else {
                    result = DatagramCalls.call(op, (ShimDatagram) h, p, reply, err);
                }
            }
        } catch (RuntimeException ex) {
            LOG.log(Level.WARNING, "control op " + op + " failed", ex);
            reply.writerIndex(ShimProtocol.HEADER_LEN);
            result = -Errno.EIO;
        }
        if (result < 0) {
            endpoint.rejected();
            reply.writerIndex(ShimProtocol.HEADER_LEN);
        }
        reply.setIntLE(ShimProtocol.LENGTH, reply.readableBytes());
        reply.setShortLE(ShimProtocol.OP, op | ShimProtocol.REPLY);
        reply.setShortLE(ShimProtocol.FLAGS, 0);
        reply.setIntLE(ShimProtocol.SEQ, seq);
        reply.setIntLE(ShimProtocol.RESULT, result);
        reply.setLongLE(ShimProtocol.TOKEN, replyToken);
        channel.writeAndFlush(reply, channel.voidPromise());
        endpoint.touched();
    }

    /** u32 nameservers, u32 hosts, the nameservers (network order), then per host: address, u8 length, name. */
    private static void writeResolver(ResolverConfig c, ByteBuf out) {
        int hostsAt = out.writerIndex() + 4;
        out.writeIntLE(c.nameservers().size());
        out.writeIntLE(0);
        for (int ns : c.nameservers()) {
            out.writeInt(ns);
        }
        int n = 0;
        for (var e : c.hosts().entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.US_ASCII);
            if (out.readableBytes() + 5 + name.length > ShimProtocol.HEADER_LEN + ShimProtocol.MAX_PAYLOAD) {
                break;
            }
            out.writeInt(e.getValue());
            out.writeByte(name.length);
            out.writeBytes(name);
            n++;
        }
        out.setIntLE(hostsAt, n);
    }

    private int socket(ByteBuf p) {
        if (p.readableBytes() < 12) {
            return -Errno.EINVAL;
        }
        int domain = p.getIntLE(0);
        int type = p.getIntLE(4);
        int protocol = p.getIntLE(8);
        if (domain != SocketOptions.AF_INET) {
            return -Errno.EAFNOSUPPORT;
        }
        int kind;
        if (type == SocketOptions.SOCK_STREAM) {
            if (protocol != 0 && protocol != SocketOptions.IPPROTO_TCP) {
                return -Errno.EPROTONOSUPPORT;
            }
            kind = SocketOptions.SOCK_STREAM;
        } else if (type == SocketOptions.SOCK_DGRAM) {
            if (protocol == SocketOptions.IPPROTO_ICMP) {
                kind = PING;
            } else if (protocol == 0 || protocol == SocketOptions.IPPROTO_UDP) {
                kind = SocketOptions.SOCK_DGRAM;
            } else {
                return -Errno.EPROTONOSUPPORT;
            }
        } else if (type == SocketOptions.SOCK_RAW) {
            return -Errno.EPERM; // as Linux for a process without CAP_NET_RAW
        } else {
            return -Errno.ESOCKTNOSUPPORT;
        }
        if (endpoint.unattachedCount(this) >= TenantEndpoint.MAX_UNATTACHED_PER_SESSION) {
            return -Errno.EMFILE;
        }
        return kind;
    }

    private int call(int op, ShimSocket s, ByteBuf p, ByteBuf reply) {
        TcpSocket tcp = s.tcp;
        int n = p.readableBytes();
        switch (op) {
            case ShimProtocol.BIND: {
                InetEndpoint local = SockAddr.decode(p, 0, n, err);
                return local == null ? err[0] : tcp.bind(local);
            }
            case ShimProtocol.LISTEN: {
                if (n < 4) {
                    return -Errno.EINVAL;
                }
                int backlog = p.getIntLE(0);
                // Linux clamps to net.core.somaxconn (4096) and treats negative as the maximum.
                int r = tcp.listen(backlog < 0 || backlog > 4096 ? 4096 : backlog);
                if (r == 0) {
                    s.listening();
                    endpoint.update(s);
                }
                return r;
            }
            case ShimProtocol.CONNECT: {
                InetEndpoint remote = SockAddr.decode(p, 0, n, err);
                if (remote == null) {
                    return err[0];
                }
                int r = s.connect(remote);
                endpoint.update(s);
                return r;
            }
            case ShimProtocol.CONNECT_FILLED: {
                if (n < 8) {
                    return -Errno.EINVAL;
                }
                int r = s.connectFilled(p.getLongLE(0), n >= 12 && (p.getIntLE(8) & ShimProtocol.FILLED_SETTLE) != 0);
                endpoint.update(s);
                return r;
            }
            case ShimProtocol.GETSOCKNAME: {
                InetEndpoint e = tcp.localEndpoint();
                SockAddr.encode(reply, e == null ? InetEndpoint.ANY : e);
                return 0;
            }
            case ShimProtocol.GETPEERNAME: {
                InetEndpoint e = tcp.remoteEndpoint();
                if (e == null || !tcp.state().isSynchronized() || tcp.isListening()) {
                    return -Errno.ENOTCONN;
                }
                SockAddr.encode(reply, e);
                return 0;
            }
            case ShimProtocol.GETSOCKOPT:
                return getsockopt(s, p, reply);
            case ShimProtocol.SETSOCKOPT:
                return setsockopt(s, p);
            case ShimProtocol.SHUTDOWN: {
                if (n < 4) {
                    return -Errno.EINVAL;
                }
                int r = s.shutdown(p.getIntLE(0));
                endpoint.update(s);
                return r;
            }
            case ShimProtocol.STATUS:
                reply.writeIntLE(SocketOptions.SOCK_STREAM);
                reply.writeIntLE(s.statusFlags());
                reply.writeIntLE(s.takeEofErrno());
                return 0;
            case ShimProtocol.IOCTL: {
                if (n < 4) {
                    return -Errno.EINVAL;
                }
                int request = p.getIntLE(0);
                if (request == ShimProtocol.SIOCOUTQ) {
                    return tcp.unacknowledged();
                }
                if (request == ShimProtocol.FIONREAD) {
                    return tcp.available();
                }
                return -Errno.EINVAL;
            }
            case ShimProtocol.CLOSE:
                if (!s.isAttached()) {
                    s.close();
                }
                return 0;
            default:
                return -Errno.EOPNOTSUPP;
        }
    }

    private int getsockopt(ShimSocket s, ByteBuf p, ByteBuf reply) {
        if (p.readableBytes() < 12) {
            return -Errno.EINVAL;
        }
        int level = p.getIntLE(0);
        int name = p.getIntLE(4);
        int optlen = p.getIntLE(8);
        if (optlen < 0) {
            return -Errno.EINVAL;
        }
        TcpSocket tcp = s.tcp;
        if (level == SocketOptions.SOL_SOCKET && name == TcpSocket.SO_LINGER) {
            reply.writeIntLE(tcp.lingerOn() ? 1 : 0);
            reply.writeIntLE(tcp.lingerSeconds());
            return 8;
        }
        if (level == SocketOptions.SOL_SOCKET && name == SO_ACCEPTCONN) {
            reply.writeIntLE(tcp.isListening() ? 1 : 0);
            return 4;
        }
        if (UnmodelledOptions.forStream(level, name)) {
            if (optlen < 4) {
                return -Errno.EINVAL;
            }
            reply.writeIntLE(s.options.get(level, name));
            return 4;
        }
        if (level == SocketOptions.SOL_SOCKET && name == SO_BINDTODEVICE
                || level == SocketOptions.SOL_IP && name == IP_OPTIONS) {
            // Linux answers both with an empty value: no device bound, no IP options received.
            // sshd asks both of every connection (its VRF lookup, and refusing source-routed
            // connections) and logs an error per connection when the call fails.
            return 0;
        }
        if (level == SocketOptions.SOL_TCP && name == TcpSocket.TCP_INFO) {
            return TcpInfoStruct.write(tcp.info(), tcp.isListening(), optlen, reply);
        }
        if (level == SocketOptions.SOL_TCP && name == TcpSocket.TCP_CONGESTION) {
            byte[] cc = tcp.congestion().getBytes(StandardCharsets.US_ASCII);
            int len = Math.min(Math.min(optlen, TCP_CONGESTION_NAME_MAX), cc.length + 1);
            reply.writeBytes(cc, 0, Math.min(cc.length, len));
            reply.writeZero(len - Math.min(cc.length, len));
            return len;
        }
        if (optlen < 4) {
            return -Errno.EINVAL;
        }
        int v = tcp.getOption(level, name);
        if (v < 0) {
            return v;
        }
        reply.writeIntLE(v);
        return 4;
    }

    private int setsockopt(ShimSocket s, ByteBuf p) {
        TcpSocket tcp = s.tcp;
        int n = p.readableBytes();
        if (n < 8) {
            return -Errno.EINVAL;
        }
        int level = p.getIntLE(0);
        int name = p.getIntLE(4);
        int vlen = n - 8;
        if (level == SocketOptions.SOL_SOCKET && name == TcpSocket.SO_LINGER) {
            return vlen < 8 ? -Errno.EINVAL : tcp.setLinger(p.getIntLE(8) != 0, p.getIntLE(12));
        }
        if (level == SocketOptions.SOL_TCP && name == TcpSocket.TCP_CONGESTION) {
            int end = 8;
            while (end < n && end < 8 + TCP_CONGESTION_NAME_MAX && p.getByte(end) != 0) {
                end++;
            }
            return tcp.setCongestion(p.toString(8, end - 8, StandardCharsets.US_ASCII));
        }
        if (vlen < 4) {
            return -Errno.EINVAL;
        }
        if (UnmodelledOptions.forStream(level, name)) {
            return s.options.set(level, name, p.getIntLE(8));
        }
        return tcp.setOption(level, name, p.getIntLE(8));
    }
}
