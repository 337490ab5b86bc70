package org.alpenstack.kernel.tcp;

import org.alpenstack.kernel.tcp.cc.CongestionControl;
import org.alpenstack.kernel.time.Timer;

/**
 * The transmission control block of one connection (RFC 9293 section 3.3.1): the send and
 * receive sequence variables, the negotiated options and the per-connection timers. It holds
 * state only; what happens to it lives by concern in {@link TcpInput} (segment arrival),
 * {@link TcpOutput} (what to send), {@link TcpTimers} (expiries) and {@link TcpListener}
 * (passive open), the way FreeBSD splits tcp_input.c, tcp_output.c and tcp_timer.c around one
 * tcpcb.
 *
 * <p>A connection outlives its socket: after {@code close()} it finishes the FIN exchange and
 * TIME-WAIT owned by the {@link TcpLayer} alone.
 */
final class TcpConnection {
    final TcpLayer layer;
    TcpState state = TcpState.CLOSED;

    int localAddress;
    int localPort;
    int remoteAddress;
    int remotePort;
    /** The demux key ({@link ConnectionTable#hi}, {@link ConnectionTable#lo}), valid while {@link #inTable}. */
    long keyHi;
    long keyLo;
    boolean inTable;

    // Send sequence space (RFC 9293 3.3.1, figure 4). SND.MAX is FreeBSD's snd_max: the highest
    // sequence number sent, which SND.NXT falls back from when retransmitting.
    int iss;
    int sndUna;
    int sndNxt;
    int sndMax;
    /** SND.WND in bytes, already shifted by the peer's window scale. */
    int sndWnd;
    int sndWl1;
    int sndWl2;
    /** End of the last segment shorter than the MSS we sent (Minshall's Nagle variant, Linux snd_sml). */
    int sndSml;
    /** The largest window the peer ever offered (sender SWS avoidance, RFC 9293 3.8.6.2.1; RFC 5961 5.2). */
    int maxSndWnd;

    // Receive sequence space (RFC 9293 3.3.1, figure 5).
    int irs;
    int rcvNxt;
    /** RCV.NXT as carried by our last ACK (Last.ACK.sent of RFC 7323 4.3). */
    int lastAckSent;
    /** The largest segment the peer has sent us (Linux rcv_mss), for "every second full-sized segment". */
    int rcvMss = 536;
    /** RCV.NXT + the window we last advertised: the right edge we promised never to move left. */
    int rcvAdv;

    // Negotiated options (RFC 9293 3.7.1, RFC 7323, RFC 2018).
    /** The MSS we announced in our SYN. */
    int advertisedMss;
    /** The peer's MSS option, or the RFC 9293 default of 536 when it sent none. */
    int peerMss = 536;
    /** Eff.snd.MSS (RFC 9122 / RFC 9293 3.7.1): payload bytes per segment we send. */
    int sndMss = 536;
    /**
     * The transmit offloads ({@code Link.OFFLOAD_*}) of the interface towards the peer, learnt
     * with the MSS: with TSO, {@link TcpOutput} sends super-segments of several MSS and leaves
     * the checksum to the link.
     */
    int txOffloads;
    /** In {@link TcpLayer}'s list of connections whose output waits for the end of the input batch. */
    boolean outputDeferred;
    boolean windowScaling;
    int sndScale;
    int rcvScale;
    boolean timestamps;
    /** TS.Recent (RFC 7323 4.3) and when it was set, for the 24-day PAWS idle rule (5.5). */
    int tsRecent;
    long tsRecentTime;
    /** Added to our millisecond clock to form TSval, so TSvals do not reveal uptime (RFC 7323 5.4). */
    int tsOffset;
    boolean sackPermitted;
    /** The SYN arrived with ECE|CWR (RFC 3168 6.1.1). */
    boolean peerAskedEcn;
    /** ECN in use (RFC 3168; see TcpEcn): requested on our SYN, then agreed by the handshake. */
    boolean ecnOn;
    /** A CE mark arrived: set ECE on our segments until the peer's CWR. */
    boolean ecnEchoPending;
    /** We reduced for an ECE: set CWR on the next new data. */
    boolean ecnCwrPending;
    /** SND.MAX at the last ECE reduction: one reduction per window. */
    int ecnRecover;

