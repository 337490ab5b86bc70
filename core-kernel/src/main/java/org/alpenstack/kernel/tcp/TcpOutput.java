package org.alpenstack.kernel.tcp;

import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.ip.IpOutput;
import org.alpenstack.kernel.link.Link;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.Checksum;
import org.alpenstack.kernel.wire.IpProtocol;
import org.alpenstack.kernel.wire.Ipv4Packet;
import org.alpenstack.kernel.wire.TcpFlags;
import org.alpenstack.kernel.wire.TcpHeader;
import org.alpenstack.kernel.wire.TcpOptions;

/**
 * Everything that leaves a connection: the decision what may be sent now (windows, Nagle, SWS
 * avoidance, FIN, pending ACKs) and the emission of one segment, header and options written
 * top-down into a pooled buffer with the payload copied once from the send buffer. The role of
 * FreeBSD's tcp_output.c.
 *
 * <p>On an interface with TSO ({@link Link#OFFLOAD_TSO}) new data leaves in super-segments of
 * several MSS, sized as Linux's tcp_tso_autosize, which the link cuts into wire segments (or
 * veth hands whole to the peer); with checksum offload the payload is never summed here. The
 * rest of the engine is unaffected: windows, SACK and the congestion window count bytes, so a
 * super-segment of n MSS is exactly the n segments it becomes. Retransmissions stay one MSS.
 */
final class TcpOutput {
    private final TcpLayer layer;
    /** Scratch SACK edges (left, right pairs) for the segment being built (no allocation per segment). */
    private final int[] sackEdges = new int[8];
    /** The options of the segment being built (no allocation per segment). */
    private final TcpOptions options = new TcpOptions();

    TcpOutput(TcpLayer layer) {
        this.layer = layer;
    }

    /**
     * Sends as much as the state, the windows and the sender-side rules allow (tcp_output).
     * Idempotent: calling it when nothing is due sends nothing.
     */
    void output(TcpConnection c, long now) {
        // Bounded only by windows; the guard protects against a logic error looping forever.
        int sent = 0;
        for (int guard = 0; guard < 100_000; guard++) {
            if (!sendOne(c, now)) {
                break;
            }
            sent++;
        }
        if (sent > 0) {
            // Linux tcp_write_xmit: the loss probe is rescheduled after every burst, timed from
            // the last transmission and sized by what is now in flight.
            layer.timers.rescheduleProbe(c, now);
        }
    }

