package org.alpenstack.kernel.tcp;

import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.stack.DropReason;
import org.alpenstack.kernel.wire.TcpFlags;

/**
 * Segment arrival for a connection that exists (RFC 9293 section 3.10.7.3 for SYN-SENT and
 * 3.10.7.4 for the other states), step by step in the RFC's order, with RFC 5961's defences
 * (challenge ACKs for in-window RST and SYN, ACK validation) and RFC 7323's PAWS. The role of
 * FreeBSD's tcp_input.c after the PCB lookup. LISTEN lives in {@link TcpListener}, a segment for
 * no connection in {@link TcpLayer}.
 */
final class TcpInput {
    /** RFC 7323 5.5: TS.Recent is invalid after 24 days of idleness. */
    /** Linux TCP_PAWS_WINDOW: how many timestamp ticks older than TS.Recent PAWS lets through. */
    private static final int PAWS_WINDOW = 1;
    private static final long PAWS_IDLE_LIMIT = 24L * 24 * 3600 * 1_000_000_000L;

    /** Linux net.ipv4.tcp_invalid_ratelimit: 500 ms. */
    static final long OUT_OF_WINDOW_ACK_INTERVAL = 500_000_000L;

    private final TcpLayer layer;

    TcpInput(TcpLayer layer) {
        this.layer = layer;
    }

    void segmentArrives(TcpConnection c, Segment s, long now) {
        // Wire segments, so tcpi_segs_in reads the same whether the link coalesced or not.
        c.segmentsIn += s.wireSegments;
        if (c.state == TcpState.SYN_SENT) {
            synSent(c, s, now);
            return;
        }
        if (!synchronizedChecks(c, s, now)) {
            if (!c.state.isClosed()) {
                layer.output.output(c, now);
            }
            return;
        }
        c.lastReceived = now;
        c.keepaliveProbes = 0;
        TcpEcn.segmentArrived(c, s, layer, now);
        if (!processAck(c, s, now)) {
            if (!c.state.isClosed()) {
                layer.output.output(c, now);
            }
            return;
        }
        if (c.state.isClosed()) {
            return;
        }
        // Sixth step, URG: urgent data is delivered inline (Linux with SO_OOBINLINE); the pointer is ignored.
        if (s.dataLength > 0 && c.receiveShut && (c.state == TcpState.FIN_WAIT_1 || c.state == TcpState.FIN_WAIT_2)) {
            // Data for a socket that was closed: nobody will read it; tell the peer (Linux, RFC 9293 3.10.4).
            layer.output.sendReset(c, now);
            layer.closeConnection(c, Errno.ECONNRESET, now);
            return;
        }
        if (s.dataLength > 0) {
            if (c.state.canReceiveData()) {
                receiveText(c, s, now);
            } else {
                // RFC 9293 3.10.7.4 seventh step: after the peer's FIN, text "should not occur"; ignore it.
                layer.counters.drop(DropReason.TCP_UNEXPECTED_SEGMENT);
            }
        }
        if (s.has(TcpFlags.FIN)) {
            int finAt = s.seq + s.dataLength;
            if (finAt == c.rcvNxt && !c.finReceived) {
                takeFin(c, now);
            } else if (SeqNum.gt(finAt, c.rcvNxt)) {
                c.pendingFin = true;
                c.pendingFinSeq = finAt;
            }
        }
        if (!c.state.isClosed()) {
            layer.output.outputAfterInput(c, s.dataLength > 0, now);
            notifySocket(c);
        }
    }

    // ---- SYN-SENT (RFC 9293 3.10.7.3) ----

