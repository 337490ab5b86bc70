package org.alpenstack.kernel.tcp;

/**
 * Loss recovery driven by ACKs: fast retransmit on the third duplicate ACK (RFC 5681 3.2), then
 * either NewReno's partial-ACK recovery (RFC 6582) when the peer does not do SACK, or the
 * conservative SACK-based recovery of RFC 6675 that retransmits only the holes the
 * {@link SackScoreboard} reports. The congestion window itself belongs to the connection's
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

    /** Called for every acceptable ACK of a SACK connection, before the dup-ACK decision. */
    /** Returns the bytes this ACK SACKed for the first time. */
    int updateScoreboard(TcpConnection c, Segment s) {
        int n = s.sackBlocks;
        for (int i = 0; i < n; i++) {
            blocks[2 * i] = s.sackLeft[i];
            blocks[2 * i + 1] = s.sackRight[i];
        }
        int newly = c.scoreboard.update(s.ack, blocks, n, c.sndMax);
        if (c.scoreboard.lastUpdateHadDsack()) {
            layer.counters.dsacksReceived++;
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

    /** After the ACK step of a SACK connection: maybe start recovery, then send what RFC 6675 allows. */
    void afterAck(TcpConnection c, int delivered, long now) {
        if (!c.sackPermitted) {
            return;
        }
        // RFC 6675 5: DupThresh duplicates or IsLost(HighACK+1) start recovery; as in RFC 6582,
        // not again before SND.UNA passes the previous recovery point.
        if (!c.inRecovery && c.sndMax != c.sndUna && SeqNum.gt(c.sndUna, c.recover)
                && (c.scoreboard.shouldEnterRecovery() || c.dupAcks >= layer.tunables.reordering())) {
            enterRecovery(c, now);
            c.scoreboard.enterRecovery();
            c.prr.enter(c.sndMax - c.sndUna);
            layer.counters.fastRetransmits++;
        }
        if (c.inRecovery) {
            sendDuringRecovery(c, delivered, now);
        }
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
     * "while pipe < cwnd", which bursts after heavy loss (Linux does the same).
     */
    private void sendDuringRecovery(TcpConnection c, int delivered, long now) {
        SackScoreboard sb = c.scoreboard;
        int sndcnt = c.prr.onAck(delivered, sb.pipe(), c.cc.ssthresh(), c.sndMss);
        for (int guard = 0; guard < 1000 && sndcnt > 0; guard++) {
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

    void recoveryEnded(TcpConnection c) {
        if (c.sackPermitted) {
            c.scoreboard.exitRecovery();
        }
    }

    /** The retransmission timer took over (RFC 6675 5.1): leave recovery; SACK information stays advisory. */
    void retransmitTimeout(TcpConnection c) {
        c.tlpOutstanding = false;
        c.inRecovery = false;
        c.dupAcks = 0;
        c.recover = c.sndMax;
        if (c.sackPermitted) {
            c.scoreboard.exitRecovery();
            // RFC 2018 8 allows the receiver to renege: after a timeout start from SND.UNA anew.
            c.scoreboard.clear();
        }
    }
}