    /** Decides and sends one segment; false when nothing (more) is due. */
    private boolean sendOne(TcpConnection c, long now) {
        TcpState st = c.state;
        if (st == TcpState.CLOSED || st == TcpState.LISTEN || st == TcpState.TIME_WAIT) {
            if (st == TcpState.TIME_WAIT && c.ackNow) {
                sendAck(c, now);
            }
            return false;
        }
        if (st == TcpState.SYN_SENT || st == TcpState.SYN_RECEIVED) {
            if (c.sndNxt == c.iss) {
                int flags = st == TcpState.SYN_SENT ? TcpFlags.SYN : TcpFlags.SYN | TcpFlags.ACK;
                flags |= TcpEcn.synFlags(c, st == TcpState.SYN_RECEIVED);
                emit(c, c.iss, flags, 0, now);
                return false;
            }
            if (st == TcpState.SYN_RECEIVED && c.ackNow) {
                // Only a retransmitted SYN-ACK acknowledges anything before ESTABLISHED.
                c.ackNow = false;
            }
            return false;
        }

        int buffered = c.sendBuffer.length();
        int off = c.sndNxt - c.sndUna;
        if (off == 0 && buffered > 0 && c.sndUna == c.sndMax && layer.tunables.slowStartAfterIdle()
                && c.lastDataSent != 0 && now - c.lastDataSent > c.rtt.rto()) {
            // RFC 5681 4.1 / RFC 7661: after an idle period longer than the RTO, restart the window.
            c.cc.onIdleRestart(now);
            c.lastDataSent = now;
        }
        int window = Math.min(c.sndWnd, c.cc.cwnd());
        int len = Math.min(buffered - off, window - off);
        if (len < 0) {
            len = 0;
        }
        boolean retransmitting = SeqNum.lt(c.sndNxt, c.sndMax);
        int max = retransmitting ? c.sndMss : tsoSize(c);
        if (len > max) {
            len = max;
        }
        if (len > c.sndMss) {
            // Linux tcp_mss_split_point: a super-segment holds whole MSS; a short tail rides along
            // only if it ends the queued data and Nagle would let a short segment go now.
            int tail = len % c.sndMss;
            if (tail != 0 && !(off + len == buffered && nagleAllows(c))) {
                len -= tail;
            }
        }
        // Our FIN follows the last queued byte (finSeq); once sent, SND.NXT is past it and this is false.
        boolean fin = c.finQueued && c.sndNxt + len == c.finSeq;

        boolean send = false;
        if (len > 0) {
            if (len >= c.sndMss) {
                send = true;
            } else if (off + len == buffered && nagleAllows(c)) {
                // Nagle (RFC 896, RFC 9293 3.7.4) in Minshall's form, as Linux: a short segment may
                // go unless an earlier short segment is still unacknowledged.
                send = true;
            } else if (retransmitting || c.forceSend) {
                send = true;
            } else if (c.maxSndWnd > 0 && len >= c.maxSndWnd / 2) {
                // Sender SWS avoidance (RFC 9293 3.8.6.2.1): at least half the largest window offered.
                send = true;
            }
        }
        if (!send && fin) {
            send = true;
        }
        if (!send && c.ackNow) {
            send = true;
        }
        if (!send) {
            // Data waits with nothing in flight to clock it out: a zero window (probe it), a window
            // too small for sender SWS avoidance, or TCP_CORK. The persist timer bounds the wait
            // (RFC 9293 3.8.6.1 and the override timeout of 3.8.6.2.1; Linux's 200 ms cork ceiling).
            if (buffered > off && c.sndUna == c.sndMax && !c.retransmitTimer.isScheduled()
                    && !c.persistTimer.isScheduled()) {
                layer.timers.startPersist(c, now);
            }
            return false;
        }
        c.forceSend = false;

        int flags = TcpFlags.ACK;
        if (fin) {
            flags |= TcpFlags.FIN;
        }
        if (len > 0 && off + len == buffered) {
            flags |= TcpFlags.PSH;
        }
        int seq = c.sndNxt;
        return emit(c, seq, flags, len, now) > 0;
    }

    /**
     * Output after a segment was processed. Inside an input batch ({@link TcpLayer#beginInputBatch})
     * an in-order segment with data waits for the batch's end, so that one ACK answers all the
     * data segments of the batch for this connection: what Linux gets from GRO, which hands TCP
     * one 64 KiB skb for a run of data segments and so sends one ACK for it. The cumulative ACK
     * is sent at the same moment the per-segment ones would have been; like GRO it never covers
     * more than 64 KiB, anything out of order (a duplicate ACK the peer's fast retransmit
     * counts, RFC 5681 4.2 and 3.2) goes at once, and so does the output clocked by a pure ACK
     * (GRO does not merge those either): the sender's ACK clock and PRR keep their per-ACK pace.
     */
    void outputAfterInput(TcpConnection c, boolean hadData, long now) {
        if (layer.batching && hadData && c.reassembly != null && !c.reassembly.hasOutOfOrder()
                && c.rcvNxt - c.lastAckSent < COALESCE_LIMIT) {
            if (!c.outputDeferred) {
                c.outputDeferred = true;
                layer.deferredOutput.add(c);
            }
            return;
        }
        output(c, now);
    }

    /** The most a coalesced ACK may cover: GRO's largest packet. */
    static final int COALESCE_LIMIT = 65536;

    /** Nagle (RFC 896) in Minshall's form, and TCP_CORK: may a short segment leave now? */
    private static boolean nagleAllows(TcpConnection c) {
        return !c.cork && (c.noDelay || !SeqNum.gt(c.sndSml, c.sndUna));
    }