    private void synSent(TcpConnection c, Segment s, long now) {
        boolean ackOk = false;
        if (s.has(TcpFlags.ACK)) {
            // First: an ACK that does not acknowledge our SYN is answered with a reset (unless it is one).
            if (SeqNum.leq(s.ack, c.iss) || SeqNum.gt(s.ack, c.sndMax)) {
                layer.counters.drop(DropReason.TCP_BAD_ACK);
                layer.output.sendResetFor(s);
                return;
            }
            ackOk = true;
        }
        if (s.has(TcpFlags.RST)) {
            // Second: a reset is believed only if it acknowledges our SYN (RFC 5961 3.2 does not
            // change this state); the connection is refused (Linux ECONNREFUSED).
            if (ackOk) {
                layer.counters.resetsReceived++;
                layer.closeConnection(c, Errno.ECONNREFUSED, now);
            } else {
                layer.counters.drop(DropReason.TCP_RST_IGNORED);
            }
            return;
        }
        if (!s.has(TcpFlags.SYN)) {
            layer.counters.drop(DropReason.TCP_UNEXPECTED_SEGMENT);
            return;
        }
        // Fourth: the peer's SYN.
        if (ackOk) {
            TcpEcn.synAckArrived(c, s);
        } else {
            c.ecnOn = false; // simultaneous open: keep it simple, no ECN
        }
        c.irs = s.seq;
        c.rcvNxt = s.seq + 1;
        c.rcvAdv = c.rcvNxt;
        layer.negotiateOptions(c, s, now);
        c.lastReceived = now;
        if (ackOk) {
            c.sndUna = s.ack;
            c.sndWnd = s.window; // never scaled in a SYN (RFC 7323 2.2)
            c.sndWl1 = s.seq;
            c.sndWl2 = s.ack;
            c.maxSndWnd = c.sndWnd;
            layer.timers.handshakeDone(c, now);
            layer.establish(c, now);
            c.ackNow = true;
            // "If there are other controls or text in the segment, continue at the sixth step."
            s.seq++;
            s.flags &= ~TcpFlags.SYN;
            if (s.dataLength > 0 || s.has(TcpFlags.FIN)) {
                trimToWindow(c, s);
                if (s.dataLength > 0) {
                    receiveText(c, s, now);
                }
                if (s.has(TcpFlags.FIN) && s.seq + s.dataLength == c.rcvNxt) {
                    takeFin(c, now);
                }
            }
            layer.output.output(c, now);
            notifySocket(c);
        } else {
            // Simultaneous open (RFC 9293 figure 8): answer <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>.
            c.state = TcpState.SYN_RECEIVED;
            c.sndWnd = s.window;
            c.sndWl1 = s.seq;
            c.sndNxt = c.iss;
            layer.output.output(c, now);
        }
    }

    // ---- Steps one to four for the other states (RFC 9293 3.10.7.4) ----

