package org.alpenstack.kernel.tcp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.ip.IpOutput;
import org.alpenstack.kernel.ip.IpPacketInfo;
import org.alpenstack.kernel.ip.TransportProtocol;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.PortBinding;
import org.alpenstack.kernel.socket.PortTable;
import org.alpenstack.kernel.stack.DropReason;
import org.alpenstack.kernel.tcp.cc.CongestionControls;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.time.TimerWheel;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.TcpFlags;

/**
 * TCP as the IPv4 layer sees it: demultiplexes arriving segments to connections (4-tuple),
 * listeners (local address and port, then the wildcard) or, for nobody, answers with a reset;
 * owns the port bindings, TIME-WAIT, ICMP error handling and the counters. One per stack.
 */
public final class TcpLayer implements TransportProtocol {
    public static final int PROTOCOL = 6;
    /** Linux's default net.ipv4.ip_local_port_range. */
    public static final int EPHEMERAL_LOW = 32768;
    public static final int EPHEMERAL_HIGH = 60999;
    /** Linux TCP_MAX_QUICKACKS: segments ACKed at once at the start of a connection. */
    static final int QUICK_ACKS = 16;
    /** RFC 5961 7 / Linux tcp_challenge_ack_limit: challenge ACKs per second for the whole stack. */
    static final int CHALLENGE_ACK_LIMIT = 1000;
    /**
     * Linux IP_MAX_MTU: an IPv4 packet is at most 65535 bytes (16-bit total length), so a 64 KiB
     * loopback MTU still means MSS 65495.
     */
    static final int IP_MAX_MTU = 65535;

    final IpOutput ip;
    final BufferPool pool;
    final TimerWheel wheel;
    final Clock clock;
    final TcpTunables tunables;
    final TcpCounters counters = new TcpCounters();
    final TcpTimers timers;
    final TcpOutput output;
    /** True between {@link #beginInputBatch} and {@link #endInputBatch}. */
    boolean batching;
    /** Connections whose output waits for {@link #endInputBatch} (see {@link TcpOutput#outputAfterInput}). */
    final java.util.ArrayList<TcpConnection> deferredOutput = new java.util.ArrayList<>();
    final TcpInput input;
    final TcpRecovery recovery;
    final TailLossProbe tlp;
    final IsnGenerator isnGenerator;
    final SynCookies synCookies;

    private final ConnectionTable<TcpConnection> connections = new ConnectionTable<>(64);
    private final ConnectionTable<TcpListener> listeners = new ConnectionTable<>(16);
    /** The stack's port bindings, shared with UDP and ping sockets (each protocol its own space). */
    final PortTable ports;
    private final Segment segment = new Segment();
    private TcpConnection cookieScratch;
    private final IntSupplier socketIds;
    private java.util.function.Consumer<TcpSocket> socketOpened = s -> { };
    private java.util.function.Consumer<TcpSocket> socketClosed = s -> { };
    private long challengeAckSecond;
    private int challengeAcksThisSecond;

    /**
     * @param secretSeed seeds the keyed hashes of ISNs (RFC 6528), SYN cookies and port choice:
     *                   from {@link java.security.SecureRandom} in production, fixed in simulations
     */
    public TcpLayer(IpOutput ip, BufferPool pool, TimerWheel wheel, Clock clock, TcpTunables tunables,
                    IntSupplier socketIds, long secretSeed) {
        this(ip, pool, wheel, clock, tunables, socketIds, secretSeed, new PortTable(secretSeed));
    }

    /** As above, binding ports in the stack's {@code ports} (NetStack passes its own). */
    public TcpLayer(IpOutput ip, BufferPool pool, TimerWheel wheel, Clock clock, TcpTunables tunables,
                    IntSupplier socketIds, long secretSeed, PortTable ports) {
        this.ports = ports;
        this.ip = ip;
        this.pool = pool;
        this.wheel = wheel;
        this.clock = clock;
        this.tunables = tunables;
        this.socketIds = socketIds;
        this.timers = new TcpTimers(this);
        this.output = new TcpOutput(this);
        this.input = new TcpInput(this);
        this.recovery = new TcpRecovery(this);
        this.tlp = new TailLossProbe(this);
        this.isnGenerator = new IsnGenerator(secretSeed);
        this.synCookies = new SynCookies(secretSeed ^ 0x5a5a5a5a5a5a5a5aL);
    }