    /** The largest payload of a super-segment: what IPv4's total length allows with a full TCP header. */
    static final int TSO_MAX_PAYLOAD = Link.GSO_MAX_SIZE - Ipv4Packet.HEADER_LEN - TcpHeader.MAX_HEADER_LEN;

    /**
     * How much new data one segment may carry: one MSS, or with TSO what Linux's tcp_tso_autosize
     * allows, about a millisecond at the pacing rate Linux would derive (cwnd / SRTT, doubled in
     * slow start and 1.2 times after; before the first sample SRTT counts as 1 ms), at least two
     * MSS and at most what fits a 64 KiB IP packet. Small super-segments on slow or short-window
     * paths keep the ACK clock and the peer's receive queue smooth; fast paths get 64 KiB.
     */
    static int tsoSize(TcpConnection c) {
        int mss = c.sndMss;
        if ((c.txOffloads & Link.OFFLOAD_TSO) == 0 || mss <= 0) {
            return mss;
        }
        int maxSegs = Math.max(1, TSO_MAX_PAYLOAD / mss);
        long cwnd = c.cc.cwnd();
        long srtt = c.rtt.hasSample() ? c.rtt.srtt() : 0;
        long perMilli;
        if (srtt <= 0) {
            perMilli = 2 * cwnd;
        } else {
            long rate = c.cc.inSlowStart() ? 2 * cwnd : cwnd * 6 / 5;
            perMilli = rate * 1_000_000L / srtt;
        }
        long segs = Math.max(2, perMilli / mss);
        return (int) Math.min(segs, maxSegs) * mss;
    }

    /**
     * The application read: if the window can now open by a worthwhile amount, tell the peer at
     * once (a sender stalled on our zero window would otherwise wait for its persist timer).
     * Only reads trigger this, as in Linux's tcp_cleanup_rbuf: other segments carry the current
     * window anyway.
     */
    void afterRead(TcpConnection c, int copied, long now) {
        adjustReceiveSpace(c, copied, now);
        if (c.state.haveEstablished() && c.state != TcpState.TIME_WAIT && windowUpdateDue(c)) {
            c.ackNow = true;
            layer.counters.windowUpdates++;
        }
        output(c, now);
    }

    /**
     * Dynamic right-sizing (Linux tcp_rcv_space_adjust, after Fisk and Feng): once per receiver
     * RTT, if the application read more than before, size the receive buffer to twice that plus
     * sixteen segments, so the window offered can keep up with a sender still in slow start.
     */
    private static void adjustReceiveSpace(TcpConnection c, int copied, long now) {
        if (!c.receiveBufferAutotune || c.receiveBuffer == null) {
            return;
        }
        c.rcvSpaceCopied += copied;
        long rtt = c.rcvRtt > 0 ? c.rcvRtt : c.rtt.hasSample() ? c.rtt.srtt() : 0;
        if (c.rcvSpaceStart == 0) {
            c.rcvSpaceStart = now;
            return;
        }
        if (rtt <= 0 || now - c.rcvSpaceStart < rtt) {
            return;
        }
        int perRtt = c.rcvSpaceCopied;
        c.rcvSpaceCopied = 0;
        c.rcvSpaceStart = now;
        if (perRtt <= c.rcvSpace) {
            return;
        }
        c.rcvSpace = perRtt;
        long want = 2L * perRtt + 16L * c.advertisedMss;
        if (want > c.receiveBuffer.capacity()) {
            c.receiveBuffer.grow((int) Math.min(want, c.rcvBufMax));
        }
    }

