package org.alpenstack.kernel.tcp;

import org.alpenstack.kernel.socket.Errno;

/**
 * The per-connection timers and what their expiry means: retransmission (RFC 6298, with the
 * SYN/SYN-ACK retry limits and TCP_USER_TIMEOUT of Linux), persist / zero-window probes
 * (RFC 9293 3.8.6.1), delayed ACK (RFC 9293 3.8.6.3), keepalive (RFC 9293 3.8.4, RFC 1122
 * 4.2.3.6) and the close timer for TIME-WAIT (2*MSL) and orphaned FIN-WAIT-2. The role of
 * FreeBSD's tcp_timer.c; the timers themselves sit in the layer's {@link org.alpenstack.kernel.time.TimerWheel}.
 */
final class TcpTimers {
    private final TcpLayer layer;

    TcpTimers(TcpLayer layer) {
        this.layer = layer;
    }

    // ---- retransmission ----

    void startRetransmit(TcpConnection c, long now) {
        armRetransmit(c, now);
    }

    /** RFC 6298 5.3: an ACK of new data restarts the timer. */
    void restartRetransmit(TcpConnection c, long now) {
        armRetransmit(c, now);
    }

    /** After new transmissions: move the probe timeout (never the RTO itself, RFC 6298 5.1). */
    void rescheduleProbe(TcpConnection c, long now) {
        long pto = layer.tlp.probeTimeout(c);
        if (pto < 0 || c.reoArmed) {
            return;
        }
        // Linux tcp_schedule_loss_probe: never later than the RTO already running.
        long limit = c.retransmitTimer.isScheduled() ? c.rtoDeadline : retransmitDeadline(c, now);
        if (now + pto < limit) {
            c.rtoDeadline = limit;
            c.ptoArmed = true;
            layer.wheel.schedule(c.retransmitTimer, now + pto);
        }
    }

    /** The RTO, or the earlier tail-loss probe timeout when one may be scheduled (RFC 8985 7.2). */
    private void armRetransmit(TcpConnection c, long now) {
        long deadline = retransmitDeadline(c, now);
        c.rtoDeadline = deadline;
        c.reoArmed = false;
        long pto = layer.tlp.probeTimeout(c);
        c.ptoArmed = pto >= 0 && now + pto < deadline;
        layer.wheel.schedule(c.retransmitTimer, c.ptoArmed ? now + pto : deadline);
    }

    /**
     * RACK's reordering timer (RFC 8985 6.3): segments that will count as lost in {@code timeout}
     * unless delivered meanwhile are checked again then. Shares the retransmission timer, as in
     * Linux (ICSK_TIME_REO_TIMEOUT); the RTO deadline is kept and re-armed after it.
     */
    void armReorderTimer(TcpConnection c, long now, long timeout) {
        long at = now + Math.max(timeout, 1);
        if (!c.retransmitTimer.isScheduled() || at >= c.rtoDeadline) {
            return;
        }
        if (c.reoArmed && c.retransmitTimer.deadline() <= at) {
            return;
        }
        c.ptoArmed = false;
        c.reoArmed = true;
        layer.wheel.schedule(c.retransmitTimer, at);
    }

    /** now + RTO, but never past TCP_USER_TIMEOUT once retransmitting (Linux tcp_clamp_rto_to_user_timeout). */
    private static long retransmitDeadline(TcpConnection c, long now) {
        long deadline = now + c.rtt.rto();
        if (c.userTimeout > 0 && c.rxtStart != 0) {
            deadline = Math.min(deadline, Math.max(now + 1, c.rxtStart + c.userTimeout));
        }
        return deadline;
    }

    /** The handshake completed; RFC 6298 5 (last paragraph): a retransmitted SYN without sample means RTO 3 s. */
    void handshakeDone(TcpConnection c, long now) {
        if (c.rttTiming && c.rxtShift == 0) {
            // The SYN (or SYN-ACK) was not retransmitted: its exchange is a valid first sample (Karn).
            c.rtt.addSample(now - c.rttStart);
        }
        c.rttTiming = false;
        if (c.rxtShift > 0 && !c.rtt.hasSample()) {
            c.rtt.fallbackAfterHandshakeRetransmit();
        } else {
            c.rtt.resetBackoff();
        }
        c.rxtShift = 0;
        c.rxtStart = 0;
        layer.wheel.cancel(c.retransmitTimer);
    }