    /** Returns true when the segment survives the sequence, RST and SYN checks. */
    private boolean synchronizedChecks(TcpConnection c, Segment s, long now) {
        // RFC 7323 5.3 R1: PAWS, before the sequence check. Like Linux (tcp_paws_check,
        // TCP_PAWS_WINDOW) a TSval one tick older than TS.Recent still passes: segments sent
        // within a millisecond of each other and reordered on the way are not old duplicates,
        // and dropping one would cost the sender a retransmission.
        if (c.timestamps && s.hasTimestamp && !s.has(TcpFlags.RST)
                && c.tsRecent - s.tsVal > PAWS_WINDOW && now - c.tsRecentTime < PAWS_IDLE_LIMIT) {
            layer.counters.drop(DropReason.TCP_PAWS_REJECTED);
            if (c.sackPermitted && c.reassembly != null && s.dataLength > 0) {
                c.reassembly.rejectedDuplicate(s.seq, s.seq + s.dataLength);
            }
            c.ackNow = true;
            return false;
        }
        // First: is the segment acceptable? (the four cases of the table in 3.10.7.4)
        if (!acceptable(c, s)) {
            layer.counters.drop(DropReason.TCP_OUT_OF_WINDOW);
            if (!s.has(TcpFlags.RST)) {
                if (c.state == TcpState.TIME_WAIT && s.has(TcpFlags.FIN)) {
                    // A retransmitted FIN: our ACK was lost; ACK again and restart 2*MSL (RFC 9293 3.10.7.4).
                    layer.timers.startTimeWait(c, now);
                }
                if (c.state == TcpState.SYN_RECEIVED && s.has(TcpFlags.SYN) && !s.has(TcpFlags.ACK) && s.seq == c.irs) {
                    // The peer retransmitted its SYN: our SYN-ACK was lost (Linux tcp_check_req).
                    layer.output.retransmitSyn(c, now);
                    return false;
                }
                if (c.sackPermitted && c.reassembly != null && s.dataLength > 0 && SeqNum.lt(s.seq, c.rcvNxt)) {
                    // A duplicate: let the reassembly queue note it for a D-SACK (RFC 2883 4).
                    c.reassembly.receive(s.seq, s.data, s.dataOffset, s.dataLength);
                }
                if (s.segLen() > 0) {
                    c.ackNow = true;
                } else if (s.has(TcpFlags.ACK) && now - c.lastOutOfWindowAck >= OUT_OF_WINDOW_ACK_INTERVAL) {
                    // Linux tcp_oow_rate_limited (tcp_invalid_ratelimit): a pure ACK out of the
                    // window is answered at most twice a second, which breaks any ACK loop.
                    c.lastOutOfWindowAck = now;
                    c.ackNow = true;
                }
            }
            return false;
        }
        // RFC 7323 4.3: remember the peer's newest timestamp from a segment covering Last.ACK.sent.
        if (c.timestamps && s.hasTimestamp && SeqNum.leq(s.seq, c.lastAckSent) && SeqNum.geq(s.tsVal, c.tsRecent)) {
            c.tsRecent = s.tsVal;
            c.tsRecentTime = now;
        }
        // Second: RST (RFC 9293 3.10.7.4 with RFC 5961 3.2).
        if (s.has(TcpFlags.RST)) {
            if (s.seq == c.rcvNxt) {
                layer.counters.resetsReceived++;
                reset(c, now);
            } else {
                layer.counters.drop(DropReason.TCP_RST_IGNORED);
                challengeAck(c, now);
            }
            return false;
        }
        trimToWindow(c, s);
        // Fourth: SYN in a synchronized state or SYN-RECEIVED (RFC 5961 4.2): challenge ACK.
        if (s.has(TcpFlags.SYN)) {
            layer.counters.drop(DropReason.TCP_UNEXPECTED_SEGMENT);
            challengeAck(c, now);
            return false;
        }
        if (!s.has(TcpFlags.ACK)) {
            // Fifth step, first line: "if the ACK bit is off, drop the segment and return".
            layer.counters.drop(DropReason.TCP_UNEXPECTED_SEGMENT);
            return false;
        }
        return true;
    }

    /**
     * RFC 9293 3.10.7.4 acceptability: the segment must overlap the receive window. When the
     * window is zero a segment starting exactly at RCV.NXT is still taken for its ACK, RST and
     * window ("special allowance should be made to accept valid ACKs, URGs, and RSTs"), its text
     * is then trimmed away; that is what makes a zero-window probe elicit the current window.
     */
    static boolean acceptable(TcpConnection c, Segment s) {
        int wnd = Math.max(0, c.rcvAdv - c.rcvNxt);
        int len = s.segLen();
        if (wnd == 0) {
            return s.seq == c.rcvNxt;
        }
        int end = c.rcvNxt + wnd;
        if (len == 0) {
            return SeqNum.inRange(s.seq, c.rcvNxt, end);
        }
        return SeqNum.inRange(s.seq, c.rcvNxt, end) || SeqNum.inRange(s.seq + len - 1, c.rcvNxt, end);
    }

    /**
     * Cuts an acceptable segment to the idealized one "that begins at RCV.NXT and does not exceed
     * the window" (RFC 9293 3.10.7.4, after the table). Text beyond the window is dropped, and
     * with it a FIN.
     */
    void trimToWindow(TcpConnection c, Segment s) {
        int front = c.rcvNxt - s.seq;
        if (front > 0) {
            if (s.has(TcpFlags.SYN)) {
                s.flags &= ~TcpFlags.SYN;
                s.seq++;
                front--;
            }
            int cut = Math.min(front, s.dataLength);
            if (cut > 0) {
                // part of it was a duplicate: the peer may have missed our ACK (RFC 9293 3.10.7.4)
                c.ackNow = true;
            }
            s.dataOffset += cut;
            s.dataLength -= cut;
            s.seq += cut;
            if (front > cut) {
                // The FIN, too, was a duplicate.
                s.flags &= ~TcpFlags.FIN;
            }
        }
        int wnd = Math.max(0, c.rcvAdv - c.rcvNxt);
        int room = c.rcvNxt + wnd - s.seq;
        if (s.dataLength > room) {
            // beyond the window (a zero-window probe, or a sender ignoring our window): tell it again
            s.dataLength = Math.max(0, room);
            s.flags &= ~TcpFlags.FIN;
            c.ackNow = true;
            layer.counters.drop(DropReason.TCP_RECEIVE_BUFFER_FULL);
        }
    }

