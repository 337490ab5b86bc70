package org.alpenstack.kernel.tcp;

import java.util.ArrayDeque;
import org.alpenstack.kernel.stack.DropReason;
import org.alpenstack.kernel.wire.TcpFlags;

/**
 * A socket in LISTEN (RFC 9293 3.10.7.2) with Linux's two queues: the SYN queue of half-open
 * connections in SYN-RECEIVED, and the accept queue of established ones waiting for accept().
 * When the SYN queue is full a SYN is answered statelessly with a SYN cookie (RFC 4987 3.6), so
 * a SYN flood cannot keep legitimate clients out; when the accept queue is full new SYNs are
 * dropped (Linux ListenOverflows) and the client retries.
 */
final class TcpListener {
    final TcpLayer layer;
    final TcpSocket socket;
    final int localAddress;
    final int localPort;
    private int backlog;
    /** The next listener of the same address and port (SO_REUSEPORT group), or null. */
    TcpListener reusePortNext;
    private final ArrayDeque<TcpConnection> acceptQueue = new ArrayDeque<>();
    private int synQueueLength;

    TcpListener(TcpLayer layer, TcpSocket socket, int localAddress, int localPort, int backlog) {
        this.layer = layer;
        this.socket = socket;
        this.localAddress = localAddress;
        this.localPort = localPort;
        setBacklog(backlog);
    }

    /** Linux: listen(backlog) is clamped to [0, somaxconn]; a repeated listen() only changes it. */
    void setBacklog(int backlog) {
        this.backlog = Math.max(0, Math.min(backlog, layer.tunables.somaxconn()));
    }

    int backlog() {
        return backlog;
    }

    int acceptQueueLength() {
        return acceptQueue.size();
    }

    int synQueueLength() {
        return synQueueLength;
    }

    /** Linux sk_acceptq_is_full: more than {@code backlog} waiting. */
    boolean hasRoomForChild() {
        return acceptQueue.size() <= backlog;
    }

    void segmentArrives(Segment s, long now, int issHint) {
        if (s.has(TcpFlags.RST)) {
            // First: an incoming RST is ignored.
            layer.counters.drop(DropReason.TCP_RST_IGNORED);
            return;
        }
        if (s.has(TcpFlags.ACK)) {
            // Second: an ACK here either completes a SYN cookie handshake or gets <SEQ=SEG.ACK><CTL=RST>.
            if (!s.has(TcpFlags.SYN) && layer.tunables.syncookies() != 0 && cookieAck(s, now)) {
                return;
            }
            layer.counters.drop(s.has(TcpFlags.SYN) ? DropReason.TCP_UNEXPECTED_SEGMENT : DropReason.TCP_BAD_SYN_COOKIE);
            layer.output.sendResetFor(s);
            return;
        }
        if (!s.has(TcpFlags.SYN) || s.has(TcpFlags.FIN)) {
            // Fourth: "any other control or text-bearing segment ... drop it and return"; Linux
            // also discards SYN|FIN, a scanner's probe rather than a connection request.
            layer.counters.drop(DropReason.TCP_UNEXPECTED_SEGMENT);
            return;
        }
        if (!hasRoomForChild()) {
            layer.counters.drop(DropReason.TCP_ACCEPT_QUEUE_FULL);
            return;
        }
        // Linux inet_csk_reqsk_queue_is_full: the SYN queue holds at most backlog half-open
        // connections (so backlog 0 answers every SYN with a cookie); tcp_syncookies=2 always does.
        int synLimit = Math.min(backlog, layer.tunables.maxSynBacklog());
        if (synQueueLength >= synLimit || layer.tunables.syncookies() == 2) {
            if (layer.tunables.syncookies() != 0) {
                sendCookieSynAck(s, now);
            } else {
                layer.counters.drop(DropReason.TCP_SYN_QUEUE_FULL);
            }
            return;
        }
        // Third: a SYN creates a connection in SYN-RECEIVED and is answered with <SYN,ACK>.
        TcpConnection c = layer.newConnection(socket);
        layer.bindTuple(c, s.dstAddr, localPort, s.srcAddr, s.srcPort);
        c.passiveOpen = true;
        c.listener = this;
        c.irs = s.seq;
        c.rcvNxt = s.seq + 1;
        c.rcvAdv = c.rcvNxt;
        c.iss = issHint != 0 ? issHint : layer.isn(c, now);
        c.sndUna = c.iss;
        c.sndNxt = c.iss;
        c.sndMax = c.iss;
        c.sndWnd = s.window;
        c.sndWl1 = s.seq;
        c.maxSndWnd = c.sndWnd;
        layer.negotiateOptions(c, s, now);
        TcpEcn.passiveOpen(c, s, layer.tunables);
        c.state = TcpState.SYN_RECEIVED;
        c.lastReceived = now;
        layer.insert(c);
        synQueueLength++;
        layer.output.output(c, now);
    }