    void retransmitExpired(TcpConnection c, long now) {
        TcpState st = c.state;
        if (st.isClosed() || st == TcpState.TIME_WAIT || st == TcpState.LISTEN) {
            return;
        }
        if (c.reoArmed) {
            c.reoArmed = false;
            layer.recovery.reorderTimeout(c, now);
            if (!c.retransmitTimer.isScheduled() && c.sndUna != c.sndMax) {
                layer.wheel.schedule(c.retransmitTimer, Math.max(now + 1, c.rtoDeadline));
            }
            return;
        }
        if (c.ptoArmed) {
            c.ptoArmed = false;
            layer.tlp.fire(c, now);
            if (c.sndUna != c.sndMax) {
                armRetransmit(c, now);
            }
            return;
        }
        TcpTunables t = layer.tunables;
        if (c.rxtShift == 0) {
            c.rxtStart = now - c.rtt.rto();
        }
        int limit = st == TcpState.SYN_SENT ? t.synRetries()
                : st == TcpState.SYN_RECEIVED ? t.synAckRetries()
                : c.socket == null && !c.passiveOpenPending() ? orphanRetries(t) : t.retries2();
        boolean userTimedOut = c.userTimeout > 0 && now - c.rxtStart >= c.userTimeout;
        if (c.rxtShift >= limit || userTimedOut) {
            // Linux tcp_write_err: the soft error (an ICMP unreachable seen meanwhile) if any, else ETIMEDOUT.
            int err = c.softError != 0 ? c.softError : Errno.ETIMEDOUT;
            layer.counters.timeouts++;
            if (st == TcpState.SYN_RECEIVED && c.passiveOpen) {
                layer.closeConnection(c, 0, now);
            } else {
                layer.closeConnection(c, err, now);
            }
            return;
        }
        if (c.rxtShift == 0 && c.state.haveEstablished()) {
            // RFC 5681 3.1: reduce once per loss, not on each backed-off expiry of the same segment.
            c.cc.onRetransmitTimeout(c.flightSize(), now);
        }
        c.rxtShift++;
        c.rtt.backoff();
        layer.counters.retransmitTimeouts++;
        layer.recovery.retransmitTimeout(c);
        c.rttTiming = false;
        // With SACK, resend what the receiver lacks (RFC 6675 5.1); otherwise go back N from SND.UNA
        // (FreeBSD: snd_nxt = snd_una). Either way the ACK clock restarts from one segment.
        if (st == TcpState.SYN_SENT || st == TcpState.SYN_RECEIVED) {
            c.sndNxt = c.iss;
        } else if (!layer.recovery.startRecoveryAfterTimeout(c, now)) {
            c.sndNxt = c.sndUna;
        }
        layer.output.output(c, now);
        if (!c.retransmitTimer.isScheduled() && c.sndUna != c.sndMax) {
            startRetransmit(c, now);
        }
    }

    /** Linux tcp_orphan_retries (the getter maps 0 to 8): an orphan (closed socket) gives up sooner. */
    private static int orphanRetries(TcpTunables t) {
        return Math.min(t.orphanRetries(), t.retries2());
    }

    // ---- persist (zero window) ----

    /** Linux tcp_probe0_when: the backed-off RTO, at most TCP_RTO_MAX. */
    void startPersist(TcpConnection c, long now) {
        long base = Math.max(c.rtt.rto(), t().minRtoNanos());
        long when = Math.min(base << Math.min(c.persistShift, 20), c.rtt.maxRto());
        layer.wheel.schedule(c.persistTimer, now + when);
    }

    void persistExpired(TcpConnection c, long now) {
        if (!c.state.haveEstablished() || c.state == TcpState.TIME_WAIT) {
            return;
        }
        int unsent = c.sendBuffered() - (c.sndNxt - c.sndUna);
        if (c.sndWnd > 0 || unsent <= 0 && !(c.finQueued && c.sndNxt == c.finSeq)) {
            // an open (if small) window or corked data: send what fits now
            c.forceSend = unsent > 0;
            layer.output.output(c, now);
            c.forceSend = false;
            return;
        }
        // Linux tcp_probe_timer: a live socket probes a closed window for as long as the peer
        // answers (retries2 unanswered probes); an orphan gives up after tcp_orphan_retries.
        int maxProbes = c.socket == null ? orphanRetries(t()) : t().retries2();
        if (c.keepaliveProbes >= maxProbes) {
            layer.closeConnection(c, c.softError != 0 ? c.softError : Errno.ETIMEDOUT, now);
            return;
        }
        layer.output.sendProbe(c, now);
        layer.counters.windowProbes++;
        c.keepaliveProbes++;
        c.persistShift++;
        startPersist(c, now);
    }