    /** A new, unbound, unconnected TCP socket (socket(AF_INET, SOCK_STREAM, 0)). */
    public TcpSocket openSocket() {
        TcpSocket s = new TcpSocket(this, socketIds.getAsInt());
        socketOpened.accept(s);
        return s;
    }

    /** Tells the stack's socket table about every TCP socket opened (incl. accepted) and closed. */
    public void setSocketTable(java.util.function.Consumer<TcpSocket> opened, java.util.function.Consumer<TcpSocket> closed) {
        this.socketOpened = opened;
        this.socketClosed = closed;
    }

    void socketOpened(TcpSocket s) {
        socketOpened.accept(s);
    }

    void socketClosed(TcpSocket s) {
        socketClosed.accept(s);
    }

    int nextSocketId() {
        return socketIds.getAsInt();
    }

    public TcpCounters counters() {
        return counters;
    }

    public TcpTunables tunables() {
        return tunables;
    }

    /** Connections in the table, TIME-WAIT included (netstat). */
    public int connectionCount() {
        return connections.size();
    }

    @Override
    public int protocolNumber() {
        return PROTOCOL;
    }

    // ---- input demultiplexing ----

    /**
     * The link is about to deliver a batch of frames that arrived together: until
     * {@link #endInputBatch}, in-order segments do not trigger output each, so a connection sends
     * one ACK (and one burst of data) for the whole batch.
     */
    public void beginInputBatch() {
        batching = true;
    }

    /** The batch is over: every connection that deferred its output sends now. */
    public void endInputBatch(long now) {
        batching = false;
        for (int i = 0; i < deferredOutput.size(); i++) {
            TcpConnection c = deferredOutput.get(i);
            c.outputDeferred = false;
            if (!c.state.isClosed()) {
                output.output(c, now);
            }
        }
        deferredOutput.clear();
    }

    @Override
    public void receive(IpPacketInfo info, PacketBuffer payload) {
        long now = clock.nanos();
        counters.segmentsIn++;
        Segment s = segment;
        DropReason bad = s.parse(info, payload);
        if (bad != null) {
            counters.drop(bad);
            return;
        }
        if (info.linkBroadcast) {
            // RFC 1122 4.2.3.10: a segment to a broadcast or multicast address is never ours.
            counters.drop(DropReason.TCP_UNEXPECTED_SEGMENT);
            return;
        }
        TcpConnection c = connections.get(s.dstAddr, s.dstPort, s.srcAddr, s.srcPort);
        int issHint = 0;
        if (c != null) {
            if (c.state == TcpState.TIME_WAIT && s.has(TcpFlags.SYN) && !s.has(TcpFlags.ACK | TcpFlags.RST)
                    && timeWaitAcceptsSyn(c, s)) {
                // RFC 6191 / RFC 9293 3.10.7.4 note: a new incarnation may reuse the 4-tuple when its
                // sequence numbers (or timestamps) are beyond the old ones; its ISS starts past ours.
                issHint = c.sndNxt + 65535 + 2;
                counters.timeWaitRecycled++;
                closeConnection(c, 0, now);
            } else {
                input.segmentArrives(c, s, now);
                return;
            }
        }
        TcpListener l = selectReusePort(findListener(s.dstAddr, s.dstPort), s);
        if (l != null) {
            l.segmentArrives(s, now, issHint);
            return;
        }
        // RFC 9293 3.10.7.1: CLOSED. Everything but a reset is answered with one.
        counters.drop(DropReason.TCP_NO_SOCKET);
        output.sendResetFor(s);
    }