    /**
     * Whether a read freed enough room to announce it at once, in a pure ACK, as Linux decides
     * in tcp_cleanup_rbuf: only when the window still offered has shrunk to half the buffer or
     * less, and the window now possible is at least twice it. A reader that keeps up never lets
     * the offered window fall that far, and the ordinary ACKs carry the window's growth: an
     * update per read sent one extra segment per received super-frame in a bulk upload (1.1 M
     * updates for 1.15 M segments), each costing a send and the peer an ACK to process.
     * A closed or small window does reopen at once, or a sender waiting on it would stall until
     * its persist timer; {@link #windowToAdvertise} keeps the receiver's SWS avoidance (RFC 9293
     * 3.8.6.2.2, RFC 1122 4.2.3.3): no update until the edge can move by min(RCV.BUFF/2, MSS).
     */
    private static boolean windowUpdateDue(TcpConnection c) {
        int offered = Math.max(0, c.rcvAdv - c.rcvNxt);
        long clamp = Math.min(c.receiveBuffer.capacity(), 65535L << c.rcvScale);
        if (2L * offered > clamp) {
            return false;
        }
        int next = windowToAdvertise(c);
        return next > offered && next >= 2L * offered;
    }

    /** Free room in the receive buffer, capped by what the window field can express. */
    static int receiveSpace(TcpConnection c) {
        if (c.receiveBuffer == null) {
            // before ESTABLISHED: the buffer to come; an orphan in TIME-WAIT: what it last offered
            return c.state.haveEstablished() ? Math.max(0, c.rcvAdv - c.rcvNxt)
                    : Math.max(0, Math.min(c.rcvBufSize, 65535 << c.rcvScale));
        }
        int space = c.receiveBuffer.free();
        int max = 65535 << c.rcvScale;
        return Math.max(0, Math.min(space, max));
    }

    /**
     * The window to put in the next segment (in bytes, before scaling): the free room, but never
     * moving the right edge left (RFC 9293 3.8.6: shrinking is strongly discouraged) and never
     * growing it by a silly amount (RFC 9293 3.8.6.2.2).
     */
    static int windowToAdvertise(TcpConnection c) {
        int offered = Math.max(0, c.rcvAdv - c.rcvNxt);
        int space = receiveSpace(c);
        if (c.receiveBuffer == null) {
            return Math.max(space, offered);
        }
        int threshold = Math.min(c.receiveBuffer.capacity() / 2, c.sndMss);
        if (space - offered < threshold && space < c.receiveBuffer.capacity()) {
            space = offered;
        }
        return Math.max(space, offered);
    }

    /** Sends our SYN (or SYN-ACK) again from ISS, as after a retransmission timeout. */
    void retransmitSyn(TcpConnection c, long now) {
        c.sndNxt = c.iss;
        output(c, now);
    }

    /**
     * Retransmits one segment starting at {@code seq} (fast retransmit, NewReno partial ACK,
     * a SACK hole), at most {@code max} bytes, then restores SND.NXT: the transmission of new
     * data continues where it was.
     */
    int retransmitAt(TcpConnection c, int seq, int max, long now) {
        int off = seq - c.sndUna;
        int buffered = c.sendBuffer.length();
        int len = Math.max(0, Math.min(Math.min(max, c.sndMss), buffered - off));
        boolean fin = c.finQueued && seq + len == c.finSeq;
        if (len == 0 && !fin) {
            return 0;
        }
        int saved = c.sndNxt;
        c.sndNxt = seq;
        int flags = TcpFlags.ACK | (fin ? TcpFlags.FIN : 0) | (off + len == buffered && len > 0 ? TcpFlags.PSH : 0);
        int sent = emit(c, seq, flags, len, now);
        if (SeqNum.gt(saved, c.sndNxt)) {
            c.sndNxt = saved;
        }
        return sent;
    }

    /** A bare ACK of RCV.NXT (RFC 9293 3.10.7.4: "send an ACK"). */
    void sendAck(TcpConnection c, long now) {
        emit(c, c.sndNxt, TcpFlags.ACK, 0, now);
    }

    /** A keepalive or zero-window probe: SEG.SEQ = SND.UNA - 1 with no data, which any live peer ACKs. */
    void sendProbe(TcpConnection c, long now) {
        emit(c, c.sndUna - 1, TcpFlags.ACK, 0, now);
    }