    /**
     * SYN cookies (RFC 4987 3.6): the SYN-ACK's ISS encodes the 4-tuple, a coarse time and the
     * client's MSS; no state is kept. Window scaling, SACK and timestamps are encoded too when
     * the SYN carried timestamps (as Linux does in the TSval's low bits); without them the
     * connection runs with none of those options, which RFC 4987 accepts as the cost.
     */
    private void sendCookieSynAck(Segment s, long now) {
        TcpConnection c = layer.cookieConnection(socket);
        layer.bindTuple(c, s.dstAddr, localPort, s.srcAddr, s.srcPort);
        c.irs = s.seq;
        c.rcvNxt = s.seq + 1;
        c.rcvAdv = c.rcvNxt;
        layer.negotiateOptions(c, s, now);
        c.iss = layer.synCookies.cookie(s.dstAddr, localPort, s.srcAddr, s.srcPort, s.seq, c.peerMss, now);
        c.sndUna = c.iss;
        c.sndNxt = c.iss;
        c.sndMax = c.iss;
        // Without timestamps the options cannot be remembered: offer none beyond MSS.
        if (!c.timestamps) {
            c.windowScaling = false;
            c.sackPermitted = false;
            c.sndScale = 0;
            c.rcvScale = 0;
        } else {
            // The SYN's options ride in the low bits of our TSval and come back in its TSecr.
            int tsNow = TcpOutput.tsVal(c, now);
            TcpEcn.passiveOpen(c, s, layer.tunables);
            int encoded = SynCookies.encodeTimestamp(tsNow, c.windowScaling ? c.sndScale : -1, c.sackPermitted, c.ecnOn);
            c.tsOffset += encoded - tsNow;
        }
        if (!c.timestamps) {
            c.ecnOn = false;
        }
        c.state = TcpState.SYN_RECEIVED;
        layer.counters.synCookiesSent++;
        // Emitted but never inserted: the control block is dropped right after.
        layer.output.emit(c, c.iss, TcpFlags.SYN | TcpFlags.ACK, 0, now);
    }

    /** The third segment of a cookie handshake: rebuild the connection if the cookie checks out. */
    private boolean cookieAck(Segment s, long now) {
        int iss = s.ack - 1;
        int mss = layer.synCookies.check(s.dstAddr, localPort, s.srcAddr, s.srcPort, s.seq - 1, iss, now);
        if (mss <= 0) {
            return false;
        }
        TcpConnection c = layer.newConnection(socket);
        layer.bindTuple(c, s.dstAddr, localPort, s.srcAddr, s.srcPort);
        c.passiveOpen = true;
        c.listener = this;
        c.irs = s.seq - 1;
        c.rcvNxt = s.seq;
        c.rcvAdv = c.rcvNxt;
        c.iss = iss;
        c.sndUna = iss;
        c.sndNxt = iss + 1;
        c.sndMax = iss + 1;
        c.peerMss = mss;
        c.windowScaling = false;
        c.sackPermitted = false;
        c.timestamps = false;
        c.rcvScale = 0;
        c.sndScale = 0;
        if (s.hasTimestamp && layer.tunables.timestamps()) {
            int ws = SynCookies.timestampWscale(s.tsEcr);
            c.timestamps = true;
            c.tsRecent = s.tsVal;
            c.tsRecentTime = now;
            c.sackPermitted = layer.tunables.sack() && SynCookies.timestampSack(s.tsEcr);
            c.ecnOn = layer.tunables.ecn() != 0 && SynCookies.timestampEcn(s.tsEcr);
            if (ws >= 0 && layer.tunables.windowScaling()) {
                c.windowScaling = true;
                c.sndScale = ws;
                c.rcvScale = TcpLayer.scaleFor(c.rcvBufMax);
            }
        }
        layer.updateSendMss(c, layer.ip.pathMtu(c.remoteAddress));
        c.state = TcpState.SYN_RECEIVED;
        layer.insert(c);
        layer.counters.synCookiesAccepted++;
        synQueueLength++;
        layer.input.segmentArrives(c, s, now);
        return true;
    }

    /** A child completed its handshake: it waits in the accept queue. */
    void childEstablished(TcpConnection c) {
        synQueueLength--;
        c.inAcceptQueue = true;
        acceptQueue.add(c);
        socket.stateChanged();
    }

    /** A child died before accept() took it (reset, handshake timeout). */
    void childGone(TcpConnection c, TcpState before) {
        if (c.inAcceptQueue) {
            acceptQueue.remove(c);
            c.inAcceptQueue = false;
            socket.stateChanged();
        } else if (before == TcpState.SYN_RECEIVED) {
            synQueueLength--;
        }
        c.listener = null;
    }

    /**
     * The oldest established connection, detached from the listener, or null. A connection reset
     * while it waited has already left the queue (FreeBSD's behaviour; accept() never returns a
     * dead socket).
     */
    TcpConnection accept() {
        TcpConnection c = acceptQueue.poll();
        if (c != null) {
            c.inAcceptQueue = false;
            c.listener = null;
        }
        return c;
    }

    /** close() of the listening socket: queued connections are reset, half-open ones dropped (Linux inet_csk_listen_stop). */
    void close(long now) {
        layer.removeListener(this);
        TcpConnection c;
        while ((c = acceptQueue.poll()) != null) {
            c.inAcceptQueue = false;
            c.listener = null;
            layer.abort(c, 0, now);
        }
        // Half-open children still reference us; they die by their own timers or the peer's ACK
        // (which then finds no listener and is reset).
    }
}
