package org.alpenstack.kernel.socket;

import static org.alpenstack.kernel.socket.SocketOptions.*;

import java.util.ArrayDeque;
import org.alpenstack.kernel.ip.IpOutput;
import org.alpenstack.kernel.ip.IpPacketInfo;
import org.alpenstack.kernel.wire.Ipv4Address;

/**
 * What UDP sockets and ICMP "ping" sockets share: BSD datagram-socket semantics as Linux
 * implements them (net/ipv4/datagram.c, udp.c, ping.c): bind with port sharing rules, connect
 * (a default destination and a receive filter) and disconnect with AF_UNSPEC, message-boundary
 * preserving receive with MSG_PEEK / MSG_TRUNC, socket options with Linux numbers, and
 * asynchronous errors from ICMP reported on the next call.
 *
 * <p>All calls are non-blocking (blocking is the shim's business): they return a non-negative
 * result or {@code -errno}.
 */
public abstract class DatagramSocket extends StackSocket {
    protected final DatagramHost host;
    protected final PortBinding binding;
    protected final DatagramQueue queue = new DatagramQueue();
    /** IP_RECVERR's error queue (Linux sk_error_queue), bounded like Linux's by a small count. */
    private ArrayDeque<QueuedError> errorQueue;
    /** At most this many errors wait in the error queue; later ones are dropped. */
    public static final int ERROR_QUEUE_LIMIT = 32;

    private static final class QueuedError {
        final SockExtendedErr err = new SockExtendedErr();
        byte[] payload;
    }
    private boolean connected;
    /** bind() chose the address / the port (Linux SOCK_BINDADDR_LOCK / SOCK_BINDPORT_LOCK). */
    private boolean addressLocked;
    private boolean portLocked;
    private boolean closed;
    /** shutdown(2) state: SHUT_RD and/or SHUT_WR seen (Linux sk_shutdown bits). */
    private boolean readShut;
    private boolean writeShut;
    private boolean broadcast;
    private boolean recvErr;
    private int pmtuDiscover = IP_PMTUDISC_DONT;
    private int rcvBuf = DEFAULT_BUFFER;
    private int sndBuf = DEFAULT_BUFFER;
    private int ttl = -1;
    /** IP_MULTICAST_TTL: 1 by default, so multicast stays on the link (RFC 1112 6.1). */
    private int multicastTtl = 1;
    private int tos;

    protected DatagramSocket(int id, DatagramHost host, int protocol) {
        super(id);
        this.host = host;
        this.binding = new PortBinding(protocol, this);
    }

    /** The protocol's own send: build the packet for {@code data} and hand it to IP. */
    protected abstract int transmit(byte[] data, int off, int len, int flags, int source, int destination, int port);

    /** The largest payload {@code send} accepts (65507 for UDP: 65535 - 20 - 8). */
    protected abstract int maxPayload();

    // ------------------------------------------------------------------ addresses

    public int bind(InetEndpoint local) {
        return bind(AF_INET, local.address(), local.port());
    }