    /** RST|ACK from a connection being aborted (RFC 9293 3.10.4 ABORT, 3.10.7.4). */
    void sendReset(TcpConnection c, long now) {
        emit(c, c.sndNxt, TcpFlags.RST | TcpFlags.ACK, 0, now);
    }

    /**
     * Emits one segment of {@code c}: {@code len} bytes of the send buffer starting at sequence
     * {@code seq}, with {@code flags}. Updates SND.NXT/SND.MAX, RTT
     * timing, the retransmission timer and the ACK state.
     */
    int emit(TcpConnection c, int seq, int flags, int len, long now) {
        boolean syn = (flags & TcpFlags.SYN) != 0;
        if (len == 0 && (flags & (TcpFlags.SYN | TcpFlags.FIN)) == 0 && seq == c.sndNxt) {
            // FreeBSD tcp_output: while retransmitting, SND.NXT lags behind; a pure ACK (or RST)
            // must carry the first unsent octet, SND.MAX, or the peer finds it left of its window
            // and answers with an ACK of its own, and two such peers loop.
            seq = c.sndMax;
        }
        // The SACK blocks are taken once: a pending D-SACK is consumed by reading it (RFC 2883 4).
        TcpOptions o = options;
        o.clear();
        if (syn) {
            // Our offers, or on a SYN-ACK what survived negotiation (RFC 7323 1.3, RFC 2018 2).
            o.mss(c.advertisedMss);
            o.sackPermitted(c.sackPermitted);
            if (c.windowScaling) {
                o.windowScale(c.rcvScale);
            }
        }
        if (c.timestamps) {
            // RFC 7323 3.2: on every segment once negotiated; TSecr is TS.Recent (0 in our SYN).
            o.timestamps(tsVal(c, now), c.tsRecent);
        }
        if (!syn) {
            int blocks = sackBlocksToSend(c, flags);
            for (int i = 0; i < blocks; i++) {
                o.addSackBlock(sackEdges[2 * i], sackEdges[2 * i + 1]);
            }
        }
        int optLen = o.bufferLen();
        int maxData = c.sndMss + (c.timestamps ? 12 : 0) - optLen;
        int gsoSize = 0;
        if (!syn && len > c.sndMss && maxData > 0) {
            // A super-segment (only sendOne makes one, only with TSO): every wire segment carries
            // these options, so each takes maxData bytes, fewer than the MSS beside SACK blocks.
            gsoSize = maxData;
        } else if (!syn && len > maxData) {
            // SACK blocks do not fit beside a full segment: like Linux's tcp_current_mss, carry less
            // data rather than exceed the path MTU (or drop the SACK information). The FIN, if any,
            // then no longer follows the last byte and waits for the next segment.
            len = Math.max(0, maxData);
            flags &= ~(TcpFlags.FIN | TcpFlags.PSH);
        }
        boolean newData = len > 0 && !SeqNum.lt(seq, c.sndMax);
        if (!syn && (flags & TcpFlags.RST) == 0) {
            flags |= TcpEcn.flags(c, newData);
        }
        int tos = syn ? 0 : TcpEcn.tos(c, newData);
        int hdrLen = TcpHeader.HEADER_LEN + optLen;
        PacketBuffer b = layer.pool.acquire(BufferPool.DEFAULT_HEADROOM, hdrLen + len);
        byte[] a = b.array();
        int at = b.append(hdrLen + len);
        int ack = (flags & TcpFlags.ACK) != 0 ? c.rcvNxt : 0;
        int window;
        if (syn) {
            window = Math.min(receiveSpace(c), 65535);
        } else {
            int w = windowToAdvertise(c);
            window = w >>> c.rcvScale;
            if (window << c.rcvScale < c.rcvAdv - c.rcvNxt) {
                window++;
            }
            window = Math.min(window, 65535);
        }
        TcpHeader.sourcePort(a, at, c.localPort);
        TcpHeader.destinationPort(a, at, c.remotePort);
        TcpHeader.sequenceNumber(a, at, seq);
        TcpHeader.acknowledgmentNumber(a, at, ack);
        TcpHeader.headerLengthAndFlags(a, at, hdrLen, flags);
        TcpHeader.window(a, at, window);
        TcpHeader.urgentPointer(a, at, 0);
        o.emit(a, at + TcpHeader.OPTIONS);
        if (len > 0) {
            c.sendBuffer.copyOut(seq, a, at + hdrLen, len);
        }
        int wireSegments = gsoSize > 0 ? (len + gsoSize - 1) / gsoSize : 1;
        if (gsoSize > 0 || (c.txOffloads & Link.OFFLOAD_TX_CHECKSUM) != 0) {
            // CHECKSUM_PARTIAL: the pseudo-header sum (over the whole segment's length) in the
            // field, the rest for the link; a segmentation engine adjusts it per wire segment.
            Bytes.u16(a, at + TcpHeader.CHECKSUM,
                    Checksum.fold(Checksum.pseudoHeader(c.localAddress, c.remoteAddress, IpProtocol.TCP, hdrLen + len)));
            b.checksumPartial(at - b.start(), TcpHeader.CHECKSUM);
            if (wireSegments > 1) {
                b.gsoSize(gsoSize);
            }
        } else {
            TcpHeader.fillChecksum(a, at, hdrLen + len, c.localAddress, c.remoteAddress);
        }

        // Bookkeeping before handing the buffer over, so that a synchronous loopback cannot see stale state.
        if ((flags & TcpFlags.RST) == 0) {
            int consumed = len + (syn ? 1 : 0) + ((flags & TcpFlags.FIN) != 0 ? 1 : 0);
            if (consumed > 0 && seq == c.sndNxt) {
                boolean isRetransmit = SeqNum.lt(seq, c.sndMax);
                c.sndNxt = seq + consumed;
                // Minshall's small segment: a short one, or a super-segment with a short tail (tcp_minshall_update).
                if (len > 0 && (len < c.sndMss || wireSegments > 1 && len % gsoSize != 0)) {
                    c.sndSml = c.sndNxt;
                }
                if (c.rack != null) {
                    c.rack.onSent(seq, c.sndNxt, now);
                }
                if (SeqNum.gt(c.sndNxt, c.sndMax)) {
                    c.sndMax = c.sndNxt;
                    if (c.sackPermitted) {
                        c.scoreboard.setSndMax(c.sndMax);
                    }
                }
                if (isRetransmit) {
                    layer.counters.retransmittedSegments++;
                    c.totalRetransmits++;
                    c.bytesRetransmitted += len;
                    // Karn's rule (RFC 6298 3): no sample from a segment that was retransmitted.
                    if (c.rttTiming && SeqNum.geq(c.rttSeq, seq)) {
                        c.rttTiming = false;
                    }
                } else if (!c.rttTiming && (!c.timestamps || syn)) {
                    c.rttTiming = true;
                    c.rttSeq = seq;
                    c.rttStart = now;
                }
                if (!c.retransmitTimer.isScheduled()) {
                    layer.timers.startRetransmit(c, now);
                }
                if (c.persistTimer.isScheduled()) {
                    layer.wheel.cancel(c.persistTimer);
                }
            }
            if ((flags & TcpFlags.ACK) != 0) {
                c.lastAckSent = c.rcvNxt;
                c.ackNow = false;
                c.segmentsSinceAck = 0;
                layer.wheel.cancel(c.delayedAckTimer);
                int newEdge = c.rcvNxt + (syn ? window : window << c.rcvScale);
                if (SeqNum.gt(newEdge, c.rcvAdv) || c.rcvAdv == 0 && !c.state.haveReceivedSyn()) {
                    c.rcvAdv = newEdge;
                }
            }
        }
        c.lastSent = now;
        if (len > 0) {
            c.lastDataSent = now;
        }
        // Counted as the wire segments the peer will see (Linux adds tcp_skb_pcount).
        c.segmentsOut += wireSegments;
        c.bytesSentTotal += len;
        layer.counters.segmentsOut += wireSegments;
        if ((flags & TcpFlags.RST) != 0) {
            layer.counters.resetsSent++;
        }
        int err = layer.ip.send(b, c.localAddress, c.remoteAddress, TcpLayer.PROTOCOL, tos, IpOutput.DEFAULT_TTL, true);
        if (err < 0) {
            // Lost locally (no route, neighbour queue full, DF and too big): the retransmission
            // timer recovers it like any loss; Linux reports such errors as soft errors.
            layer.counters.sendErrors++;
            c.softError = -err;
            if (err == -org.alpenstack.kernel.socket.Errno.EMSGSIZE && c.state.haveEstablished()) {
                // The route's MTU is smaller than our segments (RFC 1191 learned locally, or a
                // route change): follow it; the retransmission timer resends at the new size.
                layer.shrinkMssToRoute(c);
            }
        }
        return (flags & TcpFlags.RST) != 0 ? 0 : len + (syn ? 1 : 0) + ((flags & TcpFlags.FIN) != 0 ? 1 : 0);
    }