    /**
     * RFC 6191 (with timestamps: the SYN's TSval is newer than TS.Recent) or RFC 9293's note on
     * TIME-WAIT (without: its sequence number is beyond RCV.NXT), as Linux's tcp_timewait_state_process.
     */
    private static boolean timeWaitAcceptsSyn(TcpConnection c, Segment s) {
        if (c.timestamps && s.hasTimestamp) {
            return SeqNum.gt(s.tsVal, c.tsRecent);
        }
        return SeqNum.gt(s.seq, c.rcvNxt);
    }

    private TcpListener findListener(int address, int port) {
        TcpListener l = listeners.get(ConnectionTable.hi(address, 0), ConnectionTable.lo(port, 0));
        if (l == null) {
            l = listeners.get(ConnectionTable.hi(0, 0), ConnectionTable.lo(port, 0));
        }
        return l;
    }

    // ---- ICMP (RFC 1122 4.2.3.9, RFC 1191, RFC 5927) ----

    @Override
    public void icmpError(int icmpType, int icmpCode, int errno, int nextHopMtu, byte[] q, int qOff, int qLen) {
        long now = clock.nanos();
        if (qLen < 20) {
            return;
        }
        int ihl = (q[qOff] & 0x0f) * 4;
        if (ihl < 20 || qLen < ihl + 8) {
            return;
        }
        int src = Bytes.u32(q, qOff + 12);
        int dst = Bytes.u32(q, qOff + 16);
        int t = qOff + ihl;
        int srcPort = Bytes.u16(q, t);
        int dstPort = Bytes.u16(q, t + 2);
        int seq = Bytes.u32(q, t + 4);
        TcpConnection c = connections.get(src, srcPort, dst, dstPort);
        if (c == null || c.state == TcpState.LISTEN || c.state == TcpState.TIME_WAIT) {
            counters.drop(DropReason.ICMP_ERROR_NO_SOCKET);
            return;
        }
        // RFC 5927 4.1: believe only errors quoting a sequence number we have in flight.
        if (!SeqNum.inRange(seq, c.sndUna, c.sndMax + 1) && !(c.state == TcpState.SYN_SENT && seq == c.iss)) {
            counters.drop(DropReason.TCP_OUT_OF_WINDOW);
            return;
        }
        if (errno == Errno.EMSGSIZE) {
            pathMtuLowered(c, nextHopMtu, now);
            return;
        }
        if (c.state == TcpState.SYN_SENT || c.state == TcpState.SYN_RECEIVED && !c.passiveOpen) {
            // Linux tcp_v4_err: during connect every unreachable is fatal (connect() reports it).
            closeConnection(c, errno, now);
            return;
        }
        // RFC 1122 4.2.3.9: soft in synchronized states; reported if the connection then times out.
        c.softError = errno;
        if (c.socket != null) {
            c.socket.stateChanged();
        }
    }

    /** The IP layer refused a segment as too big: take the MSS down to the route's MTU. */
    void shrinkMssToRoute(TcpConnection c) {
        int before = c.sndMss;
        int mtu = ip.pathMtu(c.remoteAddress);
        if (mtu >= 68) {
            updateSendMss(c, mtu);
            if (c.sndMss < before) {
                c.cc.onMssChange(c.sndMss);
            }
        }
    }

    /** RFC 1191 / RFC 8201 style: shrink the MSS to the reported MTU and resend what no longer fits. */
    private void pathMtuLowered(TcpConnection c, int nextHopMtu, long now) {
        int mtu = nextHopMtu > 0 ? nextHopMtu : ip.pathMtu(c.remoteAddress);
        int routeMtu = ip.pathMtu(c.remoteAddress);
        if (routeMtu > 0) {
            mtu = Math.min(mtu, routeMtu);
        }
        if (mtu < 68) {
            return;
        }
        int before = c.sndMss;
        updateSendMss(c, mtu);
        if (c.sndMss < before) {
            c.cc.onMssChange(c.sndMss);
            c.scoreboard.setSmss(c.sndMss);
            // Linux tcp_simple_retransmit: what was sent at the old size is lost; resend from SND.UNA.
            if (c.sndUna != c.sndMax && c.state.haveEstablished()) {
                c.sndNxt = c.sndUna;
                c.rttTiming = false;
                output.output(c, now);
            }
        }
    }