    /** The peer's window opened: stop probing (RFC 9293 3.8.6.1) and reset the backoff. */
    void windowOpened(TcpConnection c) {
        layer.wheel.cancel(c.persistTimer);
        c.persistShift = 0;
    }

    // ---- delayed ACK ----

    void startDelayedAck(TcpConnection c, long now) {
        if (!c.delayedAckTimer.isScheduled()) {
            layer.wheel.schedule(c.delayedAckTimer, now + t().delayedAckNanos());
        }
    }

    void delayedAckExpired(TcpConnection c, long now) {
        if (c.state.isClosed()) {
            return;
        }
        c.ackNow = true;
        layer.counters.delayedAcks++;
        layer.output.output(c, now);
    }

    // ---- keepalive ----

    void startKeepalive(TcpConnection c, long now) {
        if (c.keepAlive && c.state.haveEstablished() && c.state != TcpState.TIME_WAIT) {
            layer.wheel.schedule(c.keepaliveTimer, Math.max(now, c.lastReceived) + c.keepIdle);
        } else {
            layer.wheel.cancel(c.keepaliveTimer);
        }
    }

    /**
     * RFC 1122 4.2.3.6 and Linux tcp_keepalive_timer: after TCP_KEEPIDLE without a segment from
     * the peer, probe every TCP_KEEPINTVL; when TCP_KEEPCNT probes went unanswered, reset the
     * connection and report ETIMEDOUT.
     */
    void keepaliveExpired(TcpConnection c, long now) {
        if (!c.keepAlive || !(c.state == TcpState.ESTABLISHED || c.state == TcpState.CLOSE_WAIT
                || c.state == TcpState.FIN_WAIT_2 || c.state == TcpState.FIN_WAIT_1)) {
            return;
        }
        long idle = now - c.lastReceived;
        if (c.sndUna != c.sndMax || c.sendBuffered() > 0) {
            // Data in flight: the retransmission timer watches the peer (Linux does the same).
            layer.wheel.schedule(c.keepaliveTimer, now + c.keepIdle);
            return;
        }
        if (idle < c.keepIdle) {
            layer.wheel.schedule(c.keepaliveTimer, c.lastReceived + c.keepIdle);
            return;
        }
        boolean userTimedOut = c.userTimeout > 0 && idle >= c.userTimeout && c.keepaliveProbes > 0;
        if (c.keepaliveProbes >= c.keepCount || userTimedOut) {
            layer.output.sendReset(c, now);
            layer.closeConnection(c, c.softError != 0 ? c.softError : Errno.ETIMEDOUT, now);
            return;
        }
        layer.output.sendProbe(c, now);
        layer.counters.keepaliveProbes++;
        c.keepaliveProbes++;
        layer.wheel.schedule(c.keepaliveTimer, now + c.keepInterval);
    }

    // ---- TIME-WAIT and FIN-WAIT-2 ----

    /** RFC 9293 3.6: wait 2*MSL (Linux: a fixed 60 s, TCP_TIMEWAIT_LEN) before forgetting the connection. */
    void startTimeWait(TcpConnection c, long now) {
        layer.wheel.schedule(c.closeTimer, now + t().timeWaitNanos());
    }

    /** An orphaned FIN-WAIT-2 (the socket is closed) waits tcp_fin_timeout for the peer's FIN. */
    void finWait2Entered(TcpConnection c, long now) {
        if (c.socket == null || c.socket.isClosed()) {
            layer.wheel.schedule(c.closeTimer, now + t().finTimeoutNanos());
        }
    }

    void closeTimerExpired(TcpConnection c, long now) {
        if (c.state == TcpState.TIME_WAIT || c.state == TcpState.FIN_WAIT_2) {
            layer.closeConnection(c, 0, now);
        }
    }

    void cancelAll(TcpConnection c) {
        layer.wheel.cancel(c.retransmitTimer);
        layer.wheel.cancel(c.persistTimer);
        layer.wheel.cancel(c.delayedAckTimer);
        layer.wheel.cancel(c.keepaliveTimer);
        layer.wheel.cancel(c.closeTimer);
    }

    private TcpTunables t() {
        return layer.tunables;
    }
}