    /** A reset that passed the RFC 5961 exact-sequence test (RFC 9293 3.10.7.4 second step, per state). */
    private void reset(TcpConnection c, long now) {
        switch (c.state) {
            case SYN_RECEIVED:
                if (c.passiveOpen) {
                    // "return this connection to LISTEN": the listener simply forgets it.
                    layer.closeConnection(c, 0, now);
                } else {
                    layer.closeConnection(c, Errno.ECONNREFUSED, now);
                }
                break;
            case CLOSE_WAIT:
                // Linux tcp_reset: EPIPE once we had already seen the peer's FIN.
                layer.closeConnection(c, Errno.EPIPE, now);
                break;
            case ESTABLISHED:
            case FIN_WAIT_1:
            case FIN_WAIT_2:
                layer.closeConnection(c, Errno.ECONNRESET, now);
                break;
            default:
                // CLOSING, LAST-ACK, TIME-WAIT: just go away (Linux does not follow RFC 1337 by default).
                layer.closeConnection(c, 0, now);
                break;
        }
    }

    /** RFC 5961 3.2/4.2/5.2: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, within the global rate limit (section 7). */
    private void challengeAck(TcpConnection c, long now) {
        if (layer.allowChallengeAck(now)) {
            layer.counters.challengeAcks++;
            layer.output.sendAck(c, now);
        }
    }

    // ---- Fifth step: the ACK field ----

    /** Returns false when the segment is to be dropped after the ACK step. */
    private boolean processAck(TcpConnection c, Segment s, long now) {
        int ack = s.ack;
        if (c.state == TcpState.SYN_RECEIVED) {
            if (SeqNum.gt(ack, c.sndUna) && SeqNum.leq(ack, c.sndMax)) {
                if (!layer.synReceivedToEstablished(c, s, now)) {
                    return false;
                }
            } else {
                // <SEQ=SEG.ACK><CTL=RST>
                layer.counters.drop(DropReason.TCP_BAD_ACK);
                layer.output.sendResetFor(s);
                return false;
            }
        }
        if (SeqNum.gt(ack, c.sndMax)) {
            // Acknowledges something not yet sent: send an ACK and drop (RFC 9293; RFC 5961 5.2).
            layer.counters.drop(DropReason.TCP_BAD_ACK);
            challengeAck(c, now);
            return false;
        }
        if (SeqNum.lt(ack, c.sndUna - c.maxSndWnd)) {
            // RFC 5961 5.2: an ACK older than any window we could have offered is an attack or garbage.
            layer.counters.drop(DropReason.TCP_BAD_ACK);
            challengeAck(c, now);
            return false;
        }
        int scaledWindow = s.window << c.sndScale;
        boolean dsack = false;
        int newlySacked = 0;
        if (c.sackPermitted) {
            newlySacked = layer.recovery.updateScoreboard(c, s, now);
            dsack = c.scoreboard.lastUpdateHadDsack();
        }
        boolean advanced = SeqNum.gt(ack, c.sndUna);
        int delivered = (advanced ? ack - c.sndUna : 0) + newlySacked;
        if (advanced) {
            newAck(c, s, now);
        } else if (ack == c.sndUna && s.dataLength == 0 && !s.has(TcpFlags.FIN)
                && scaledWindow == c.sndWnd && c.sndMax != c.sndUna) {
            duplicateAck(c, s, now);
        }
        // Window update (RFC 9293 3.10.7.4 fifth step): only from a newer segment, or an equal one acking more.
        if (SeqNum.lt(c.sndWl1, s.seq) || (c.sndWl1 == s.seq && SeqNum.leq(c.sndWl2, ack))) {
            boolean opened = c.sndWnd == 0 && scaledWindow > 0;
            c.sndWnd = scaledWindow;
            c.sndWl1 = s.seq;
            c.sndWl2 = ack;
            if (c.sndWnd > c.maxSndWnd) {
                c.maxSndWnd = c.sndWnd;
            }
            if (opened) {
                layer.timers.windowOpened(c);
            }
        }
        if (c.sackPermitted) {
            layer.tlp.ackArrived(c, s, advanced, dsack, now);
            layer.recovery.afterAck(c, delivered, now);
        }
        // State-specific parts of the fifth step: our FIN acknowledged.
        if (c.finAcked()) {
            switch (c.state) {
                case FIN_WAIT_1:
                    c.state = TcpState.FIN_WAIT_2;
                    layer.timers.finWait2Entered(c, now);
                    break;
                case CLOSING:
                    layer.enterTimeWait(c, now);
                    return false;
                case LAST_ACK:
                    layer.closeConnection(c, 0, now);
                    return false;
                default:
                    break;
            }
        }
        return true;
    }