    // ---- connection life cycle ----

    /** A fresh control block with buffers and algorithms from the socket's options. */
    TcpConnection newConnection(TcpSocket options) {
        TcpConnection c = new TcpConnection(this);
        TcpTunables t = tunables;
        sizeBuffers(c, options);
        c.rtt = t.newRttEstimator();
        c.scoreboard = new SackScoreboard(536);
        c.prr = new ProportionalRateReduction();
        c.scoreboard.setDupThresh(t.reordering());
        c.peerMss = t.defaultMss();
        String ccName = options != null && options.congestion != null ? options.congestion : t.congestionControl();
        c.cc = CongestionControls.create(ccName);
        c.windowScaling = t.windowScaling();
        c.timestamps = t.timestamps();
        c.sackPermitted = t.sack();
        c.rcvScale = c.windowScaling ? scaleFor(c.rcvBufMax) : 0;
        if (options != null) {
            options.applyTo(c);
        } else {
            c.keepIdle = t.keepaliveTimeNanos();
            c.keepInterval = t.keepaliveIntvlNanos();
            c.keepCount = t.keepaliveProbes();
            c.noDelay = !t.nagle();
        }
        return c;
    }

    /** SO_SNDBUF/SO_RCVBUF lock the size (Linux SOCK_SNDBUF_LOCK); otherwise it may grow to the maximum. */
    private void sizeBuffers(TcpConnection c, TcpSocket options) {
        TcpTunables t = tunables;
        boolean sndLocked = options != null && options.sndBuf > 0;
        boolean rcvLocked = options != null && options.rcvBuf > 0;
        c.sndBufSize = sndLocked ? options.sndBuf : t.wmemDefault();
        c.rcvBufSize = rcvLocked ? options.rcvBuf : t.rmemDefault();
        c.sndBufMax = sndLocked ? c.sndBufSize : Math.max(c.sndBufSize, t.wmemMax());
        c.rcvBufMax = rcvLocked ? c.rcvBufSize : Math.max(c.rcvBufSize, t.rmemMax());
        c.sendBufferAutotune = !sndLocked;
        c.receiveBufferAutotune = !rcvLocked && t.moderateRcvbuf();
    }

    /**
     * The one control block used to answer SYNs with cookies: stateless means no allocation per
     * SYN either, so a flood costs no garbage.
     */
    TcpConnection cookieConnection(TcpSocket options) {
        if (cookieScratch == null) {
            cookieScratch = newConnection(options);
        }
        TcpConnection c = cookieScratch;
        sizeBuffers(c, options);
        c.windowScaling = tunables.windowScaling();
        c.timestamps = tunables.timestamps();
        c.sackPermitted = tunables.sack();
        c.rcvScale = c.windowScaling ? scaleFor(c.rcvBufMax) : 0;
        c.sndScale = 0;
        c.maxSegOption = options != null ? options.maxSegOption() : 0;
        c.rcvAdv = 0;
        return c;
    }

    /** RFC 7323 2.3: the smallest shift that lets the window field express the whole buffer (at most 14). */
    static int scaleFor(int bufferBytes) {
        int shift = 0;
        while (shift < 14 && (bufferBytes >> shift) > 65535) {
            shift++;
        }
        return shift;
    }

