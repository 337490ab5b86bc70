package org.alpenstack.kernel.tcp;

/**
 * Loss recovery driven by ACKs: fast retransmit on the third duplicate ACK (RFC 5681 3.2), then
 * either NewReno's partial-ACK recovery (RFC 6582) when the peer does not do SACK, or the
 * conservative SACK-based recovery of RFC 6675 that retransmits only the holes the
 * {@link SackScoreboard} reports, with RACK's time-based loss detection (RFC 8985 section 6,
 * {@link Rack}) on top, which also finds lost retransmissions; and, after a retransmission
 * timeout, the recovery of RFC 6675 section 5.1 that resends only what the receiver has not
 * SACKed. The congestion window itself belongs to the connection's
 * {@link org.alpenstack.kernel.tcp.cc.CongestionControl}; this class only decides when the
 * events happen and what to send.
 */
final class TcpRecovery {
    private final TcpLayer layer;
    /** SACK edges of the segment at hand, as the scoreboard takes them (no allocation per ACK). */
    private final int[] blocks = new int[2 * Segment.MAX_SACK_BLOCKS];

    TcpRecovery(TcpLayer layer) {
        this.layer = layer;
    }

    /**
     * Called for every acceptable ACK of a SACK connection, before the dup-ACK decision; returns
     * the bytes this ACK SACKed for the first time. RACK (RFC 8985 6.2 steps 1-3) learns from the
     * same ACK which of the segments in flight were delivered, and when they had been sent.
     */
    int updateScoreboard(TcpConnection c, Segment s, long now) {
        int n = s.sackBlocks;
        for (int i = 0; i < n; i++) {
            blocks[2 * i] = s.sackLeft[i];
            blocks[2 * i + 1] = s.sackRight[i];
        }
        if (c.scoreboard.checkReneging(s.ack)) {
            layer.counters.sackRenegings++;
            if (c.rack != null) {
                c.rack.forgetSacks();
            }
        }
        int newly = c.scoreboard.update(s.ack, blocks, n, c.sndMax);
        boolean dsack = c.scoreboard.lastUpdateHadDsack();
        if (dsack) {
            layer.counters.dsacksReceived++;
        }
        if (c.rack != null) {
            int una = SeqNum.max(s.ack, c.sndUna);
            boolean echo = c.timestamps && s.hasTimestamp && s.tsEcr != 0;
            c.rack.onAck(una, blocks, n, dsack, echo, s.tsEcr - c.tsOffset, c.rtt.minRtt(), c.sndMax, now);
        }
        return newly;
    }

    /** A duplicate ACK (RFC 5681 section 2 definition); {@code c.dupAcks} already counts it. */
    void duplicateAck(TcpConnection c, Segment s, long now) {
        if (c.inRecovery) {
            if (!c.sackPermitted) {
                // RFC 5681 3.2 step 4: each further duplicate means one more segment left the network.
                c.cc.onDupAckInRecovery();
            }
            return;
        }
        if (!c.sackPermitted && c.dupAcks == layer.tunables.reordering() && SeqNum.gt(s.ack, c.recover)) {
            // RFC 6582 3.2 step 2: only if this ACK covers more than the last recovery point,
            // so one loss episode does not cut the window twice.
            enterRecovery(c, now);
            for (int i = 0; i < c.dupAcks; i++) {
                c.cc.onDupAckInRecovery();
            }
            layer.output.retransmitAt(c, c.sndUna, c.sndMss, now);
            layer.counters.fastRetransmits++;
        }
    }

    /** After the ACK step of a SACK connection: detect losses, maybe start recovery, then send what RFC 6675 allows. */
    void afterAck(TcpConnection c, int delivered, long now) {
        afterAck(c, delivered, false, now);
    }