    /** SND.UNA < SEG.ACK =< SND.MAX: new data is acknowledged. */
    private void newAck(TcpConnection c, Segment s, long now) {
        int ack = s.ack;
        int acked = ack - c.sndUna;
        int flightBefore = c.flightSize();
        // The send buffer holds data bytes only; an ACK covering our FIN is clamped there.
        int dataAcked = c.sendBuffer.ack(ack);
        c.bytesAcked += dataAcked;
        c.sndUna = ack;
        if (SeqNum.lt(c.sndNxt, c.sndUna)) {
            c.sndNxt = c.sndUna;
        }
        long sample = -1;
        if (c.timestamps && s.hasTimestamp && s.tsEcr != 0) {
            // RFC 7323 4.1: every ACK of new data gives a sample from the echoed TSval.
            long ms = (long) (TcpOutput.tsVal(c, now) - s.tsEcr);
            if (ms >= 0 && ms < 3_600_000L) {
                sample = ms * 1_000_000L;
            }
        } else if (c.rttTiming && SeqNum.gt(ack, c.rttSeq)) {
            sample = now - c.rttStart;
            c.rttTiming = false;
        }
        if (sample >= 0) {
            c.rtt.addSample(sample);
        }
        c.rxtShift = 0;
        c.rtt.resetBackoff();
        c.persistShift = 0;
        // After an RTO the window grows by slow start even while the losses are repaired (RFC 5681 3.1).
        boolean afterTimeout = c.rtoRecovery;
        if (c.inRecovery) {
            if (SeqNum.geq(ack, c.recover)) {
                c.inRecovery = false;
                c.dupAcks = 0;
                c.cc.onExitRecovery(now);
                layer.recovery.recoveryEnded(c);
            } else {
                layer.recovery.partialAck(c, acked, now);
            }
        } else {
            c.dupAcks = 0;
        }
        if (!c.inRecovery || afterTimeout) {
            c.cc.onAck(acked, sample, flightBefore, now);
        }
        // RFC 6298 5.2/5.3: stop the timer when all is acknowledged, else restart it.
        if (c.sndUna == c.sndMax) {
            layer.wheel.cancel(c.retransmitTimer);
            c.rxtStart = 0;
        } else {
            layer.timers.restartRetransmit(c, now);
        }
        if (c.sendBufferAutotune && c.sendBuffer.capacity() < c.sendBuffer.maxCapacity()
                && c.cc.cwnd() * 2 > c.sendBuffer.capacity()) {
            // Linux tcp_sndbuf_expand: room for two congestion windows, so the window can be used.
            c.sendBuffer.grow((int) Math.min(c.sendBuffer.maxCapacity(), 2L * c.cc.cwnd() + c.sndMss));
        }
        if (dataAcked > 0 && c.socket != null) {
            c.socket.sendSpaceFreed();
        }
    }

    /** RFC 5681 section 2 "DUPLICATE ACKNOWLEDGMENT" (a)-(e) all hold. */
    private void duplicateAck(TcpConnection c, Segment s, long now) {
        c.dupAcks++;
        layer.recovery.duplicateAck(c, s, now);
    }

