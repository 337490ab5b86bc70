package org.alpenstack.kernel.tcp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.ip.IpOutput;
import org.alpenstack.kernel.ip.IpPacketInfo;
import org.alpenstack.kernel.ip.TransportProtocol;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.stack.DropReason;
import org.alpenstack.kernel.tcp.cc.CongestionControl;
import org.alpenstack.kernel.tcp.cc.CongestionControls;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.time.TimerWheel;
import org.alpenstack.kernel.wire.Bytes;

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

    final IpOutput ip;
    final BufferPool pool;
    final TimerWheel wheel;
    final Clock clock;
    final TcpTunables tunables;
    final TcpCounters counters = new TcpCounters();
    final TcpTimers timers;
    final TcpOutput output;
    final TcpInput input;
    final TcpRecovery recovery;
    final IsnGenerator isnGenerator;
    final SynCookies synCookies;

    private final ConnectionTable<TcpConnection> connections = new ConnectionTable<>(64);
    private final ConnectionTable<TcpListener> listeners = new ConnectionTable<>(16);
    /** Ports bound by bind(), listen() or connect(): port -> sockets holding it. */
    private final Map<Integer, List<TcpSocket>> boundPorts = new HashMap<>();
    private final Segment segment = new Segment();
    private final IntSupplier socketIds;
    private java.util.function.Consumer<TcpSocket> socketOpened = s -> { };
    private java.util.function.Consumer<TcpSocket> socketClosed = s -> { };
    private int nextEphemeralOffset;
    private long challengeAckSecond;
    private int challengeAcksThisSecond;

    /**
     * @param secretSeed seeds the keyed hashes of ISNs (RFC 6528), SYN cookies and port choice:
     *                   from {@link java.security.SecureRandom} in production, fixed in simulations
     */
    public TcpLayer(IpOutput ip, BufferPool pool, TimerWheel wheel, Clock clock, TcpTunables tunables,
                    IntSupplier socketIds, long secretSeed) {
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
        this.isnGenerator = new IsnGenerator(secretSeed);
        this.synCookies = new SynCookies(secretSeed ^ 0x5a5a5a5a5a5a5a5aL);
        this.nextEphemeralOffset = (int) (secretSeed & 0x7fff);
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
        TcpListener l = findListener(s.dstAddr, s.dstPort);
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
            } else if (c.state == TcpState.SYN_SENT) {
                // the SYN itself is small; nothing to resend
            }
        }
    }

    // ---- connection life cycle ----

    /** A fresh control block with buffers and algorithms from the socket's options. */
    TcpConnection newConnection(TcpSocket options) {
        TcpConnection c = new TcpConnection(this);
        TcpTunables t = tunables;
        int sndBuf = options != null && options.sndBuf > 0 ? options.sndBuf : t.wmemDefault();
        int rcvBuf = options != null && options.rcvBuf > 0 ? options.rcvBuf : t.rmemDefault();
        // SO_SNDBUF/SO_RCVBUF lock the size (Linux SOCK_SNDBUF_LOCK); otherwise it may grow to the maximum.
        boolean sndLocked = options != null && options.sndBuf > 0;
        boolean rcvLocked = options != null && options.rcvBuf > 0;
        c.sendBuffer = new SendBuffer(sndBuf, sndLocked ? sndBuf : Math.max(sndBuf, t.wmemMax()));
        c.sendBufferAutotune = !sndLocked;
        c.receiveBuffer = new ReceiveBuffer(rcvBuf, rcvLocked ? rcvBuf : Math.max(rcvBuf, t.rmemMax()));
        c.reassembly = new ReassemblyQueue(c.receiveBuffer);
        c.rtt = t.newRttEstimator();
        c.scoreboard = new SackScoreboard(536);
        c.scoreboard.setDupThresh(t.reordering());
        c.peerMss = t.defaultMss();
        String ccName = options != null && options.congestion != null ? options.congestion : t.congestionControl();
        c.cc = CongestionControls.create(ccName);
        c.windowScaling = t.windowScaling();
        c.timestamps = t.timestamps();
        c.sackPermitted = t.sack();
        c.rcvScale = c.windowScaling ? scaleFor(c.receiveBuffer.maxCapacity()) : 0;
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
        int mtu = ip.pathMtu(remoteAddress);
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

    /** Our ISS for a connection (RFC 6528, RFC 9293 3.4.1). */
    int isn(TcpConnection c, long now) {
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
        // RFC 3168 6.1.1: an ECN-setup SYN is ECE|CWR; we answer without ECE (ECN not negotiated).
        c.peerAskedEcn = s.has(TcpFlags.ECE) && s.has(TcpFlags.CWR);
        updateSendMss(c, ip.pathMtu(c.remoteAddress));
    }

    /** Eff.snd.MSS = min(peer's MSS, MTU - 40, TCP_MAXSEG) less the timestamp option (RFC 9293 3.7.1, RFC 6691). */
    void updateSendMss(TcpConnection c, int mtu) {
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
    }

    /** The connection reached ESTABLISHED (either way of opening). */
    void establish(TcpConnection c, long now) {
        c.state = TcpState.ESTABLISHED;
        c.sndSml = c.sndUna;
        c.sndNxt = SeqNum.max(c.sndNxt, c.sndUna);
        c.sendBuffer.reset(c.iss + 1);
        c.reassembly.reset(c.rcvNxt);
        c.recover = c.iss;
        c.cc.init(c.sndMss, now);
        c.scoreboard.reset(c.sndUna);
        c.quickAcks = QUICK_ACKS;
        c.lastReceived = now;
        timers.startKeepalive(c, now);
        if (c.socket != null) {
            c.socket.connected();
        }
    }

    /** SYN-RECEIVED and an acceptable ACK of our SYN (RFC 9293 3.10.7.4 fifth step). */
    boolean synReceivedToEstablished(TcpConnection c, Segment s, long now) {
        if (c.passiveOpen && c.listener != null && !c.listener.hasRoomForChild()) {
            // Linux (tcp_abort_on_overflow=0): the accept queue is full; ignore the ACK and let
            // the SYN-ACK be retransmitted, the client's data waits.
            counters.drop(DropReason.TCP_ACCEPT_QUEUE_FULL);
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

    /** bind(2) rules for TCP: EADDRINUSE unless every holder of the port and the binder agree on SO_REUSEADDR. */
    int bindPort(TcpSocket s, int address, int port) {
        if (port == 0) {
            for (int i = 0; i <= EPHEMERAL_HIGH - EPHEMERAL_LOW; i++) {
                int p = EPHEMERAL_LOW + Math.floorMod(nextEphemeralOffset + i, EPHEMERAL_HIGH - EPHEMERAL_LOW + 1);
                if (!boundPorts.containsKey(p)) {
                    nextEphemeralOffset += i + 1;
                    boundPorts.computeIfAbsent(p, k -> new ArrayList<>()).add(s);
                    return p;
                }
            }
            return -Errno.EADDRINUSE;
        }
        List<TcpSocket> holders = boundPorts.get(port);
        if (holders != null) {
            for (TcpSocket h : holders) {
                boolean overlap = h.boundAddress() == 0 || address == 0 || h.boundAddress() == address;
                boolean shareable = s.reuseAddr && h.reuseAddr && !h.isListening();
                if (overlap && !shareable) {
                    return -Errno.EADDRINUSE;
                }
            }
        }
        boundPorts.computeIfAbsent(port, k -> new ArrayList<>()).add(s);
        return port;
    }

    /**
     * An ephemeral port for connect() without bind (RFC 6056 algorithm 3 in spirit: a keyed
     * offset per destination, then a linear search): one whose 4-tuple with this destination is
     * unused and that no socket bound explicitly. Ports taken this way may be shared by
     * connections to different destinations, as in Linux.
     */
    int connectPort(TcpSocket s, int localAddress, int remoteAddress, int remotePort) {
        int range = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;
        // The keyed hash F of RFC 6528 at M = 0 is RFC 6056's F(local, remote, remote port, secret).
        int offset = isnGenerator.isn(localAddress, 0, remoteAddress, remotePort, 0) + nextEphemeralOffset;
        for (int i = 0; i < range; i++) {
            int p = EPHEMERAL_LOW + Math.floorMod(offset + i, range);
            List<TcpSocket> holders = boundPorts.get(p);
            boolean explicit = false;
            if (holders != null) {
                for (TcpSocket h : holders) {
                    if (!h.autoBound) {
                        explicit = true;
                        break;
                    }
                }
            }
            if (explicit || tupleInUse(localAddress, p, remoteAddress, remotePort)) {
                continue;
            }
            nextEphemeralOffset += i + 1;
            boundPorts.computeIfAbsent(p, k -> new ArrayList<>()).add(s);
            return p;
        }
        return -Errno.EADDRNOTAVAIL;
    }

    void releasePort(TcpSocket s, int port) {
        List<TcpSocket> holders = boundPorts.get(port);
        if (holders != null) {
            holders.remove(s);
            if (holders.isEmpty()) {
                boundPorts.remove(port);
            }
        }
    }

    void addListener(TcpListener l) {
        listeners.put(ConnectionTable.hi(l.localAddress, 0), ConnectionTable.lo(l.localPort, 0), l);
    }

    void removeListener(TcpListener l) {
        listeners.remove(ConnectionTable.hi(l.localAddress, 0), ConnectionTable.lo(l.localPort, 0), l);
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

    static CongestionControl newCongestionControl(String name) {
        return CongestionControls.create(name);
    }
}