    /** Our TSval: a millisecond clock (RFC 7323 5.4: 1 ms to 1 s per tick) plus a per-connection offset. */
    static int tsVal(TcpConnection c, long now) {
        return (int) (now / 1_000_000L) + c.tsOffset;
    }

    private int sackBlocksToSend(TcpConnection c, int flags) {
        if (!c.sackPermitted || (flags & TcpFlags.RST) != 0 || c.reassembly == null
                || !c.reassembly.hasOutOfOrder() && !c.reassembly.hasPendingDsack()) {
            return 0;
        }
        // 40 bytes of options: three blocks beside timestamps, four without (RFC 2018 3).
        return c.reassembly.sackBlocks(sackEdges, c.timestamps ? 3 : 4);
    }

    /**
     * A reset answering a segment that has no connection (RFC 9293 3.10.7.1): if the segment
     * carried an ACK, {@code <SEQ=SEG.ACK><CTL=RST>}; otherwise
     * {@code <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>}. Never in answer to a reset.
     */
    void sendResetFor(Segment s) {
        if (s.has(TcpFlags.RST)) {
            return;
        }
        int seq;
        int ack;
        int flags;
        if (s.has(TcpFlags.ACK)) {
            seq = s.ack;
            ack = 0;
            flags = TcpFlags.RST;
        } else {
            seq = 0;
            ack = s.seq + s.segLen();
            flags = TcpFlags.RST | TcpFlags.ACK;
        }
        sendBare(s.dstAddr, s.dstPort, s.srcAddr, s.srcPort, seq, ack, flags, 0);
        layer.counters.resetsSent++;
    }

    /** A header-only segment with no connection behind it (resets, SYN-cookie SYN-ACKs use their own path). */
    void sendBare(int src, int srcPort, int dst, int dstPort, int seq, int ack, int flags, int window) {
        PacketBuffer b = layer.pool.acquire(BufferPool.DEFAULT_HEADROOM, TcpHeader.HEADER_LEN);
        byte[] a = b.array();
        int at = b.append(TcpHeader.HEADER_LEN);
        TcpHeader.sourcePort(a, at, srcPort);
        TcpHeader.destinationPort(a, at, dstPort);
        TcpHeader.sequenceNumber(a, at, seq);
        TcpHeader.acknowledgmentNumber(a, at, ack);
        TcpHeader.headerLengthAndFlags(a, at, TcpHeader.HEADER_LEN, flags);
        TcpHeader.window(a, at, window);
        TcpHeader.urgentPointer(a, at, 0);
        TcpHeader.fillChecksum(a, at, TcpHeader.HEADER_LEN, src, dst);
        layer.counters.segmentsOut++;
        layer.ip.send(b, src, dst, TcpLayer.PROTOCOL, 0, IpOutput.DEFAULT_TTL, true);
    }
}