    // ---- Seventh step: segment text ----

    private void receiveText(TcpConnection c, Segment s, long now) {
        int len = s.dataLength;
        if (c.lastDataReceived != 0 && now - c.lastDataReceived > c.rtt.rto()) {
            // Linux tcp_event_data_recv: after a gap longer than the RTO the sender restarts from a
            // small window; ACK it at once rather than make it wait for delayed ACKs.
            c.quickAcks = TcpLayer.QUICK_ACKS;
        }
        c.lastDataReceived = now;
        if (c.timestamps && s.hasTimestamp && s.tsEcr != 0) {
            // Linux tcp_rcv_rtt_measure_ts: the echo of our TSval times the round trip for the receiver.
            long ms = (long) (TcpOutput.tsVal(c, now) - s.tsEcr);
            if (ms >= 0 && ms < 3_600_000L) {
                long sample = Math.max(1, ms) * 1_000_000L;
                c.rcvRtt = c.rcvRtt == 0 || sample < c.rcvRtt ? sample : c.rcvRtt + (sample - c.rcvRtt) / 8;
            }
        }
        // The peer's segment size, from the wire segments of a coalesced packet (Linux
        // tcp_measure_rcv_mss takes gso_size), so that "every second full-sized segment" holds.
        int wireLen = s.wireSegmentLength;
        if (wireLen > c.rcvMss) {
            c.rcvMss = Math.min(wireLen, Math.max(c.advertisedMss, 536));
        }
        // In order, it becomes readable (with whatever it joins up); beyond a hole it is held in
        // place (RFC 9293 3.10.7.4 "segments with higher beginning sequence numbers may be held").
        int advanced = c.reassembly.receive(s.seq, s.data, s.dataOffset, len);
        c.rcvNxt += advanced;
        c.bytesReceived += advanced;
        layer.counters.bytesReceived += advanced;
        if (c.reassembly.lastSegmentOutOfOrder() || c.reassembly.lastSegmentFilledGap()) {
            // RFC 5681 4.2: a duplicate ACK at once for out-of-order data (with SACK, RFC 2018 4),
            // and an immediate ACK when a segment fills a hole.
            c.ackNow = true;
            if (c.reassembly.lastSegmentFilledGap()) {
                layer.counters.reassembled++;
            }
        } else {
            scheduleAck(c, now);
        }
        if (c.pendingFin && c.rcvNxt == c.pendingFinSeq) {
            takeFin(c, now);
        }
    }

    /**
     * Delayed ACK (RFC 9293 3.8.6.3, RFC 5681 4.2, RFC 1122 4.2.3.2): ACK at once in quick-ack
     * mode (the start of a connection, like Linux's tcp_incr_quickack) and for at least every
     * second full-sized segment; otherwise within the delayed-ACK time.
     */
    private void scheduleAck(TcpConnection c, long now) {
        if (c.ackNow) {
            return;
        }
        if (c.quickAcks > 0) {
            c.quickAcks--;
            c.ackNow = true;
            return;
        }
        if (c.rcvNxt - c.lastAckSent >= 2 * c.rcvMss) {
            c.ackNow = true;
            return;
        }
        layer.timers.startDelayedAck(c, now);
    }

    // ---- Eighth step: FIN ----

    private void takeFin(TcpConnection c, long now) {
        if (c.reassembly != null) {
            c.reassembly.advanceOverFin();
        }
        c.rcvNxt++;
        c.finReceived = true;
        c.pendingFin = false;
        c.ackNow = true;
        switch (c.state) {
            case SYN_RECEIVED:
            case ESTABLISHED:
                c.state = TcpState.CLOSE_WAIT;
                break;
            case FIN_WAIT_1:
                if (c.finAcked()) {
                    layer.enterTimeWait(c, now);
                } else {
                    c.state = TcpState.CLOSING;
                }
                break;
            case FIN_WAIT_2:
                layer.enterTimeWait(c, now);
                break;
            default:
                break;
        }
        notifySocket(c);
    }

    private static void notifySocket(TcpConnection c) {
        if (c.socket != null) {
            c.socket.stateChanged();
        }
    }
}