    /** bind(2). Returns 0 or -errno. */
    public int bind(int family, int address, int port) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (family != AF_INET && !(family == AF_UNSPEC && address == Ipv4Address.ANY)) {
            // Linux accepts AF_UNSPEC only with INADDR_ANY, for old programs (inet_bind).
            return -Errno.EAFNOSUPPORT;
        }
        if (port < 0 || port > 0xffff) {
            return -Errno.EINVAL;
        }
        if (binding.isBound()) {
            return -Errno.EINVAL;
        }
        if (address != Ipv4Address.ANY && !host.isBindableAddress(address)) {
            return -Errno.EADDRNOTAVAIL;
        }
        int r = host.ports().bind(binding, address, port);
        if (r < 0) {
            return r;
        }
        addressLocked = address != Ipv4Address.ANY;
        portLocked = port != 0;
        return 0;
    }

    public int connect(InetEndpoint remote) {
        return connect(AF_INET, remote.address(), remote.port());
    }

    /** connect(2); AF_UNSPEC dissolves the association (disconnect). Returns 0 or -errno. */
    public int connect(int family, int address, int port) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (family == AF_UNSPEC) {
            return disconnect();
        }
        if (family != AF_INET) {
            return -Errno.EAFNOSUPPORT;
        }
        if (port < 0 || port > 0xffff) {
            return -Errno.EINVAL;
        }
        if (address == Ipv4Address.ANY) {
            address = binding.localAddress != 0 ? binding.localAddress : Ipv4Address.LOOPBACK;
        }
        IpOutput ip = host.ip();
        int source = binding.localAddress != 0 ? binding.localAddress : ip.sourceAddressFor(address);
        if (source == 0) {
            return -Errno.ENETUNREACH;
        }
        if (host.isBroadcast(address) && !broadcast) {
            return -Errno.EACCES;
        }
        if (!binding.isBound()) {
            int r = host.ports().bind(binding, 0, 0);
            if (r < 0) {
                return -Errno.EAGAIN;
            }
        }
        if (binding.localAddress == 0) {
            // Linux ip4_datagram_connect: an unbound address takes the route's source.
            binding.localAddress = source;
        }
        binding.remoteAddress = address;
        binding.remotePort = port;
        connected = true;
        return 0;
    }

    /** connect(AF_UNSPEC): forget the peer, and the address/port connect picked (Linux __udp_disconnect). */
    public int disconnect() {
        connected = false;
        binding.remoteAddress = 0;
        binding.remotePort = 0;
        if (!addressLocked) {
            binding.localAddress = 0;
        }
        if (!portLocked && binding.isBound()) {
            host.ports().unbind(binding);
            binding.localPort = 0;
        }
        return 0;
    }

    public boolean isConnected() {
        return connected;
    }

    public boolean isBound() {
        return binding.isBound();
    }

    /** getsockname(2). */
    public InetEndpoint localEndpoint() {
        return new InetEndpoint(binding.localAddress, binding.isBound() ? binding.localPort : 0);
    }

    /** getpeername(2): the peer, or null when not connected (getpeername answers -ENOTCONN). */
    public InetEndpoint remoteEndpoint() {
        return connected ? new InetEndpoint(binding.remoteAddress, binding.remotePort) : null;
    }

    public PortBinding binding() {
        return binding;
    }

    // ------------------------------------------------------------------ data

    public int send(byte[] data, int off, int len, int flags) {
        return sendTo(data, off, len, flags, null);
    }

    /**
     * sendto(2): one datagram to {@code destination} (null: the connected peer). Returns the
     * number of bytes sent or -errno.
     */
    public int sendTo(byte[] data, int off, int len, int flags, InetEndpoint destination) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (writeShut) {
            return -Errno.EPIPE;
        }
        int err = takeError();
        if (err != 0) {
            notifyReadiness(false);
            return -err;
        }
        if ((flags & MSG_OOB) != 0) {
            return -Errno.EOPNOTSUPP;
        }
        if (len < 0 || off < 0 || off + len > data.length) {
            return -Errno.EFAULT;
        }
        if (len > maxPayload()) {
            return -Errno.EMSGSIZE;
        }
        int dst;
        int dport;
        if (destination == null) {
            if (!connected) {
                return -Errno.EDESTADDRREQ;
            }
            dst = binding.remoteAddress;
            dport = binding.remotePort;
        } else {
            dst = destination.address();
            dport = destination.port();
            if (dst == Ipv4Address.ANY) {
                // Linux: a destination of 0.0.0.0 means this host (the loopback).
                dst = binding.localAddress != 0 ? binding.localAddress : Ipv4Address.LOOPBACK;
            }
        }
        if (host.isBroadcast(dst) && !broadcast) {
            return -Errno.EACCES;
        }
        if (!binding.isBound()) {
            // Autobind (Linux inet_autobind): INADDR_ANY and an ephemeral port.
            if (host.ports().bind(binding, 0, 0) < 0) {
                return -Errno.EAGAIN;
            }
        }
        int src = binding.localAddress;
        if (src == 0 || Ipv4Address.isMulticast(src) || src == Ipv4Address.BROADCAST) {
            src = host.ip().sourceAddressFor(dst);
            if (src == 0) {
                return -Errno.ENETUNREACH;
            }
        }
        return transmit(data, off, len, flags, src, dst, dport);
    }

    public int recv(byte[] buf, int off, int len, int flags) {
        return recvFrom(buf, off, len, flags, null);
    }

    /**
     * recvfrom(2): the next datagram, truncated to {@code len} (the rest of it is lost, as
     * always for datagrams). Returns the bytes copied, or with {@code MSG_TRUNC} in flags the
     * datagram's real length; {@code meta} gets the source and MSG_TRUNC if truncated.
     * -EAGAIN when nothing is queued.
     */
    public int recvFrom(byte[] buf, int off, int len, int flags, RecvMeta meta) {
        if (closed) {
            return -Errno.EBADF;
        }
        if ((flags & MSG_OOB) != 0) {
            return -Errno.EOPNOTSUPP;
        }
        int err = takeError();
        if (err != 0) {
            notifyReadiness(false);
            return -err;
        }
        if (len < 0 || off < 0 || off + len > buf.length) {
            return -Errno.EFAULT;
        }
        int full = queue.take(buf, off, len, (flags & MSG_PEEK) != 0, meta);
        if (full < 0) {
            // After SHUT_RD an empty queue reads as end of file, as in Linux.
            return readShut ? 0 : -Errno.EAGAIN;
        }
        notifyReadiness(false);
        return (flags & MSG_TRUNC) != 0 ? full : Math.min(full, len);
    }

    /** FIONREAD / SIOCINQ on a datagram socket: the size of the next datagram, 0 if none. */
    public int nextDatagramLength() {
        int n = queue.peekLength();
        return Math.max(n, 0);
    }

    public int queuedDatagrams() {
        return queue.size();
    }

    /** Bytes charged to the receive queue. */
    public long receiveQueueMemory() {
        return queue.memory();
    }

    /**
     * A datagram for this socket (called by the protocol's demux). Copies it; false when the
     * receive buffer is full (the caller counts the drop).
     */
    public boolean deliver(byte[] a, int off, int len, int source, int port, IpPacketInfo ip) {
        if (closed || !queue.offer(host.pool(), a, off, len, source, port, ip, rcvBuf)) {
            return false;
        }
        notifyReadiness(true);
        return true;
    }

    /**
     * An ICMP error about a datagram this socket sent. As Linux's udp_err/ping_err: without
     * IP_RECVERR only "hard" errors (port/protocol unreachable ...) on a connected socket are
     * reported; with it every error is, and is also queued for recvmsg(MSG_ERRQUEUE).
     */
    public void icmpError(int errno, boolean hard) {
        if (!recvErr && (!hard || !connected)) {
            return;
        }
        softError = errno;
        notifyReadiness(true);
    }

    /**
     * An ICMP error with the details IP_RECVERR reports (Linux ip_icmp_error): {@code payload}
     * is what the offending datagram carried after the transport header the socket owns (the
     * UDP payload; for a ping socket the whole ICMP message).
     */
    public void icmpError(int errno, boolean hard, int type, int code, int info, int offender,
                          int destination, int destinationPort, byte[] payload, int off, int len) {
        if (recvErr) {
            if (errorQueue == null) {
                errorQueue = new ArrayDeque<>();
            }
            if (errorQueue.size() < ERROR_QUEUE_LIMIT) {
                QueuedError q = new QueuedError();
                q.err.errno = errno;
                q.err.origin = SockExtendedErr.SO_EE_ORIGIN_ICMP;
                q.err.type = type;
                q.err.code = code;
                q.err.info = info;
                q.err.offender = offender;
                q.err.destinationAddress = destination;
                q.err.destinationPort = destinationPort;
                q.payload = java.util.Arrays.copyOfRange(payload, off, off + Math.max(0, len));
                errorQueue.addLast(q);
            }
        }
        icmpError(errno, hard);
    }

    /**
     * recvmsg(MSG_ERRQUEUE): the oldest queued error into {@code err}, the offending payload
     * into {@code buf} (truncated to {@code len}). Returns the bytes copied or -EAGAIN. As in
     * Linux (sock_dequeue_err_skb), the pending error becomes that of the next queued entry, or 0.
     */
    public int recvError(byte[] buf, int off, int len, SockExtendedErr err) {
        if (errorQueue == null || errorQueue.isEmpty()) {
            return -Errno.EAGAIN;
        }
        QueuedError q = errorQueue.pollFirst();
        QueuedError next = errorQueue.peekFirst();
        softError = next == null ? 0 : next.err.errno;
        SockExtendedErr e = q.err;
        err.errno = e.errno;
        err.origin = e.origin;
        err.type = e.type;
        err.code = e.code;
        err.info = e.info;
        err.offender = e.offender;
        err.destinationAddress = e.destinationAddress;
        err.destinationPort = e.destinationPort;
        int n = Math.min(len, q.payload.length);
        System.arraycopy(q.payload, 0, buf, off, n);
        notifyReadiness(false);
        return n;
    }

    public int queuedErrors() {
        return errorQueue == null ? 0 : errorQueue.size();
    }

    // ------------------------------------------------------------------ options

    /** setsockopt(2) with an int value. Returns 0 or -errno (ENOPROTOOPT for unknown options). */
    public int setOption(int level, int name, int value) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (level == SOL_SOCKET) {
            switch (name) {
                case SO_REUSEADDR -> binding.reuseAddress = value != 0;
                case SO_REUSEPORT -> binding.reusePort = value != 0;
                case SO_BROADCAST -> broadcast = value != 0;
                case SO_RCVBUF -> rcvBuf = bufferSizeFor(value);
                case SO_SNDBUF -> sndBuf = bufferSizeFor(value);
                default -> {
                    return -Errno.ENOPROTOOPT;
                }
            }
            return 0;
        }
        if (level == SOL_IP) {
            switch (name) {
                case IP_TTL -> {
                    if (value != -1 && (value < 1 || value > 255)) {
                        return -Errno.EINVAL;
                    }
                    ttl = value;
                }
                case IP_TOS -> tos = value & 0xff;
                case IP_MULTICAST_TTL -> {
                    if (value < -1 || value > 255) {
                        return -Errno.EINVAL;
                    }
                    multicastTtl = value == -1 ? 1 : value;
                }
                case IP_RECVERR -> recvErr = value != 0;
                case IP_MTU_DISCOVER -> {
                    if (value < IP_PMTUDISC_DONT || value > 3) {
                        return -Errno.EINVAL;
                    }
                    pmtuDiscover = value;
                }
                default -> {
                    return -Errno.ENOPROTOOPT;
                }
            }
            return 0;
        }
        return -Errno.ENOPROTOOPT;
    }

    /** getsockopt(2) for int options: the value, or -errno. */
    public int getOption(int level, int name) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (level == SOL_SOCKET) {
            return switch (name) {
                case SO_REUSEADDR -> binding.reuseAddress ? 1 : 0;
                case SO_REUSEPORT -> binding.reusePort ? 1 : 0;
                case SO_BROADCAST -> broadcast ? 1 : 0;
                case SO_RCVBUF -> rcvBuf;
                case SO_SNDBUF -> sndBuf;
                case SO_ERROR -> takeErrorAndNotify();
                case SO_TYPE -> SOCK_DGRAM;
                case SO_PROTOCOL -> binding.protocol;
                case SO_DOMAIN -> AF_INET;
                default -> -Errno.ENOPROTOOPT;
            };
        }
        if (level == SOL_IP) {
            return switch (name) {
                case IP_TTL -> ttl < 0 ? IpOutput.DEFAULT_TTL : ttl;
                case IP_TOS -> tos;
                case IP_MULTICAST_TTL -> multicastTtl;
                case IP_RECVERR -> recvErr ? 1 : 0;
                case IP_MTU_DISCOVER -> pmtuDiscover;
                case IP_MTU -> connected ? host.ip().pathMtu(binding.remoteAddress) : -Errno.ENOTCONN;
                default -> -Errno.ENOPROTOOPT;
            };
        }
        return -Errno.ENOPROTOOPT;
    }

    private int takeErrorAndNotify() {
        int e = takeError();
        notifyReadiness(false);
        return e;
    }

    /** The TTL for a packet to {@code destination} (0 = the stack's default). */
    protected int ttl(int destination) {
        if (Ipv4Address.isMulticast(destination)) {
            // Linux sends multicast with IP_MULTICAST_TTL, which is 0 only if set so; 0 would mean
            // "default" to the IP layer, so a host-local multicast goes out with TTL 1 at least.
            return Math.max(multicastTtl, 1);
        }
        return ttl < 0 ? 0 : ttl;
    }

    protected int tos() {
        return tos;
    }

    /** IP_PMTUDISC_DO / PROBE: set DF and fail with EMSGSIZE instead of fragmenting. */
    protected boolean dontFragment() {
        return pmtuDiscover >= IP_PMTUDISC_DO;
    }

    public int receiveBufferSize() {
        return rcvBuf;
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * shutdown(2). Linux (inet_shutdown) answers ENOTCONN on an unconnected datagram socket but
     * records the shutdown anyway; afterwards receive returns 0 (EOF) once the queue is empty and
     * send fails with EPIPE.
     */
    public int shutdown(int how) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (how < SHUT_RD || how > SHUT_RDWR) {
            return -Errno.EINVAL;
        }
        if (how != SHUT_WR) {
            readShut = true;
        }
        if (how != SHUT_RD) {
            writeShut = true;
        }
        notifyReadiness(true);
        return connected ? 0 : -Errno.ENOTCONN;
    }

    @Override
    public int readiness() {
        if (closed) {
            return Readiness.POLLHUP;
        }
        int r = writeShut ? 0 : Readiness.POLLOUT;
        if (!queue.isEmpty() || readShut) {
            r |= Readiness.POLLIN;
        }
        if (readShut) {
            r |= Readiness.POLLRDHUP;
        }
        if (readShut && writeShut) {
            r |= Readiness.POLLHUP;
        }
        if (softError != 0 || (errorQueue != null && !errorQueue.isEmpty())) {
            r |= Readiness.POLLERR;
        }
        return r;
    }

    @Override
    public int close() {
        if (closed) {
            return -Errno.EBADF;
        }
        closed = true;
        if (errorQueue != null) {
            errorQueue.clear();
        }
        host.ports().unbind(binding);
        queue.clear();
        host.socketClosed(this);
        return 0;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "#" + id() + " " + binding;
    }
}