    /** Sets the 4-tuple and our advertised MSS (route MTU - 40, RFC 9293 3.7.1; TCP_MAXSEG clamps it). */
    void bindTuple(TcpConnection c, int localAddress, int localPort, int remoteAddress, int remotePort) {
        c.localAddress = localAddress;
        c.localPort = localPort;
        c.remoteAddress = remoteAddress;
        c.remotePort = remotePort;
        int mtu = Math.min(ip.pathMtu(remoteAddress), IP_MAX_MTU);
        int mss = (mtu > 0 ? mtu : 576) - 40;
        if (c.maxSegOption > 0) {
            mss = Math.min(mss, c.maxSegOption);
        }
        c.advertisedMss = Math.max(mss, 88);
        c.tsOffset = isnGenerator.timestampOffset(localAddress, remoteAddress);
    }

    void insert(TcpConnection c) {
        c.keyHi = ConnectionTable.hi(c.localAddress, c.remoteAddress);
        c.keyLo = ConnectionTable.lo(c.localPort, c.remotePort);
        connections.put(c.keyHi, c.keyLo, c);
        c.inTable = true;
    }

    boolean tupleInUse(int localAddress, int localPort, int remoteAddress, int remotePort) {
        return connections.get(localAddress, localPort, remoteAddress, remotePort) != null;
    }

    /** Tests only: a fixed ISS instead of RFC 6528's (to exercise sequence-number wraparound). */
    java.util.function.IntSupplier issOverride;

    /** Our ISS for a connection (RFC 6528, RFC 9293 3.4.1). */
    int isn(TcpConnection c, long now) {
        if (issOverride != null) {
            return issOverride.getAsInt();
        }
        return isnGenerator.isn(c.localAddress, c.localPort, c.remoteAddress, c.remotePort, now);
    }

    /**
     * Applies the peer's SYN options to ours (RFC 9293 3.7.1, RFC 7323 1.3 and 2.2, RFC 2018 2):
     * each option is in force only if both sides sent it.
     */
    void negotiateOptions(TcpConnection c, Segment s, long now) {
        c.peerMss = s.mss > 0 ? Math.max(s.mss, tunables.minSndMss()) : tunables.defaultMss();
        c.windowScaling = c.windowScaling && s.windowScale >= 0;
        if (c.windowScaling) {
            c.sndScale = s.windowScale;
        } else {
            c.sndScale = 0;
            c.rcvScale = 0;
        }
        c.timestamps = c.timestamps && s.hasTimestamp;
        if (c.timestamps) {
            c.tsRecent = s.tsVal;
            c.tsRecentTime = now;
        }
        c.sackPermitted = c.sackPermitted && s.sackPermitted;
        // RFC 3168 6.1.1: an ECN-setup SYN is ECE|CWR; never refuse it, agree if ECN is not off.
        c.peerAskedEcn = s.has(TcpFlags.ECE) && s.has(TcpFlags.CWR);
        updateSendMss(c, ip.pathMtu(c.remoteAddress));
    }

    /** Eff.snd.MSS = min(peer's MSS, MTU - 40, TCP_MAXSEG) less the timestamp option (RFC 9293 3.7.1, RFC 6691). */
    void updateSendMss(TcpConnection c, int mtu) {
        mtu = Math.min(mtu, IP_MAX_MTU);
        int mss = c.peerMss;
        if (mtu > 0) {
            mss = Math.min(mss, mtu - 40);
        }
        if (c.maxSegOption > 0) {
            mss = Math.min(mss, c.maxSegOption);
        }
        if (c.timestamps) {
            mss -= 12;
        }
        c.sndMss = Math.max(mss, 64);
        c.scoreboard.setSmss(c.sndMss);
        c.txOffloads = ip.txOffloads(c.remoteAddress);
    }

