package org.alpenstack.kernel.tcp;

/**
 * Tail Loss Probe (RFC 8985 section 7, Linux tcp_schedule_loss_probe / tcp_send_loss_probe /
 * tcp_process_tlp_ack): when the last segments of a flight are lost no duplicate ACKs come back,
 * and only the retransmission timer (at least 200 ms) would notice. Instead, about two round
 * trips after the last transmission, one probe segment goes out, new data if there is any, else
 * the highest segment again, so that the peer's ACK (with SACK) starts fast recovery. As in
 * Linux, only for connections with SACK, outside recovery, before any timeout backoff.
 */
final class TailLossProbe {
    /** Linux TCP_TIMEOUT_MIN (2 jiffies at HZ=1000) added to 2*SRTT when more than one segment is out. */
    private static final long MIN_EXTRA = 2_000_000L;

    private final TcpLayer layer;

    TailLossProbe(TcpLayer layer) {
        this.layer = layer;
    }

    /** The probe timeout from now (RFC 8985 7.2), or -1 if no probe may be scheduled. */
    long probeTimeout(TcpConnection c) {
        TcpState st = c.state;
        if (!c.sackPermitted || c.inRecovery || c.rxtShift != 0 || c.tlpOutstanding || c.sndUna == c.sndMax
                || !st.haveEstablished() || st == TcpState.TIME_WAIT || !c.rtt.hasSample()) {
            return -1;
        }
        long pto = 2 * c.rtt.srtt();
        // One segment out: the peer may be holding its ACK back (delayed ACK), so wait for that too.
        pto += c.sndMax - c.sndUna <= c.sndMss ? layer.tunables.minRtoNanos() : MIN_EXTRA;
        return pto;
    }

    /** The probe timer expired (RFC 8985 7.3): send one probe segment, then arm the RTO. */
    void fire(TcpConnection c, long now) {
        int unsent = c.sendBuffered() - (c.sndMax - c.sndUna);
        int windowRoom = c.sndUna + c.sndWnd - c.sndMax;
        int sent;
        if (unsent > 0 && windowRoom > 0 && !(c.finQueued && SeqNum.gt(c.sndMax, c.finSeq))) {
            sent = layer.output.retransmitAt(c, c.sndMax, Math.min(unsent, windowRoom), now);
            if (SeqNum.lt(c.sndNxt, c.sndMax)) {
                c.sndNxt = c.sndMax;
            }
            c.tlpRetrans = false;
        } else {
            // The highest segment sent, FIN included if it was.
            int end = c.finQueued && SeqNum.gt(c.sndMax, c.finSeq) ? c.finSeq : c.sndMax;
            int start = SeqNum.max(c.sndUna, end - c.sndMss);
            sent = layer.output.retransmitAt(c, start, end - start, now);
            c.tlpRetrans = true;
        }
        if (sent > 0) {
            c.tlpOutstanding = true;
            c.tlpHighSeq = c.sndMax;
            layer.counters.tailLossProbes++;
        }
    }

    /**
     * An ACK arrived (after the scoreboard saw it): did the probe repair a loss (RFC 8985 7.4)?
     * If its retransmission is acknowledged without a D-SACK saying the original arrived too,
     * the original was lost, and the congestion window is reduced once, as after fast recovery.
     */
    void ackArrived(TcpConnection c, Segment s, boolean advanced, boolean dsack, long now) {
        if (!c.tlpOutstanding || SeqNum.lt(s.ack, c.tlpHighSeq)) {
            return;
        }
        if (!c.tlpRetrans || dsack) {
            c.tlpOutstanding = false;
        } else if (SeqNum.gt(s.ack, c.tlpHighSeq)) {
            c.tlpOutstanding = false;
            c.cc.onEnterRecovery(Math.max(c.flightSize(), c.sndMss), now);
            c.cc.onExitRecovery(now);
            layer.counters.tailLossProbeRecoveries++;
        } else if (!advanced && s.dataLength == 0) {
            // a pure duplicate: both the original and the probe arrived, nothing was lost
            c.tlpOutstanding = false;
        }
    }
}