    private void afterAck(TcpConnection c, int delivered, boolean timer, long now) {
        if (!c.sackPermitted) {
            return;
        }
        boolean newlyLost = detectLosses(c, now);
        boolean started = false;
        // RFC 6675 5: DupThresh duplicates, IsLost(HighACK+1) or (RFC 8985) a segment RACK deems
        // lost start recovery; not again before SND.UNA reaches the previous recovery point
        // (RFC 6675's recovery ends with the ACK of RecoveryPoint, so reaching it is enough).
        if (!c.inRecovery && c.sndMax != c.sndUna && SeqNum.geq(c.sndUna, c.recover)
                && (c.scoreboard.shouldEnterRecovery() || c.dupAcks >= layer.tunables.reordering()
                        || c.rack != null && c.rack.hasLost())) {
            enterRecovery(c, now);
            c.scoreboard.enterRecovery();
            c.prr.enter(c.sndMax - c.sndUna);
            layer.counters.fastRetransmits++;
            started = true;
        }
        if (c.inRecovery) {
            // The retransmission that starts a recovery goes out whatever PRR says (RFC 6675 5
            // step 4.3), and so does one segment when the RACK timer finds a loss: no ACK (PRR's
            // "delivered") may ever come to clock it out otherwise, as Linux's marking frees
            // room in its flight count for it.
            sendDuringRecovery(c, delivered, started || timer && newlyLost, now);
        }
    }

    /** RFC 8985 6.2 steps 4-5, and the RACK timer for segments that are not overdue yet; true if losses were found. */
    private boolean detectLosses(TcpConnection c, long now) {
        if (c.rack == null || c.sndUna == c.sndMax) {
            return false;
        }
        if (!c.inRecovery && c.scoreboard.sackedBytes() == 0 && !c.rack.hasLost()) {
            // Nothing above SND.UNA was delivered, so nothing in flight was sent before a delivered
            // segment (bar retransmissions, which happen in recovery): skip the walk over the flight.
            return false;
        }
        long reoWnd = c.rack.reorderingWindow(c.inRecovery, c.scoreboard.sackedBytes() / c.sndMss,
                layer.tunables.reordering(), c.rtt.minRtt(), c.rtt.srtt());
        long before = c.rack.lostBytes();
        long timeout = c.rack.detectLoss(reoWnd, now);
        if (timeout > 0) {
            layer.timers.armReorderTimer(c, now, timeout);
        }
        if (c.rack.lostBytes() > before) {
            layer.counters.rackLossMarks++;
            return true;
        }
        return false;
    }

    /** The RACK timer expired (RFC 8985 6.3): segments held back by the reordering window may be lost now. */
    void reorderTimeout(TcpConnection c, long now) {
        if (!c.sackPermitted || c.sndUna == c.sndMax) {
            return;
        }
        afterAck(c, 0, true, now);
    }

    private void enterRecovery(TcpConnection c, long now) {
        c.recover = c.sndMax;
        c.inRecovery = true;
        // Recovery takes over; the cwnd reduction it makes covers a loss a probe may have repaired.
        c.tlpOutstanding = false;
        int flight = c.sackPermitted ? c.scoreboard.pipe() : c.flightSize();
        c.cc.onEnterRecovery(Math.max(flight, c.flightSize()), now);
        // The timer now guards the retransmission (RFC 6298 5.3 applies to it as to any send).
        layer.timers.restartRetransmit(c, now);
    }