    // Application-facing send state.
    /** The application asked for a FIN (close or SHUT_WR); it follows the last queued byte. */
    boolean finQueued;
    /** The sequence number of our FIN: SND.UNA plus the queued bytes when the FIN was queued. */
    int finSeq;
    /** The application closed its receiving side (close()); new data then draws a reset (Linux tcp_rcv_state_process). */
    boolean receiveShut;
    /** The peer's FIN was received (RCV.NXT is past it). */
    boolean finReceived;
    /** A FIN seen beyond a hole: its sequence number, to take once the hole fills. */
    boolean pendingFin;
    int pendingFinSeq;

    // Loss recovery (RFC 5681, RFC 6582, RFC 6675).
    int dupAcks;
    boolean inRecovery;
    /** The "recover" variable of RFC 6582 and RecoveryPoint of RFC 6675. */
    int recover;
    /** RFC 6675 5 HighRxt: the highest sequence retransmitted in this recovery episode. */
    int highRxt;
    CongestionControl cc;

    // Tail loss probe (RFC 8985 section 7).
    /** The retransmission timer currently stands for the probe timeout, not the RTO. */
    boolean ptoArmed;
    /** When the RTO would expire (the timer may stand for an earlier probe meanwhile). */
    long rtoDeadline;
    /** A probe was sent and its outcome is not known yet (Linux tlp_high_seq != 0). */
    boolean tlpOutstanding;
    /** SND.MAX when the probe was sent. */
    int tlpHighSeq;
    /** The probe was a retransmission (not new data). */
    boolean tlpRetrans;

    // RTT measurement without timestamps (RFC 6298 3, Karn's rule).
    boolean rttTiming;
    int rttSeq;
    long rttStart;
    /** Consecutive retransmission-timer expiries (the backoff exponent). */
    int rxtShift;
    /** When the oldest unacknowledged segment was first retransmitted by the timer, for TCP_USER_TIMEOUT and retries. */
    long rxtStart;
    /** Consecutive zero-window probes (persist timer backoff). */
    int persistShift;

    /** The persist timer expired with a small window open: send what fits (SWS override, Linux tcp_write_wakeup). */
    boolean forceSend;

    // ACK generation (RFC 9293 3.8.6.3, RFC 5681 4.2, RFC 1122 4.2.3.2).
    boolean ackNow;
    /** Full-sized segments received since our last ACK. */
    int segmentsSinceAck;
    /** Segments still to be ACKed immediately (Linux quick-ack mode at start and after idle). */
    int quickAcks;
    /** When we last received anything: keepalive idle and delayed-ACK decisions. */
    long lastReceived;
    /** When data last arrived (Linux icsk_ack.lrcvtime): a long gap re-enters quick-ack mode. */
    long lastDataReceived;
    long lastSent;
    /** When data (not a bare ACK) last left: the idle restart of RFC 5681 4.1 (Linux lsndtime). */
    long lastDataSent;
    /** When we last answered an out-of-window pure ACK (rate limit, Linux tcp_oow_rate_limited). */
    long lastOutOfWindowAck = Long.MIN_VALUE / 2;
    int keepaliveProbes;

    // Socket options (Linux semantics, see TcpSocket).
    boolean noDelay;
    boolean cork;
    boolean keepAlive;
    long keepIdle;
    long keepInterval;
    int keepCount;
    long userTimeout;
    int maxSegOption;

    /** The error to report (SO_ERROR, read/write); 0 while healthy. */
    int error;
    /** The last ICMP soft error (EHOSTUNREACH ...), reported if the connection then times out (RFC 1122 4.2.3.9). */
    int softError;

    // Per-connection statistics for TCP_INFO.
    long bytesSentTotal;
    long bytesRetransmitted;
    long bytesAcked;
    long bytesReceived;
    long segmentsOut;
    long segmentsIn;
    long totalRetransmits;

    TcpSocket socket;
    /** The port binding, held until the connection is gone (TIME-WAIT included), then released. */
    org.alpenstack.kernel.socket.PortBinding binding;
    /** The listener a passively opened connection belongs to until accept() takes it. */
    TcpListener listener;
    boolean passiveOpen;
    boolean inAcceptQueue;

