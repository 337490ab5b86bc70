package org.alpenstack.kernel.tcp;

import org.alpenstack.kernel.wire.TcpFlags;

/**
 * Explicit Congestion Notification for TCP (RFC 3168 section 6.1), as Linux does it: negotiated
 * on the handshake (an ECN-setup SYN is ECE|CWR, the SYN-ACK answers ECE alone), new data leaves
 * as ECT(0), a CE mark on arriving data is echoed with ECE on every ACK until the sender's CWR,
 * and an ECE makes the sender reduce its window at most once per window of data, then say CWR.
 * Tunable {@code ecn}: 0 off, 1 request and accept, 2 accept only (Linux's default).
 */
final class TcpEcn {
    /** The ECN field of the IP TOS byte (RFC 3168 section 5). */
    static final int ECN_MASK = 0x03;
    static final int ECT0 = 0x02;
    static final int CE = 0x03;

    private TcpEcn() {
    }

    /** An active open asks for ECN when the tunable says "request" (1). */
    static void activeOpen(TcpConnection c, TcpTunables t) {
        c.ecnOn = t.ecn() == 1;
    }

    /** A passive open agrees when the SYN asked (ECE and CWR) and ECN is not off. */
    static void passiveOpen(TcpConnection c, Segment s, TcpTunables t) {
        c.ecnOn = t.ecn() != 0 && s.has(TcpFlags.ECE) && s.has(TcpFlags.CWR);
    }

    /** RFC 3168 6.1.1: the SYN-ACK of an ECN-capable peer carries ECE without CWR. */
    static void synAckArrived(TcpConnection c, Segment s) {
        c.ecnOn = c.ecnOn && s.has(TcpFlags.ECE) && !s.has(TcpFlags.CWR);
    }

    /** The ECN control bits our SYN or SYN-ACK carries. */
    static int synFlags(TcpConnection c, boolean synAck) {
        if (!c.ecnOn) {
            return 0;
        }
        return synAck ? TcpFlags.ECE : TcpFlags.ECE | TcpFlags.CWR;
    }

    /** Flags for a non-SYN segment: ECE while a CE mark awaits the sender's CWR; CWR on the next new data. */
    static int flags(TcpConnection c, boolean newData) {
        if (!c.ecnOn) {
            return 0;
        }
        int f = c.ecnEchoPending ? TcpFlags.ECE : 0;
        if (newData && c.ecnCwrPending) {
            c.ecnCwrPending = false;
            f |= TcpFlags.CWR;
        }
        return f;
    }

    /** Linux tcp_ecn_send: only new data is ECN-capable; ACKs, SYNs and retransmissions are not. */
    static int tos(TcpConnection c, boolean newData) {
        return c.ecnOn && newData ? ECT0 : 0;
    }

    /** A segment passed the acceptability tests (RFC 3168 6.1.2 and 6.1.3). */
    static void segmentArrived(TcpConnection c, Segment s, TcpLayer layer, long now) {
        if (!c.ecnOn) {
            return;
        }
        if (s.has(TcpFlags.CWR)) {
            c.ecnEchoPending = false;
        }
        if ((s.tos & ECN_MASK) == CE && s.dataLength > 0) {
            // echo the mark, and at once (Linux enters quick-ack mode on CE)
            c.ecnEchoPending = true;
            c.ackNow = true;
            layer.counters.ecnCeReceived++;
        }
        if (s.has(TcpFlags.ECE) && !s.has(TcpFlags.SYN) && SeqNum.gt(s.ack, c.ecnRecover)
                && !c.inRecovery && c.rxtShift == 0) {
            // RFC 3168 6.1.2: at most one reduction per window of data
            c.cc.onEcnCongestion(c.flightSize(), now);
            c.ecnRecover = c.sndMax;
            c.ecnCwrPending = true;
            layer.counters.ecnReductions++;
        }
    }
}
