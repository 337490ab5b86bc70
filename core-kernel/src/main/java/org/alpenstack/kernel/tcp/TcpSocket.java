package org.alpenstack.kernel.tcp;

import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.socket.PortBinding;
import org.alpenstack.kernel.socket.Readiness;
import org.alpenstack.kernel.socket.StackSocket;
import org.alpenstack.kernel.tcp.cc.CongestionControls;

/**
 * A TCP socket with the BSD API and Linux semantics, non-blocking: every call returns at once
 * with a result or {@code -errno} (see {@link Errno}), readiness says when to call again, and
 * option numbers are Linux's so the shim endpoint can forward them unchanged.
 *
 * <p>Driven on the stack's thread only. The socket is the application's handle; the connection
 * behind it ({@link TcpConnection}) may outlive it to finish the FIN exchange and TIME-WAIT.
 */
public final class TcpSocket extends StackSocket {
    // Levels and option names (asm-generic/socket.h, netinet/tcp.h).
    public static final int SOL_SOCKET = 1;
    public static final int SOL_TCP = 6;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_ERROR = 4;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_KEEPALIVE = 9;
    public static final int SO_LINGER = 13;
    public static final int SO_REUSEPORT = 15;
    public static final int TCP_NODELAY = 1;
    public static final int TCP_MAXSEG = 2;
    public static final int TCP_CORK = 3;
    public static final int TCP_KEEPIDLE = 4;
    public static final int TCP_KEEPINTVL = 5;
    public static final int TCP_KEEPCNT = 6;
    public static final int TCP_INFO = 11;
    public static final int TCP_CONGESTION = 13;
    public static final int TCP_USER_TIMEOUT = 18;
    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;

    /** Linux SOCK_MIN_SNDBUF / SOCK_MIN_RCVBUF (with its usual skb overhead accounting). */
    private static final int MIN_SNDBUF = 4608;
    private static final int MIN_RCVBUF = 2304;
    /** Linux TCP_MAX_KEEPIDLE / TCP_MAX_KEEPINTVL (seconds) and TCP_MAX_KEEPCNT. */
    private static final int MAX_KEEP_SECONDS = 32767;
    private static final int MAX_KEEPCNT = 127;

    /** BSD socket states (Linux's SS_*), distinct from the TCP state of the connection. */
    private enum SockState { UNCONNECTED, CONNECTING, CONNECTED }

    private final TcpLayer layer;
    private SockState sockState = SockState.UNCONNECTED;
    private TcpConnection conn;
    private TcpListener listener;
    /** This socket's entry in the stack's port table (an accepted socket takes its connection's). */
    private PortBinding binding;
    /** The port was chosen by connect(), not bind(): released if the connection fails (Linux). */
    private boolean autoBound;
    /** The connection reached ESTABLISHED at some point. */
    private boolean wasEstablished;
    private boolean closed;
    private boolean shutRead;
    private boolean shutWrite;
    /** The connection ended (reset, timeout, orderly close) while this socket held it. */
    private boolean connectionDone;
    private int lastAcceptError;

    // Options, kept here so they can be set before a connection exists and survive it.
    boolean reuseAddr;
    int sndBuf;
    int rcvBuf;
    String congestion;
    private boolean noDelay;
    private boolean cork;
    private boolean keepAlive;
    private long keepIdle;
    private long keepInterval;
    private int keepCount;
    private long userTimeout;
    private int maxSeg;
    private boolean lingerOn;
    private int lingerSeconds;

    TcpSocket(TcpLayer layer, int id) {
        super(id);
        this.layer = layer;
        this.binding = new PortBinding(TcpLayer.PROTOCOL, this);
        TcpTunables t = layer.tunables;
        this.keepIdle = t.keepaliveTimeNanos();
        this.keepInterval = t.keepaliveIntvlNanos();
        this.keepCount = t.keepaliveProbes();
        this.noDelay = !t.nagle();
    }