    // Buffer sizes, known from the start; the buffers themselves exist only from ESTABLISHED on
    // (allocateBuffers) and are dropped when an orphaned connection no longer needs them, so
    // half-open connections and TIME-WAIT cost a few hundred bytes, not rmem + wmem.
    int sndBufSize;
    int sndBufMax;
    int rcvBufSize;
    int rcvBufMax;
    SendBuffer sendBuffer;
    /** The send buffer may grow with cwnd (no SO_SNDBUF; Linux tcp_sndbuf_expand). */
    boolean sendBufferAutotune;
    /** The receive buffer may grow with the application's drain rate (no SO_RCVBUF; tcp_moderate_rcvbuf). */
    boolean receiveBufferAutotune;
    /** Receiver-side RTT estimate from echoed timestamps (Linux rcv_rtt_est), 0 until measured. */
    long rcvRtt;
    /** Dynamic right-sizing (Linux rcvq_space): bytes the application read in the current RTT, and since when. */
    long rcvSpaceStart;
    int rcvSpaceCopied;
    int rcvSpace;
    /** Readable bytes and, in its free space, out-of-order bytes at their final places. */
    ReceiveBuffer receiveBuffer;
    ReassemblyQueue reassembly;
    RttEstimator rtt;
    SackScoreboard scoreboard;
    /** RFC 6937 send rule during SACK recovery. */
    ProportionalRateReduction prr;

    final Timer retransmitTimer;
    final Timer persistTimer;
    final Timer delayedAckTimer;
    final Timer keepaliveTimer;
    /** TIME-WAIT's 2*MSL, and the orphaned FIN-WAIT-2 timeout (Linux tcp_fin_timeout). */
    final Timer closeTimer;

    TcpConnection(TcpLayer layer) {
        this.layer = layer;
        TcpTimers timers = layer.timers;
        this.retransmitTimer = new Timer(now -> timers.retransmitExpired(this, now));
        this.persistTimer = new Timer(now -> timers.persistExpired(this, now));
        this.delayedAckTimer = new Timer(now -> timers.delayedAckExpired(this, now));
        this.keepaliveTimer = new Timer(now -> timers.keepaliveExpired(this, now));
        this.closeTimer = new Timer(now -> timers.closeTimerExpired(this, now));
    }

    void allocateBuffers() {
        if (sendBuffer == null) {
            sendBuffer = new SendBuffer(sndBufSize, sndBufMax);
            receiveBuffer = new ReceiveBuffer(rcvBufSize, rcvBufMax);
            reassembly = new ReassemblyQueue(receiveBuffer);
        }
    }

    void releaseBuffers() {
        sendBuffer = null;
        receiveBuffer = null;
        reassembly = null;
    }

    int sendBuffered() {
        return sendBuffer == null ? 0 : sendBuffer.length();
    }

    int readable() {
        return receiveBuffer == null ? 0 : receiveBuffer.available();
    }

    /** Established by a listener and not yet accepted: not an orphan although it has no socket. */
    boolean passiveOpenPending() {
        return listener != null;
    }

    /** Our FIN has been sent and acknowledged. */
    boolean finAcked() {
        return finQueued && SeqNum.gt(sndUna, finSeq);
    }

    /** Bytes sent and not yet acknowledged (FlightSize of RFC 5681, counting SYN/FIN). */
    int flightSize() {
        return sndMax - sndUna;
    }

    /** The sequence variables in one line, relative to ISS/IRS, for failure messages. */
    String debugState() {
        return this + " una=" + (sndUna - iss) + " nxt=" + (sndNxt - iss) + " max=" + (sndMax - iss)
                + " wnd=" + sndWnd + " cwnd=" + (cc == null ? -1 : cc.cwnd()) + " rcvNxt=" + (rcvNxt - irs)
                + " rcvAdv=" + (rcvAdv - irs) + " buf=" + (sendBuffer == null ? -1 : sendBuffer.length())
                + " rbuf=" + (receiveBuffer == null ? -1 : receiveBuffer.available()) + "/" + (receiveBuffer == null ? -1 : receiveBuffer.free())
                + " rxtShift=" + rxtShift + " rec=" + inRecovery + " dup=" + dupAcks + " sack=" + sackPermitted
                + " ts=" + timestamps + " mss=" + sndMss + " fin=" + finQueued + "/" + (finSeq - iss)
                + " rto=" + (rtt == null ? -1 : rtt.rto() / 1_000_000) + "ms";
    }

    @Override
    public String toString() {
        return "TCP " + org.alpenstack.kernel.wire.Ipv4Address.toString(localAddress) + ":" + localPort + " > "
                + org.alpenstack.kernel.wire.Ipv4Address.toString(remoteAddress) + ":" + remotePort + " " + state;
    }
}