    /** The connection reached ESTABLISHED (either way of opening). */
    void establish(TcpConnection c, long now) {
        c.state = TcpState.ESTABLISHED;
        c.allocateBuffers();
        c.sndSml = c.sndUna;
        c.sndNxt = SeqNum.max(c.sndNxt, c.sndUna);
        c.sendBuffer.reset(c.iss + 1);
        c.reassembly.reset(c.rcvNxt);
        c.recover = c.iss;
        c.ecnRecover = c.iss;
        c.cc.init(c.sndMss, now);
        c.scoreboard.reset(c.sndUna);
        c.quickAcks = QUICK_ACKS;
        // Linux tcp_init_buffer_space: DRS starts from the initial window's worth per RTT.
        c.rcvSpace = Math.min(c.rcvBufSize, 10 * c.advertisedMss);
        c.lastReceived = now;
        timers.startKeepalive(c, now);
        if (c.socket != null) {
            c.socket.connected();
        }
    }

    /** SYN-RECEIVED and an acceptable ACK of our SYN (RFC 9293 3.10.7.4 fifth step). */
    boolean synReceivedToEstablished(TcpConnection c, Segment s, long now) {
        if (c.passiveOpen && c.listener != null && !c.listener.hasRoomForChild()) {
            // Linux: the accept queue is full. By default (tcp_abort_on_overflow=0) ignore the ACK
            // and let the SYN-ACK be retransmitted, the client's data waits; otherwise reset.
            counters.drop(DropReason.TCP_ACCEPT_QUEUE_FULL);
            if (tunables.abortOnOverflow()) {
                output.sendResetFor(s);
                closeConnection(c, 0, now);
            }
            return false;
        }
        c.sndUna = s.ack;
        c.sndWnd = s.window << c.sndScale;
        c.sndWl1 = s.seq;
        c.sndWl2 = s.ack;
        c.maxSndWnd = c.sndWnd;
        timers.handshakeDone(c, now);
        establish(c, now);
        if (c.passiveOpen && c.listener != null) {
            counters.passiveOpens++;
            // Linux inet_inherit_port: the child shares the listener's port without a conflict check.
            PortBinding b = new PortBinding(PROTOCOL, c);
            b.localAddress = c.localAddress;
            b.localPort = c.localPort;
            b.remoteAddress = c.remoteAddress;
            b.remotePort = c.remotePort;
            b.reuseAddress = c.listener.socket.reuseAddr;
            ports.inherit(b);
            c.binding = b;
            c.listener.childEstablished(c);
        }
        return true;
    }

    void enterTimeWait(TcpConnection c, long now) {
        c.state = TcpState.TIME_WAIT;
        wheel.cancel(c.retransmitTimer);
        wheel.cancel(c.persistTimer);
        wheel.cancel(c.keepaliveTimer);
        wheel.cancel(c.delayedAckTimer);
        timers.startTimeWait(c, now);
        if (c.socket != null) {
            c.socket.stateChanged();
        } else {
            c.releaseBuffers();
        }
    }

    /**
     * The connection is gone (RFC 9293 "delete the TCB"): timers stop, the 4-tuple is free, and
     * its socket (if any) learns {@code errno} (0 for an orderly end).
     */
    void closeConnection(TcpConnection c, int errno, long now) {
        if (c.state == TcpState.CLOSED && !c.inTable) {
            return;
        }
        TcpState before = c.state;
        c.state = TcpState.CLOSED;
        timers.cancelAll(c);
        if (c.inTable) {
            connections.remove(c.keyHi, c.keyLo, c);
            c.inTable = false;
        }
        if (errno != 0) {
            c.error = errno;
            if (errno == Errno.ECONNRESET || errno == Errno.EPIPE) {
                counters.establishedResets++;
            }
        }
        if (c.listener != null) {
            c.listener.childGone(c, before);
        }
        if (c.socket != null) {
            c.socket.connectionClosed(c);
        } else {
            c.releaseBuffers();
            // The port stays taken until the connection is really gone (Linux keeps TIME-WAIT in bhash).
            unbind(c.binding);
            c.binding = null;
        }
    }