    private TcpSocket(TcpLayer layer, int id, TcpConnection accepted, TcpSocket parent) {
        this(layer, id);
        this.conn = accepted;
        this.sockState = SockState.CONNECTED;
        this.binding = accepted.binding;
        // Linux: an accepted socket inherits the listener's options.
        this.reuseAddr = parent.reuseAddr;
        this.sndBuf = parent.sndBuf;
        this.rcvBuf = parent.rcvBuf;
        this.congestion = parent.congestion;
        this.noDelay = parent.noDelay;
        this.cork = parent.cork;
        this.keepAlive = parent.keepAlive;
        this.keepIdle = parent.keepIdle;
        this.keepInterval = parent.keepInterval;
        this.keepCount = parent.keepCount;
        this.userTimeout = parent.userTimeout;
        this.maxSeg = parent.maxSeg;
        this.lingerOn = parent.lingerOn;
        this.lingerSeconds = parent.lingerSeconds;
        accepted.socket = this;
        if (accepted.state.isClosed()) {
            connectionDone = true;
        }
    }

    int maxSegOption() {
        return maxSeg;
    }

    /** Copies the socket options into a new connection. */
    void applyTo(TcpConnection c) {
        c.noDelay = noDelay;
        c.cork = cork;
        c.keepAlive = keepAlive;
        c.keepIdle = keepIdle;
        c.keepInterval = keepInterval;
        c.keepCount = keepCount;
        c.userTimeout = userTimeout;
        c.maxSegOption = maxSeg;
    }

    private long now() {
        return layer.clock.nanos();
    }

    // ---- bind / listen / accept / connect ----