    /**
     * RFC 6675 section 5 step (C) for what to send (NextSeg), RFC 6937 PRR for how much: the
     * reduction to ssthresh is spread over the recovery's ACKs instead of RFC 6675's
     * "while pipe < cwnd", which bursts after heavy loss (Linux does the same). After an RTO the
     * window is the slow-starting cwnd itself: "while pipe < cwnd" (Linux's CA_Loss state).
     */
    private void sendDuringRecovery(TcpConnection c, int delivered, boolean atLeastOne, long now) {
        SackScoreboard sb = c.scoreboard;
        int sndcnt;
        if (c.rtoRecovery) {
            sndcnt = c.cc.cwnd() - pipe(c);
        } else {
            sndcnt = c.prr.onAck(delivered, pipe(c), c.cc.ssthresh(), c.sndMss);
        }
        if (atLeastOne) {
            sndcnt = Math.max(sndcnt, 1);
        }
        for (int guard = 0; guard < 1000 && sndcnt > 0; guard++) {
            if (c.rack != null && c.rack.hasLost()) {
                // RFC 8985: what RACK deems lost goes first, lowest sequence first. A lost
                // retransmission lies below HighRxt, where RFC 6675's NextSeg() never looks again.
                int i = c.rack.firstLost();
                if (i >= 0) {
                    int seq = c.rack.start(i);
                    int sent = layer.output.retransmitAt(c, seq, Math.min(c.rack.end(i) - seq, c.sndMss), now);
                    if (sent <= 0) {
                        return;
                    }
                    // HighRxt moves only over a contiguous run of retransmitted or SACKed bytes,
                    // or RFC 6675's rules would skip holes below this one.
                    if (SeqNum.leq(seq, sb.highRxt()) || sb.allSacked(sb.highRxt(), seq)) {
                        sb.markRetransmitted(seq, sent);
                    }
                    layer.counters.rackRetransmits++;
                    c.prr.onSent(sent);
                    sndcnt -= sent;
                    continue;
                }
            }
            int unsent = c.sendBuffer.length() - (c.sndMax - c.sndUna);
            int windowRoom = c.sndUna + c.sndWnd - c.sndMax;
            int newData = Math.max(0, Math.min(unsent, windowRoom));
            int rule = sb.nextSeg(newData);
            int seq = sb.nextSegSeq();
            int len = sb.nextSegLen();
            if (rule == SackScoreboard.NONE || len <= 0) {
                return;
            }
            if (rule == SackScoreboard.NEW_DATA) {
                int sent = layer.output.retransmitAt(c, c.sndMax, len, now);
                if (sent <= 0) {
                    return;
                }
                // retransmitAt restores SND.NXT; new data moves it (and SND.MAX) forward for good.
                if (SeqNum.lt(c.sndNxt, c.sndMax)) {
                    c.sndNxt = c.sndMax;
                }
                sb.setSndMax(c.sndMax);
                c.prr.onSent(sent);
                sndcnt -= sent;
            } else {
                int sent = layer.output.retransmitAt(c, seq, len, now);
                if (sent <= 0) {
                    return;
                }
                if (rule == SackScoreboard.RESCUE) {
                    sb.markRescueRetransmitted();
                } else {
                    sb.markRetransmitted(seq, sent);
                }
                c.prr.onSent(sent);
                sndcnt -= sent;
            }
        }
    }

    /** SND.UNA advanced but not past the recovery point (RFC 6582 3.2 step 5 for NewReno). */
    void partialAck(TcpConnection c, int acked, long now) {
        if (c.sackPermitted) {
            // RFC 6675: the scoreboard already knows; the ACK step's afterAck() sends the next holes.
            return;
        }
        c.cc.onPartialAck(acked);
        layer.output.retransmitAt(c, c.sndUna, c.sndMss, now);
    }

    /** RFC 6675's pipe, less what RACK found lost among the retransmissions it counts. */
    private static int pipe(TcpConnection c) {
        SackScoreboard sb = c.scoreboard;
        int pipe = sb.pipe();
        if (c.rack != null && c.rack.hasLost()) {
            pipe -= (int) Math.min(pipe, c.rack.lostBytesBelow(sb.highRxt()));
        }
        return pipe;
    }

    void recoveryEnded(TcpConnection c) {
        c.rtoRecovery = false;
        if (c.sackPermitted) {
            c.scoreboard.exitRecovery();
            if (c.rack != null) {
                c.rack.recoveryEnded();
            }
        }
    }

    /**
     * The retransmission timer took over (RFC 6675 5.1): leave recovery; RecoveryPoint = HighData
     * and no new fast recovery before it is acknowledged.
     */
    void retransmitTimeout(TcpConnection c) {
        c.tlpOutstanding = false;
        c.inRecovery = false;
        c.rtoRecovery = false;
        c.dupAcks = 0;
        c.recover = c.sndMax;
        if (c.sackPermitted) {
            c.scoreboard.exitRecovery();
            if (c.rxtShift > 1 || c.rack == null) {
                // Timed out again without progress: the receiver may have reneged in a way the
                // ACKs did not show (RFC 2018 8); start over from SND.UNA without SACK information.
                c.scoreboard.clear();
            }
        }
    }

    /**
     * After {@link #retransmitTimeout}, for a SACK connection: the recovery of RFC 6675 5.1
     * (Linux's CA_Loss): everything unSACKed below RecoveryPoint is retransmitted in order as the
     * slow-starting cwnd allows, skipping what the receiver holds; RACK finds retransmissions lost
     * again. Returns false when the caller should go back N from SND.UNA instead.
     */
    boolean startRecoveryAfterTimeout(TcpConnection c, long now) {
        if (!c.sackPermitted || c.rack == null || !c.state.haveEstablished() || c.sndUna == c.sndMax) {
            return false;
        }
        c.inRecovery = true;
        c.rtoRecovery = true;
        c.scoreboard.enterRecoveryAfterTimeout();
        sendDuringRecovery(c, 0, true, now);
        return true;
    }
}