    /** Aborts with a reset when the state calls for one (RFC 9293 3.10.4 ABORT; Linux tcp_disconnect). */
    void abort(TcpConnection c, int errno, long now) {
        TcpState st = c.state;
        if (st == TcpState.SYN_RECEIVED || st == TcpState.ESTABLISHED || st == TcpState.FIN_WAIT_1
                || st == TcpState.FIN_WAIT_2 || st == TcpState.CLOSE_WAIT) {
            output.sendReset(c, now);
        }
        closeConnection(c, errno, now);
    }

    /** RFC 5961 7: at most tcp_challenge_ack_limit challenge ACKs per second for the whole stack. */
    boolean allowChallengeAck(long now) {
        long second = now / 1_000_000_000L;
        if (second != challengeAckSecond) {
            challengeAckSecond = second;
            challengeAcksThisSecond = 0;
        }
        if (challengeAcksThisSecond >= CHALLENGE_ACK_LIMIT) {
            return false;
        }
        challengeAcksThisSecond++;
        return true;
    }

    // ---- ports and listeners ----

    /**
     * A port for connect() without bind (Linux __inet_hash_connect, via the stack's
     * {@link PortTable}): the 4-tuple must be free, TIME-WAIT included, because a connection keeps
     * its binding until it is gone.
     */
    int connectPort(PortBinding b, int localAddress, int remoteAddress, int remotePort) {
        return ports.allocateEphemeralPort(b, localAddress, remoteAddress, remotePort);
    }

    void unbind(PortBinding b) {
        if (b != null) {
            ports.unbind(b);
        }
    }

    /** Listeners of one address and port (several only with SO_REUSEPORT) form a chain. */
    void addListener(TcpListener l) {
        long hi = ConnectionTable.hi(l.localAddress, 0);
        long lo = ConnectionTable.lo(l.localPort, 0);
        TcpListener first = listeners.get(hi, lo);
        if (first == null) {
            listeners.put(hi, lo, l);
        } else {
            TcpListener last = first;
            while (last.reusePortNext != null) {
                last = last.reusePortNext;
            }
            last.reusePortNext = l;
        }
    }

    void removeListener(TcpListener l) {
        long hi = ConnectionTable.hi(l.localAddress, 0);
        long lo = ConnectionTable.lo(l.localPort, 0);
        TcpListener first = listeners.get(hi, lo);
        if (first == l) {
            if (l.reusePortNext == null) {
                listeners.remove(hi, lo, l);
            } else {
                listeners.put(hi, lo, l.reusePortNext);
            }
        } else {
            for (TcpListener p = first; p != null; p = p.reusePortNext) {
                if (p.reusePortNext == l) {
                    p.reusePortNext = l.reusePortNext;
                    break;
                }
            }
        }
        l.reusePortNext = null;
    }

    /**
     * SO_REUSEPORT (Linux reuseport_select_sock): a connection's listener is chosen by a hash of
     * the peer's address and port, so one client always lands on the same listener and the
     * load spreads evenly.
     */
    private static TcpListener selectReusePort(TcpListener first, Segment s) {
        if (first == null || first.reusePortNext == null) {
            return first;
        }
        int n = 0;
        for (TcpListener p = first; p != null; p = p.reusePortNext) {
            n++;
        }
        int h = (s.srcAddr * 0x9E3779B1) ^ (s.srcPort * 0x85EBCA6B);
        h ^= h >>> 15;
        int pick = Math.floorMod(h, n);
        TcpListener p = first;
        for (int i = 0; i < pick; i++) {
            p = p.reusePortNext;
        }
        return p;
    }

    /** Every connection's {@link TcpConnection#debugState()}, one per line (tests and debugging). */
    public String debugDump() {
        StringBuilder sb = new StringBuilder();
        connections.forEach(c -> sb.append(c.debugState()).append('\n'));
        return sb.toString();
    }

    /** All connections, for snapshots (allocates; not for the data path). */
    public List<TcpConnectionInfo> connectionsSnapshot() {
        List<TcpConnectionInfo> out = new ArrayList<>();
        connections.forEach(c -> out.add(TcpConnectionInfo.of(c)));
        return out;
    }
}