    /** bind(2): 0, or -EINVAL (already bound), -EADDRNOTAVAIL (not our address), -EADDRINUSE. */
    public int bind(InetEndpoint local) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (binding.isBound() || conn != null) {
            return -Errno.EINVAL;
        }
        if (local.address() != 0 && !layer.ip.isLocalAddress(local.address())) {
            return -Errno.EADDRNOTAVAIL;
        }
        int port = layer.ports.bind(binding, local.address(), local.port());
        if (port < 0) {
            return port;
        }
        autoBound = false;
        return 0;
    }

    /** listen(2): 0 or -EINVAL (connected or connecting), -EADDRINUSE (autobind failed). */
    public int listen(int backlog) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (conn != null || sockState != SockState.UNCONNECTED) {
            return -Errno.EINVAL;
        }
        if (listener != null) {
            listener.setBacklog(backlog);
            return 0;
        }
        // Linux inet_csk_listen_start: a listener may not share its port through SO_REUSEADDR.
        binding.listening = true;
        if (!binding.isBound()) {
            int port = layer.ports.bind(binding, 0, 0);
            if (port < 0) {
                binding.listening = false;
                return port;
            }
        } else if (layer.ports.conflicts(binding, binding.localAddress, binding.localPort)) {
            binding.listening = false;
            return -Errno.EADDRINUSE;
        }
        listener = new TcpListener(layer, this, binding.localAddress, binding.localPort, backlog);
        layer.addListener(listener);
        notifyReadiness(false);
        return 0;
    }

    /**
     * accept(2): the next established connection as a new socket, or null; {@link #acceptError()}
     * then says why: -EAGAIN (none waiting) or -EINVAL (not listening).
     */
    public TcpSocket accept() {
        if (listener == null) {
            lastAcceptError = closed ? -Errno.EBADF : -Errno.EINVAL;
            return null;
        }
        TcpConnection c = listener.accept();
        if (c == null) {
            lastAcceptError = -Errno.EAGAIN;
            return null;
        }
        lastAcceptError = 0;
        TcpSocket s = new TcpSocket(layer, layer.nextSocketId(), c, this);
        layer.socketOpened(s);
        notifyReadiness(false);
        return s;
    }

    /** Why the last {@link #accept()} returned null (-EAGAIN, -EINVAL, -EBADF), or 0. */
    public int acceptError() {
        return lastAcceptError;
    }

    /**
     * connect(2), non-blocking (Linux inet_stream_connect): -EINPROGRESS when the SYN is sent;
     * while connecting -EALREADY; the first call after success 0, later ones -EISCONN; after a
     * failure the error (ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH ...) once.
     */
    public int connect(InetEndpoint remote) {
        if (closed) {
            return -Errno.EBADF;
        }
        int err;
        switch (sockState) {
            case CONNECTED:
                return -Errno.EISCONN;
            case CONNECTING:
                err = -Errno.EALREADY;
                break;
            default:
                if (listener != null) {
                    return -Errno.EISCONN;
                }
                if (conn != null && !conn.state.isClosed()) {
                    return -Errno.EISCONN;
                }
                err = startConnect(remote);
                if (err != -Errno.EINPROGRESS) {
                    return err;
                }
                sockState = SockState.CONNECTING;
                break;
        }
        TcpState st = conn.state;
        if (st == TcpState.SYN_SENT || st == TcpState.SYN_RECEIVED) {
            return err;
        }
        if (st.isClosed()) {
            sockState = SockState.UNCONNECTED;
            int e = takeError();
            return e != 0 ? -e : -Errno.ECONNABORTED;
        }
        sockState = SockState.CONNECTED;
        return 0;
    }

    private int startConnect(InetEndpoint remote) {
        if (remote.port() == 0 && remote.address() == 0) {
            return -Errno.EINVAL;
        }
        boolean bound = binding.isBound();
        int src = bound && binding.localAddress != 0 ? binding.localAddress : layer.ip.sourceAddressFor(remote.address());
        if (src == 0) {
            return -Errno.ENETUNREACH;
        }
        int port;
        if (bound) {
            port = binding.localPort;
            if (layer.tupleInUse(src, port, remote.address(), remote.port())) {
                return -Errno.EADDRNOTAVAIL;
            }
            binding.remoteAddress = remote.address();
            binding.remotePort = remote.port();
        } else {
            port = layer.connectPort(binding, src, remote.address(), remote.port());
            if (port < 0) {
                return port;
            }
            autoBound = true;
        }
        long now = now();
        TcpConnection c = layer.newConnection(this);
        conn = c;
        c.socket = this;
        connectionDone = false;
        softError = 0;
        layer.bindTuple(c, src, port, remote.address(), remote.port());
        c.binding = binding;
        c.iss = layer.isn(c, now);
        c.sndUna = c.iss;
        c.sndNxt = c.iss;
        c.sndMax = c.iss;
        c.state = TcpState.SYN_SENT;
        TcpEcn.activeOpen(c, layer.tunables);
        layer.insert(c);
        layer.counters.activeOpens++;
        layer.output.output(c, now);
        return -Errno.EINPROGRESS;
    }

    // ---- data ----

    /**
     * read(2): bytes read (&gt; 0), 0 at end of stream (FIN received or SHUT_RD), -EAGAIN when
     * nothing is there yet, the pending error once (-ECONNRESET, -ETIMEDOUT ...), -ENOTCONN when
     * never connected.
     */
    public int read(byte[] dst, int off, int len) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (listener != null || conn == null) {
            return -Errno.ENOTCONN;
        }
        if (len == 0) {
            return 0;
        }
        TcpConnection c = conn;
        int n = c.receiveBuffer == null ? 0 : c.receiveBuffer.read(dst, off, len);
        if (n > 0) {
            if (!c.state.isClosed()) {
                // The window may open far enough to tell the peer (RFC 9293 3.8.6.2.2).
                layer.output.afterRead(c, n, now());
            }
            notifyReadiness(false);
            return n;
        }
        // Linux tcp_recvmsg: the pending error first (once), then end of stream, then "try again".
        int e = takeError();
        if (e != 0) {
            return -e;
        }
        if (shutRead || c.finReceived || connectionDone) {
            return 0;
        }
        return -Errno.EAGAIN;
    }

    /**
     * write(2): bytes queued (&gt; 0), -EAGAIN when the send buffer is full or the handshake is
     * still running, -EPIPE after SHUT_WR/close of the sending side or on an unconnected socket,
     * the pending error once (-ECONNRESET ...).
     */
    public int write(byte[] src, int off, int len) {
        if (closed) {
            return -Errno.EBADF;
        }
        int e = takeError();
        if (e != 0) {
            return -e;
        }
        if (shutWrite || listener != null || conn == null || connectionDone) {
            return -Errno.EPIPE;
        }
        TcpConnection c = conn;
        if (c.state == TcpState.SYN_SENT || c.state == TcpState.SYN_RECEIVED) {
            return -Errno.EAGAIN;
        }
        if (!c.state.canSend()) {
            return -Errno.EPIPE;
        }
        if (len == 0) {
            return 0;
        }
        int n = c.sendBuffer.write(src, off, len);
        if (n == 0) {
            return -Errno.EAGAIN;
        }
        layer.counters.bytesSent += n;
        layer.output.output(c, now());
        notifyReadiness(false);
        return n;
    }

    /**
     * recv(2) with MSG_PEEK: like {@link #read} but the bytes stay queued (and the window does not
     * move). A pending error is reported and cleared, as by Linux's sock_error().
     */
    public int peek(byte[] dst, int off, int len) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (listener != null || conn == null) {
            return -Errno.ENOTCONN;
        }
        if (len == 0) {
            return 0;
        }
        TcpConnection c = conn;
        int n = c.receiveBuffer == null ? 0 : c.receiveBuffer.peek(dst, off, len);
        if (n > 0) {
            return n;
        }
        int e = takeError();
        if (e != 0) {
            return -e;
        }
        if (shutRead || c.finReceived || connectionDone) {
            return 0;
        }
        return -Errno.EAGAIN;
    }

    /** Bytes readable now (FIONREAD / SIOCINQ). */
    public int available() {
        return conn == null ? 0 : conn.readable();
    }

    /** Bytes queued and not yet acknowledged (SIOCOUTQ). */
    public int unacknowledged() {
        return conn == null ? 0 : conn.sendBuffered();
    }

    // ---- shutdown / close ----

    /** shutdown(2) with Linux's inet_shutdown semantics. */
    public int shutdown(int how) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (how < SHUT_RD || how > SHUT_RDWR) {
            return -Errno.EINVAL;
        }
        boolean rd = how != SHUT_WR;
        boolean wr = how != SHUT_RD;
        long now = now();
        if (listener != null) {
            if (rd) {
                listener.close(now);
                listener = null;
                notifyReadiness(false);
            }
            return 0;
        }
        if (conn == null || conn.state.isClosed()) {
            shutRead |= rd;
            shutWrite |= wr;
            notifyReadiness(false);
            return -Errno.ENOTCONN;
        }
        TcpConnection c = conn;
        if (c.state == TcpState.SYN_SENT) {
            layer.closeConnection(c, 0, now);
            sockState = SockState.UNCONNECTED;
            notifyReadiness(false);
            return 0;
        }
        if (rd) {
            shutRead = true;
        }
        if (wr && !shutWrite) {
            shutWrite = true;
            queueFin(c, now);
        }
        notifyReadiness(false);
        return 0;
    }

    /** RFC 9293 3.10.4 CLOSE: our FIN goes after the queued data; the state moves at once. */
    private void queueFin(TcpConnection c, long now) {
        switch (c.state) {
            case ESTABLISHED:
                c.state = TcpState.FIN_WAIT_1;
                break;
            case CLOSE_WAIT:
                c.state = TcpState.LAST_ACK;
                break;
            default:
                return;
        }
        c.finQueued = true;
        c.finSeq = c.sendBuffer.endSeq();
        layer.output.output(c, now);
    }

    /**
     * close(2). Linux semantics: SO_LINGER {1, 0} aborts with a reset; unread received data also
     * aborts with a reset (RFC 9293 3.10.4, RFC 2525 2.17); otherwise the FIN is queued and the
     * connection finishes on its own.
     */
    @Override
    public int close() {
        if (closed) {
            return -Errno.EBADF;
        }
        closed = true;
        long now = now();
        if (listener != null) {
            listener.close(now);
            listener = null;
        }
        TcpConnection c = conn;
        if (c != null && !c.state.isClosed()) {
            boolean unread = c.readable() > 0;
            if (lingerOn && lingerSeconds == 0 || unread || c.state == TcpState.SYN_RECEIVED) {
                // (an active open caught in SYN-RECEIVED by a simultaneous open is simply reset)
                c.socket = null;
                layer.abort(c, 0, now);
            } else if (c.state == TcpState.SYN_SENT) {
                c.socket = null;
                layer.closeConnection(c, 0, now);
            } else {
                shutRead = true;
                shutWrite = true;
                c.receiveShut = true;
                queueFin(c, now);
                c.socket = null;
                if (c.state == TcpState.FIN_WAIT_2) {
                    layer.timers.finWait2Entered(c, now);
                } else if (c.state == TcpState.TIME_WAIT) {
                    c.releaseBuffers();
                }
            }
        }
        // A connection still finishing (FIN-WAIT, TIME-WAIT ...) keeps the port; it lets go when gone.
        if (c == null || c.state.isClosed() || c.binding != binding) {
            layer.unbind(binding);
        }
        setListener(null);
        layer.socketClosed(this);
        return 0;
    }

    public boolean isClosed() {
        return closed;
    }

    // ---- options ----

    /** setsockopt(2) for integer options; 0 or -errno (-ENOPROTOOPT for unknown ones, -EINVAL for bad values). */
    public int setOption(int level, int name, int value) {
        if (closed) {
            return -Errno.EBADF;
        }
        TcpConnection c = conn;
        long now = now();
        if (level == SOL_SOCKET) {
            switch (name) {
                case SO_REUSEADDR:
                    reuseAddr = value != 0;
                    binding.reuseAddress = reuseAddr;
                    return 0;
                case SO_REUSEPORT:
                    binding.reusePort = value != 0;
                    return 0;
                case SO_KEEPALIVE:
                    keepAlive = value != 0;
                    if (c != null) {
                        c.keepAlive = keepAlive;
                        layer.timers.startKeepalive(c, now);
                    }
                    return 0;
                case SO_SNDBUF:
                    // Linux doubles the value to account for bookkeeping and reports the double.
                    sndBuf = Math.max(MIN_SNDBUF, (int) Math.min(Integer.MAX_VALUE / 2, Math.max(0, value)) * 2);
                    sndBuf = Math.min(sndBuf, layer.tunables.wmemMax() * 2);
                    if (c != null) {
                        c.sndBufSize = Math.max(c.sndBufSize, sndBuf);
                        c.sndBufMax = Math.max(c.sndBufMax, sndBuf);
                        c.sendBufferAutotune = false;
                        if (c.sendBuffer != null) {
                            c.sendBuffer.grow(sndBuf);
                        }
                    }
                    return 0;
                case SO_RCVBUF:
                    rcvBuf = Math.max(MIN_RCVBUF, (int) Math.min(Integer.MAX_VALUE / 2, Math.max(0, value)) * 2);
                    rcvBuf = Math.min(rcvBuf, layer.tunables.rmemMax() * 2);
                    if (c != null) {
                        c.receiveBufferAutotune = false;
                        c.rcvBufSize = Math.max(c.rcvBufSize, rcvBuf);
                        c.rcvBufMax = Math.max(c.rcvBufMax, rcvBuf);
                        if (c.receiveBuffer != null) {
                            c.receiveBuffer.grow(rcvBuf);
                        }
                    }
                    return 0;
                case SO_LINGER:
                    return -Errno.EINVAL;
                default:
                    return -Errno.ENOPROTOOPT;
            }
        }
        if (level != SOL_TCP) {
            return -Errno.ENOPROTOOPT;
        }
        switch (name) {
            case TCP_NODELAY:
                noDelay = value != 0;
                if (c != null) {
                    c.noDelay = noDelay;
                    pushIfConnected(c, now);
                }
                return 0;
            case TCP_CORK:
                cork = value != 0;
                if (c != null) {
                    c.cork = cork;
                    pushIfConnected(c, now);
                }
                return 0;
            case TCP_MAXSEG:
                // Linux: 0 resets; otherwise TCP_MIN_MSS (88) .. MAX_TCP_WINDOW (32767).
                if (value != 0 && (value < 88 || value > 32767)) {
                    return -Errno.EINVAL;
                }
                maxSeg = value;
                if (c != null && c.state == TcpState.CLOSED) {
                    c.maxSegOption = value;
                }
                return 0;
            case TCP_KEEPIDLE:
                if (value < 1 || value > MAX_KEEP_SECONDS) {
                    return -Errno.EINVAL;
                }
                keepIdle = value * 1_000_000_000L;
                if (c != null) {
                    c.keepIdle = keepIdle;
                    layer.timers.startKeepalive(c, now);
                }
                return 0;
            case TCP_KEEPINTVL:
                if (value < 1 || value > MAX_KEEP_SECONDS) {
                    return -Errno.EINVAL;
                }
                keepInterval = value * 1_000_000_000L;
                if (c != null) {
                    c.keepInterval = keepInterval;
                }
                return 0;
            case TCP_KEEPCNT:
                if (value < 1 || value > MAX_KEEPCNT) {
                    return -Errno.EINVAL;
                }
                keepCount = value;
                if (c != null) {
                    c.keepCount = value;
                }
                return 0;
            case TCP_USER_TIMEOUT:
                if (value < 0) {
                    return -Errno.EINVAL;
                }
                userTimeout = value * 1_000_000L;
                if (c != null) {
                    c.userTimeout = userTimeout;
                }
                return 0;
            default:
                return -Errno.ENOPROTOOPT;
        }
    }

    private void pushIfConnected(TcpConnection c, long now) {
        if (c.state.canSend() || c.state == TcpState.FIN_WAIT_1 || c.state == TcpState.LAST_ACK) {
            layer.output.output(c, now);
        }
    }

    /** getsockopt(2) for integer options: the value (&ge; 0) or -errno. SO_ERROR reads and clears. */
    public int getOption(int level, int name) {
        if (closed) {
            return -Errno.EBADF;
        }
        TcpConnection c = conn;
        if (level == SOL_SOCKET) {
            switch (name) {
                case SO_REUSEADDR:
                    return reuseAddr ? 1 : 0;
                case SO_REUSEPORT:
                    return binding.reusePort ? 1 : 0;
                case SO_ERROR: {
                    // Linux: sk_err, else the soft error (an ICMP report), both cleared by reading.
                    int e = takeError();
                    if (e == 0 && c != null) {
                        e = c.softError;
                        c.softError = 0;
                    }
                    return e;
                }
                case SO_KEEPALIVE:
                    return keepAlive ? 1 : 0;
                case SO_SNDBUF:
                    return c != null ? (c.sendBuffer != null ? c.sendBuffer.capacity() : c.sndBufSize)
                            : sndBuf > 0 ? sndBuf : layer.tunables.wmemDefault();
                case SO_RCVBUF:
                    return c != null ? (c.receiveBuffer != null ? c.receiveBuffer.capacity() : c.rcvBufSize)
                            : rcvBuf > 0 ? rcvBuf : layer.tunables.rmemDefault();
                default:
                    return -Errno.ENOPROTOOPT;
            }
        }
        if (level != SOL_TCP) {
            return -Errno.ENOPROTOOPT;
        }
        switch (name) {
            case TCP_NODELAY:
                return noDelay ? 1 : 0;
            case TCP_CORK:
                return cork ? 1 : 0;
            case TCP_MAXSEG:
                // Linux: the current MSS once connected, else the user's value or TCP_MSS_DEFAULT (536).
                if (c != null && c.state.haveEstablished()) {
                    return c.sndMss;
                }
                return maxSeg > 0 ? maxSeg : 536;
            case TCP_KEEPIDLE:
                return (int) (keepIdle / 1_000_000_000L);
            case TCP_KEEPINTVL:
                return (int) (keepInterval / 1_000_000_000L);
            case TCP_KEEPCNT:
                return keepCount;
            case TCP_USER_TIMEOUT:
                return (int) (userTimeout / 1_000_000L);
            default:
                return -Errno.ENOPROTOOPT;
        }
    }

    /** Linux TCP_CA_NAME_MAX: the size of a TCP_CONGESTION name buffer. */
    public static final int CA_NAME_MAX = 16;
    private static final java.lang.invoke.VarHandle HOST_INT =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /**
     * setsockopt(2) with the value as the bytes a Linux program passes (host byte order,
     * little-endian): an int for the integer options, {@code struct linger} for SO_LINGER, a
     * name for TCP_CONGESTION. Returns 0 or -errno (-EINVAL when {@code len} is too short).
     */
    public int setOption(int level, int name, byte[] val, int off, int len) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (len < 0 || off < 0 || off + len > val.length) {
            return -Errno.EFAULT;
        }
        if (level == SOL_SOCKET && name == SO_LINGER) {
            if (len < 8) {
                return -Errno.EINVAL;
            }
            return setLinger((int) HOST_INT.get(val, off) != 0, (int) HOST_INT.get(val, off + 4));
        }
        if (level == SOL_TCP && name == TCP_CONGESTION) {
            int n = 0;
            while (n < Math.min(len, CA_NAME_MAX - 1) && val[off + n] != 0) {
                n++;
            }
            return setCongestion(new String(val, off, n, java.nio.charset.StandardCharsets.US_ASCII));
        }
        if (level == SOL_TCP && name == TCP_INFO) {
            return -Errno.ENOPROTOOPT;
        }
        if (len < 4) {
            return -Errno.EINVAL;
        }
        return setOption(level, name, (int) HOST_INT.get(val, off));
    }

    /**
     * getsockopt(2) into {@code out} as Linux lays the value out (host byte order): writes at
     * most {@code len} bytes and returns how many (the new optlen), or -errno. TCP_INFO is
     * Linux's {@code struct tcp_info} (see {@link #TCP_INFO_SIZE}).
     */
    public int getOption(int level, int name, byte[] out, int off, int len) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (len < 0 || off < 0 || off + len > out.length) {
            return len < 0 ? -Errno.EINVAL : -Errno.EFAULT;
        }
        byte[] v;
        if (level == SOL_SOCKET && name == SO_LINGER) {
            v = new byte[8];
            HOST_INT.set(v, 0, lingerOn ? 1 : 0);
            HOST_INT.set(v, 4, lingerSeconds);
        } else if (level == SOL_TCP && name == TCP_INFO) {
            return TcpInfoStruct.encode(conn, state(), now(), out, off, len);
        } else if (level == SOL_TCP && name == TCP_CONGESTION) {
            v = new byte[CA_NAME_MAX];
            byte[] nm = congestion().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            System.arraycopy(nm, 0, v, 0, Math.min(nm.length, CA_NAME_MAX - 1));
        } else {
            int r = getOption(level, name);
            if (r < 0) {
                return r;
            }
            v = new byte[4];
            HOST_INT.set(v, 0, r);
        }
        int n = Math.min(len, v.length);
        System.arraycopy(v, 0, out, off, n);
        return n;
    }

    /** The size of the {@code struct tcp_info} prefix TCP_INFO returns (through tcpi_snd_wnd). */
    public static final int TCP_INFO_SIZE = TcpInfoStruct.SIZE;

    /** SO_LINGER: {@code on} with {@code seconds} (0 means "reset on close"); -EINVAL for negative seconds. */
    public int setLinger(boolean on, int seconds) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (seconds < 0) {
            seconds = 0;
        }
        lingerOn = on;
        lingerSeconds = seconds;
        return 0;
    }

    public boolean lingerOn() {
        return lingerOn;
    }

    public int lingerSeconds() {
        return lingerSeconds;
    }

    /** TCP_CONGESTION: "cubic", "newreno" or "reno"; -ENOENT for an unknown name (Linux). */
    public int setCongestion(String name) {
        if (closed) {
            return -Errno.EBADF;
        }
        if (!CongestionControls.isAvailable(name)) {
            return -Errno.ENOENT;
        }
        congestion = name;
        TcpConnection c = conn;
        if (c != null && !c.state.isClosed() && !c.cc.name().equals(name)) {
            var cc = CongestionControls.create(name);
            cc.init(c.sndMss, now());
            c.cc = cc;
        }
        return 0;
    }

    public String congestion() {
        if (conn != null) {
            return conn.cc.name();
        }
        return congestion != null ? congestion : layer.tunables.congestionControl();
    }

    /** TCP_INFO: a snapshot of the connection (null when there is none). */
    public TcpInfo info() {
        return conn == null ? null : TcpInfos.snapshot(conn);
    }

    // ---- addresses and state ----

    /** getsockname(2): the bound or connected local endpoint ({@link InetEndpoint#ANY} if unbound). */
    public InetEndpoint localEndpoint() {
        if (conn != null && (!conn.state.isClosed() || binding.isBound())) {
            return new InetEndpoint(conn.localAddress, conn.localPort);
        }
        return binding.isBound() ? new InetEndpoint(binding.localAddress, binding.localPort) : InetEndpoint.ANY;
    }

    /** getpeername(2): the peer, or null (ENOTCONN) when not connected. */
    public InetEndpoint remoteEndpoint() {
        // Linux inet_getname: ENOTCONN in CLOSE and SYN-SENT.
        if (conn == null || conn.state.isClosed() || conn.state == TcpState.SYN_SENT) {
            return null;
        }
        return new InetEndpoint(conn.remoteAddress, conn.remotePort);
    }

    /** The TCP state (LISTEN for a listening socket, CLOSED when unconnected). */
    public TcpState state() {
        if (listener != null) {
            return TcpState.LISTEN;
        }
        return conn == null ? TcpState.CLOSED : conn.state;
    }

    public boolean isListening() {
        return listener != null;
    }

    int boundAddress() {
        return binding.localAddress;
    }

    /** Linux tcp_poll. */
    @Override
    public int readiness() {
        if (listener != null) {
            return listener.acceptQueueLength() > 0 ? Readiness.POLLIN : 0;
        }
        int mask = 0;
        TcpConnection c = conn;
        TcpState st = c == null ? TcpState.CLOSED : c.state;
        boolean rcvShutdown = shutRead || c != null && (c.finReceived || connectionDone);
        boolean sndShutdown = shutWrite || connectionDone;
        if (rcvShutdown && sndShutdown || st.isClosed()) {
            mask |= Readiness.POLLHUP;
        }
        if (rcvShutdown) {
            mask |= Readiness.POLLIN | Readiness.POLLRDHUP;
        }
        if (st != TcpState.SYN_SENT && st != TcpState.SYN_RECEIVED) {
            if (c != null && c.readable() > 0) {
                mask |= Readiness.POLLIN;
            }
            if (!sndShutdown) {
                if (c == null || writable(c)) {
                    mask |= Readiness.POLLOUT;
                }
            } else {
                mask |= Readiness.POLLOUT;
            }
        }
        if (softError != 0) {
            mask |= Readiness.POLLERR;
        }
        return mask;
    }

    /** Linux sk_stream_is_writeable: free space at least half of what is queued. */
    private static boolean writable(TcpConnection c) {
        if (c.sendBuffer == null) {
            return !c.state.isClosed();
        }
        int free = c.sendBuffer.free();
        return free > 0 && free >= c.sendBuffer.length() / 2;
    }

    // ---- from the engine ----

    void connected() {
        wasEstablished = true;
        notifyReadiness(true);
    }

    void stateChanged() {
        notifyReadiness(true);
    }

    void sendSpaceFreed() {
        notifyReadiness(false);
    }

    /** The connection ended; its error becomes SO_ERROR (Linux sk_err). */
    void connectionClosed(TcpConnection c) {
        connectionDone = true;
        if (autoBound && !wasEstablished) {
            // Linux: a failed connect gives back the port it picked; the next connect picks anew.
            layer.unbind(binding);
            binding.remoteAddress = 0;
            binding.remotePort = 0;
            autoBound = false;
        }
        if (c.error != 0) {
            softError = c.error;
        }
        notifyReadiness(true);
    }
}
