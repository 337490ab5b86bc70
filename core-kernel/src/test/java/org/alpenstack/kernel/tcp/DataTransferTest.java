package org.alpenstack.kernel.tcp;

import static org.alpenstack.kernel.wire.TcpFlags.ACK;
import static org.alpenstack.kernel.wire.TcpFlags.FIN;
import static org.alpenstack.kernel.wire.TcpFlags.PSH;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.Readiness;
import org.alpenstack.kernel.wire.TcpFlags;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Data transfer on an established connection: segmentation, Nagle, delayed ACK, windows (RFC 9293 3.8). */
class DataTransferTest {
    private final ScriptedPeer peer = new ScriptedPeer();

    @AfterEach
    void noLeaks() {
        peer.close();
    }

    private static byte[] pattern(int seq, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seq + i);
        }
        return b;
    }

    @Test
    void peerDataIsReadableInOrderAndAckedAtOnceAtTheStart() {
        TcpSocket s = peer.acceptedPlain();
        int seq = peer.peerNext;
        peer.sendData(100);
        peer.expectAck(seq + 100);
        assertEquals(Readiness.POLLIN | Readiness.POLLOUT, s.readiness());
        byte[] got = new byte[200];
        assertEquals(100, s.read(got, 0, 200));
        assertArrayEquals(pattern(seq, 100), java.util.Arrays.copyOf(got, 100));
        assertEquals(-Errno.EAGAIN, s.read(got, 0, 200));
    }

    @Test
    void peekLeavesTheDataQueued() {
        TcpSocket s = peer.acceptedPlain();
        int seq = peer.peerNext;
        peer.sendData(50);
        peer.expectAck(seq + 50);
        byte[] a = new byte[100];
        byte[] b = new byte[100];
        assertEquals(50, s.peek(a, 0, 100));
        assertEquals(50, s.available());
        assertEquals(50, s.read(b, 0, 100));
        assertArrayEquals(a, b);
        assertEquals(-Errno.EAGAIN, s.peek(a, 0, 100));
    }

    @Test
    void afterQuickAckModeSmallSegmentsAreAckedByTheDelayedAckTimer() {
        peer.acceptedPlain();
        for (int i = 0; i < TcpLayer.QUICK_ACKS; i++) {
            peer.sendData(10);
            peer.expectAck(peer.peerNext);
        }
        peer.sendData(10);
        peer.expectNothing();
        peer.advance(39);
        peer.expectNothing();
        peer.advance(1);
        peer.expectAck(peer.peerNext);
    }

    @Test
    void quickAckModeReturnsAfterAnIdleGap() {
        peer.acceptedPlain();
        for (int i = 0; i < TcpLayer.QUICK_ACKS; i++) {
            peer.sendData(10);
            peer.expectAck(peer.peerNext);
        }
        peer.sendData(10);
        peer.expectNothing();
        peer.advance(40);
        peer.expectAck(peer.peerNext);
        peer.advance(5_000);
        peer.sendData(10);
        peer.expectAck(peer.peerNext);
    }

    @Test
    void everySecondFullSizedSegmentIsAckedAtOnce() {
        peer.acceptedPlain();
        for (int i = 0; i < TcpLayer.QUICK_ACKS; i++) {
            peer.sendData(1000);
            peer.expectAck(peer.peerNext);
        }
        peer.sendData(1000);
        peer.expectNothing();
        peer.sendData(1000);
        peer.expectAck(peer.peerNext);
    }

    @Test
    void writesAreCutAtTheMssAndTheTailCarriesPush() {
        TcpSocket s = peer.acceptedPlain();
        assertEquals(2500, s.write(new byte[2500], 0, 2500));
        assertEquals(ACK, peer.expectData(1000).flags);
        assertEquals(ACK, peer.expectData(1000).flags);
        assertEquals(ACK | PSH, peer.expectData(500).flags);
        peer.expectNothing();
    }

    @Test
    void nagleHoldsASecondSmallSegmentUntilTheFirstIsAcked() {
        TcpSocket s = peer.acceptedPlain();
        s.write(new byte[100], 0, 100);
        peer.expectData(100);
        s.write(new byte[100], 0, 100);
        s.write(new byte[100], 0, 100);
        peer.expectNothing();
        peer.sendAck(peer.stackNext, 65535);
        peer.expectData(200);
    }

    @Test
    void noDelaySendsEverySmallWriteAtOnce() {
        TcpSocket s = peer.acceptedPlain();
        assertEquals(0, s.setOption(TcpSocket.SOL_TCP, TcpSocket.TCP_NODELAY, 1));
        assertEquals(1, s.getOption(TcpSocket.SOL_TCP, TcpSocket.TCP_NODELAY));
        s.write(new byte[100], 0, 100);
        s.write(new byte[100], 0, 100);
        peer.expectData(100);
        peer.expectData(100);
    }

    @Test
    void corkHoldsPartialSegmentsUntilUncorked() {
        TcpSocket s = peer.acceptedPlain();
        s.setOption(TcpSocket.SOL_TCP, TcpSocket.TCP_CORK, 1);
        s.write(new byte[300], 0, 300);
        s.write(new byte[300], 0, 300);
        peer.expectNothing();
        s.write(new byte[600], 0, 600);
        peer.expectData(1000);
        peer.expectNothing();
        s.setOption(TcpSocket.SOL_TCP, TcpSocket.TCP_CORK, 0);
        peer.expectData(200);
    }

    @Test
    void thePeersWindowLimitsWhatIsInFlight() {
        TcpSocket s = peer.acceptedPlain();
        peer.sendAck(peer.stackNext, 2000);
        s.write(new byte[5000], 0, 5000);
        peer.expectData(1000);
        peer.expectData(1000);
        peer.expectNothing();
        peer.sendAck(peer.stackNext, 2000);
        peer.expectData(1000);
        peer.expectData(1000);
        peer.expectNothing();
    }

    @Test
    void aWindowTooSmallForAFullSegmentIsUsedWhenThePersistTimerFires() {
        TcpSocket s = peer.acceptedPlain();
        peer.sendAck(peer.stackNext, 500);
        s.write(new byte[3000], 0, 3000);
        // sender SWS avoidance (RFC 9293 3.8.6.2.1): 500 bytes is less than an MSS and less than
        // half the largest window seen, so nothing goes at once ...
        peer.expectNothing();
        // ... but the override timeout does not let the data wait forever
        assertEquals(200, peer.advanceUntilEmitted(10_000));
        peer.expectData(500);
        peer.sendAck(peer.stackNext, 65535);
        peer.expectData(1000);
        peer.expectData(1000);
        peer.expectData(500);
    }

    @Test
    void corkedDataLeavesWithinTheCeiling() {
        TcpSocket s = peer.acceptedPlain();
        s.setOption(TcpSocket.SOL_TCP, TcpSocket.TCP_CORK, 1);
        s.write(new byte[300], 0, 300);
        peer.expectNothing();
        // Linux sends a corked partial segment after 200 ms
        assertEquals(200, peer.advanceUntilEmitted(10_000));
        peer.expectData(300);
    }

    @Test
    void zeroWindowIsProbedWithBackoffUntilItOpens() {
        TcpSocket s = peer.acceptedPlain();
        peer.sendAck(peer.stackNext, 0);
        s.write(new byte[3000], 0, 3000);
        peer.expectNothing();
        // RFC 9293 3.8.6.1: probe the closed window; Linux's probe is SEG.SEQ = SND.UNA - 1 with no
        // data, sent after the RTO (200 ms minimum here) and doubled each time.
        long[] gaps = {200, 400, 800, 1600};
        for (long gap : gaps) {
            assertEquals(gap, peer.advanceUntilEmitted(10_000));
            Wire probe = peer.expect(ACK);
            assertEquals(peer.stackNext - 1, probe.seq);
            assertEquals(0, probe.len());
            peer.sendAck(peer.stackNext, 0);
        }
        assertTrue(peer.tcp.counters().windowProbes >= 4);
        peer.sendAck(peer.stackNext, 65535);
        peer.expectData(1000);
        peer.expectData(1000);
        peer.expectData(1000);
    }

    /**
     * A plain MSS-1000 connection accepted by a listener whose SO_RCVBUF is {@code rcvbuf}: Linux
     * doubles it, and the SYN-ACK offers all of it.
     */
    private TcpSocket acceptedWithReceiveBuffer(int rcvbuf) {
        TcpSocket l = peer.listen(4);
        assertEquals(0, l.setOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_RCVBUF, rcvbuf));
        assertEquals(2 * rcvbuf, l.getOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_RCVBUF), "Linux doubles SO_RCVBUF");
        peer.send(Wire.seg(TcpFlags.SYN).seq(1000).win(65535).mss(1000));
        Wire synAck = peer.expect(TcpFlags.SYN | ACK);
        assertEquals(2 * rcvbuf, synAck.window);
        peer.send(Wire.seg(ACK).seq(1001).ack(synAck.seq + 1).win(65535));
        TcpSocket s = l.accept();
        peer.peerNext = 1001;
        peer.stackNext = synAck.seq + 1;
        return s;
    }

    @Test
    void receiveWindowClosesAndReopensWithoutSillyUpdates() {
        TcpSocket s = acceptedWithReceiveBuffer(2000);
        for (int i = 0; i < 4; i++) {
            peer.sendData(1000);
            Wire ack = peer.expectAck(peer.peerNext);
            assertEquals(3000 - 1000 * i, ack.window);
        }
        // beyond the window: not accepted, answered with the (zero) window
        peer.send(peer.fromPeer(ACK, peer.stackNext).data(100));
        Wire nak = peer.expectAck(peer.peerNext);
        assertEquals(0, nak.window);
        // RFC 9293 3.8.6.2.2: reading less than min(RCV.BUFF/2, MSS) does not reopen the window
        byte[] buf = new byte[4000];
        assertEquals(500, s.read(buf, 0, 500));
        peer.expectNothing();
        assertEquals(600, s.read(buf, 0, 600));
        Wire update = peer.expectAck(peer.peerNext);
        assertEquals(1100, update.window);
    }

    @Test
    void aReaderThatKeepsUpSendsNoWindowUpdatesOnlyAHalfClosedWindowReopensAtOnce() {
        TcpSocket s = acceptedWithReceiveBuffer(8000);
        byte[] buf = new byte[16000];
        for (int i = 0; i < 2; i++) {
            peer.sendData(1000);
            peer.expectAck(peer.peerNext);
        }
        // 14000 of 16000 still offered: more than half, so the read is not announced on its own
        // (Linux tcp_cleanup_rbuf); the next ACK carries the larger window.
        assertEquals(2000, s.read(buf, 0, 2000));
        peer.expectNothing();
        for (int i = 0; i < 8; i++) {
            peer.sendData(1000);
            assertEquals(16000 - 1000 * (i + 1), peer.expectAck(peer.peerNext).window);
        }
        // 8000 offered, half the buffer: a read that can double it is announced at once.
        assertEquals(8000, s.read(buf, 0, 16000));
        assertEquals(16000, peer.expectAck(peer.peerNext).window);
    }

    @Test
    void pawsLetsThroughATimestampOneTickOlderAsLinuxDoes() {
        TcpSocket s = peer.accepted(Wire.seg(TcpFlags.SYN).seq(1000).win(65535).mss(1000).ts(1, 0));
        peer.peerTs = 500;
        peer.sendData(1000);
        peer.expectAck(peer.peerNext);
        // RFC 7323 5.3 R1 with Linux's TCP_PAWS_WINDOW of 1: TSval 499 < TS.Recent 500 passes ...
        peer.peerTs = 499;
        peer.sendData(1000);
        assertEquals(peer.peerNext, peer.expectAck(peer.peerNext).ack);
        // ... 498 is an old duplicate: dropped and answered with a duplicate ACK.
        peer.peerTs = 498;
        Wire old = peer.sendData(1000);
        peer.peerNext -= 1000;
        assertEquals(old.seq, peer.expectAck(old.seq).ack);
        byte[] buf = new byte[4000];
        assertEquals(2000, s.read(buf, 0, 4000));
    }

    @Test
    void retransmissionTimerBacksOffToTheMaximumThenTimesOut() {
        TcpSocket s = peer.acceptedPlain();
        s.write(new byte[1000], 0, 1000);
        peer.expectData(1000);
        int seq = peer.stackNext - 1000;
        // RFC 6298: RTO >= 200 ms (Linux TCP_RTO_MIN), doubled per expiry (5.5), capped at 120 s;
        // Linux tcp_retries2 = 15 retransmissions, then ETIMEDOUT (924.6 s in all).
        long expect = 200;
        long total = 0;
        for (int i = 0; i < 15; i++) {
            long waited = peer.advanceUntilEmitted(200_000);
            assertEquals(expect, waited, "gap before retransmission " + (i + 1));
            total += waited;
            Wire r = peer.expect(ACK | PSH);
            assertEquals(seq, r.seq);
            assertEquals(1000, r.len());
            expect = Math.min(expect * 2, 120_000);
        }
        assertEquals(804_600, total);
        peer.advance(119_999);
        assertEquals(TcpState.ESTABLISHED, s.state());
        peer.advance(1);
        assertEquals(TcpState.CLOSED, s.state());
        assertEquals(-Errno.ETIMEDOUT, s.read(new byte[1], 0, 1));
        assertEquals(0, s.read(new byte[1], 0, 1));
        assertEquals(-Errno.EPIPE, s.write(new byte[1], 0, 1));
        assertEquals(15, peer.tcp.counters().retransmittedSegments);
    }

    @Test
    void karnsRuleTakesNoSampleFromARetransmittedSegment() {
        TcpSocket s = peer.acceptedPlain();
        long srttAfterHandshake = s.info().srttNanos();
        s.write(new byte[100], 0, 100);
        peer.expectData(100);
        assertEquals(200, peer.advanceUntilEmitted(1000));
        peer.expect(ACK | PSH);
        peer.advance(300);
        peer.sendAck(peer.stackNext, 65535);
        // RFC 6298 3: the ACK is ambiguous (first send or retransmission?), so no sample
        assertEquals(srttAfterHandshake, s.info().srttNanos());
        s.write(new byte[100], 0, 100);
        peer.expectData(100);
        peer.advance(50);
        peer.sendAck(peer.stackNext, 65535);
        assertTrue(s.info().srttNanos() > srttAfterHandshake, "a clean segment is timed");
        assertEquals(0, s.info().backoff(), "the backoff is cleared by new data acknowledged");
    }

    @Test
    void shutdownReadKeepsBufferedDataThenReportsEndOfStream() {
        TcpSocket s = peer.acceptedPlain();
        peer.sendData(10);
        peer.expectAck(peer.peerNext);
        assertEquals(0, s.shutdown(TcpSocket.SHUT_RD));
        peer.expectNothing();
        byte[] b = new byte[100];
        assertEquals(10, s.read(b, 0, 100), "Linux: queued data stays readable after SHUT_RD");
        assertEquals(0, s.read(b, 0, 100));
        assertTrue((s.readiness() & Readiness.POLLRDHUP) != 0);
        assertEquals(3, s.write(new byte[3], 0, 3), "the sending side is untouched");
        peer.expectData(3);
    }

    @Test
    void peerFinMeansEndOfStreamAfterTheData() {
        TcpSocket s = peer.acceptedPlain();
        peer.sendData(10);
        peer.expectAck(peer.peerNext);
        peer.send(peer.fromPeer(FIN, peer.stackNext));
        peer.peerNext++;
        peer.expectAck(peer.peerNext);
        assertEquals(TcpState.CLOSE_WAIT, s.state());
        assertTrue((s.readiness() & Readiness.POLLRDHUP) != 0);
        byte[] b = new byte[100];
        assertEquals(10, s.read(b, 0, 100));
        assertEquals(0, s.read(b, 0, 100));
        // we may still send in CLOSE-WAIT (half-close)
        assertEquals(5, s.write(new byte[5], 0, 5));
        peer.expectData(5);
    }

    @Test
    void outOfOrderDataIsHeldAndDeliveredWhenTheHoleFills() {
        TcpSocket s = peer.accepted(Wire.seg(TcpFlags.SYN).seq(1000).win(65535).mss(1000).sackOk());
        int base = peer.peerNext;
        peer.send(peer.fromPeer(ACK, peer.stackNext).seq(base + 100).data(100));
        Wire dup = peer.expectAck(base);
        assertEquals(1, dup.sacks.size(), "RFC 2018: the duplicate ACK reports what we hold");
        assertEquals(base + 100, dup.sacks.get(0)[0]);
        assertEquals(base + 200, dup.sacks.get(0)[1]);
        assertEquals(-Errno.EAGAIN, s.read(new byte[10], 0, 10));
        peer.send(peer.fromPeer(ACK, peer.stackNext).seq(base).data(100));
        Wire ack = peer.expectAck(base + 200);
        assertTrue(ack.sacks.isEmpty());
        byte[] b = new byte[300];
        assertEquals(200, s.read(b, 0, 300));
        assertArrayEquals(pattern(base, 200), java.util.Arrays.copyOf(b, 200));
    }
}
