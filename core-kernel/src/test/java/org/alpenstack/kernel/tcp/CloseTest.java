package org.alpenstack.kernel.tcp;

import static org.alpenstack.kernel.wire.TcpFlags.ACK;
import static org.alpenstack.kernel.wire.TcpFlags.FIN;
import static org.alpenstack.kernel.wire.TcpFlags.PSH;
import static org.alpenstack.kernel.wire.TcpFlags.RST;
import static org.alpenstack.kernel.wire.TcpFlags.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.Readiness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Connection termination (RFC 9293 3.6), TIME-WAIT, half-close, SO_LINGER and abortive close. */
class CloseTest {
    private final ScriptedPeer peer = new ScriptedPeer();

    @AfterEach
    void noLeaks() {
        peer.close();
    }

    private Wire expectFin() {
        Wire fin = peer.expect(FIN | ACK);
        assertEquals(peer.stackNext, fin.seq);
        peer.stackNext++;
        return fin;
    }

    private void peerFin() {
        peer.send(peer.fromPeer(FIN, peer.stackNext));
        peer.peerNext++;
    }

    @Test
    void activeCloseGoesThroughFinWaitAndTimeWait() {
        TcpSocket s = peer.acceptedPlain();
        assertEquals(0, s.close());
        assertEquals(-Errno.EBADF, s.close());
        expectFin();
        peer.sendAck(peer.stackNext, 65535);
        peer.expectNothing();
        peerFin();
        peer.expectAck(peer.peerNext);
        assertEquals(1, peer.tcp.connectionCount(), "TIME-WAIT keeps the 4-tuple");
        // RFC 9293 3.10.7.4: a retransmitted FIN in TIME-WAIT is ACKed again and restarts 2*MSL
        peer.advance(30_000);
        peer.send(peer.fromPeer(FIN, peer.stackNext).seq(peer.peerNext - 1));
        peer.expectAck(peer.peerNext);
        peer.advance(59_999);
        assertEquals(1, peer.tcp.connectionCount());
        peer.advance(1);
        assertEquals(0, peer.tcp.connectionCount(), "2*MSL (Linux 60 s) later the TCB is gone");
        peer.expectNothing();
    }

    @Test
    void passiveCloseGoesThroughCloseWaitAndLastAck() {
        TcpSocket s = peer.acceptedPlain();
        peerFin();
        peer.expectAck(peer.peerNext);
        assertEquals(TcpState.CLOSE_WAIT, s.state());
        assertEquals(0, s.read(new byte[1], 0, 1));
        s.close();
        expectFin();
        peer.sendAck(peer.stackNext, 65535);
        assertEquals(0, peer.tcp.connectionCount(), "LAST-ACK ends without TIME-WAIT");
        peer.expectNothing();
    }

    @Test
    void simultaneousCloseGoesThroughClosing() {
        TcpSocket s = peer.acceptedPlain();
        assertEquals(0, s.shutdown(TcpSocket.SHUT_WR));
        expectFin();
        assertEquals(TcpState.FIN_WAIT_1, s.state());
        // the peer's FIN crosses ours: it does not acknowledge our FIN
        peer.send(peer.fromPeer(FIN, peer.stackNext - 1));
        peer.peerNext++;
        peer.expectAck(peer.peerNext);
        assertEquals(TcpState.CLOSING, s.state());
        peer.sendAck(peer.stackNext, 65535);
        assertEquals(TcpState.TIME_WAIT, s.state());
    }

    @Test
    void halfCloseLetsThePeerKeepSending() {
        TcpSocket s = peer.acceptedPlain();
        s.shutdown(TcpSocket.SHUT_WR);
        expectFin();
        assertEquals(-Errno.EPIPE, s.write(new byte[1], 0, 1));
        peer.sendAck(peer.stackNext, 65535);
        assertEquals(TcpState.FIN_WAIT_2, s.state());
        peer.sendData(100);
        peer.expectAck(peer.peerNext);
        assertEquals(100, s.read(new byte[200], 0, 200));
        peerFin();
        peer.expectAck(peer.peerNext);
        assertEquals(0, s.read(new byte[200], 0, 200));
        assertEquals(TcpState.TIME_WAIT, s.state());
        assertTrue((s.readiness() & Readiness.POLLHUP) != 0);
    }

    @Test
    void finFollowsQueuedDataAndIsRetransmitted() {
        TcpSocket s = peer.acceptedPlain();
        s.write(new byte[500], 0, 500);
        peer.expectData(500);
        s.close();
        expectFin();
        // the retransmission after the RTO carries the data and the FIN together
        assertEquals(200, peer.advanceUntilEmitted(1000));
        Wire r = peer.expect(FIN | ACK | PSH);
        assertEquals(500, r.len());
        assertEquals(peer.stackNext - 501, r.seq);
    }

    @Test
    void closeWithUnreadDataSendsResetInsteadOfFin() {
        TcpSocket s = peer.acceptedPlain();
        peer.sendData(100);
        peer.expectAck(peer.peerNext);
        s.close();
        // RFC 9293 3.10.4 / RFC 2525 2.17, Linux tcp_close: unread data means the peer must know
        Wire rst = peer.expect(RST | ACK);
        assertEquals(peer.stackNext, rst.seq);
        assertEquals(0, peer.tcp.connectionCount());
    }

    @Test
    void lingerZeroAbortsWithReset() {
        TcpSocket s = peer.acceptedPlain();
        s.write(new byte[100], 0, 100);
        peer.expectData(100);
        assertEquals(0, s.setLinger(true, 0));
        s.close();
        Wire rst = peer.expect(RST | ACK);
        assertEquals(peer.stackNext, rst.seq);
        assertEquals(0, peer.tcp.connectionCount(), "no TIME-WAIT after an abort");
    }

    @Test
    void dataArrivingAfterCloseDrawsAReset() {
        TcpSocket s = peer.acceptedPlain();
        s.close();
        expectFin();
        peer.sendAck(peer.stackNext, 65535);
        peer.sendData(10);
        peer.expect(RST | ACK);
        assertEquals(0, peer.tcp.connectionCount());
    }

    @Test
    void anOrphanGivesUpAfterTcpOrphanRetries() {
        TcpSocket s = peer.acceptedPlain();
        s.write(new byte[100], 0, 100);
        peer.expectData(100);
        s.close();
        peer.expect(FIN | ACK);
        int retransmissions = 0;
        while (peer.tcp.connectionCount() > 0 && peer.nowMs() < 2_000_000) {
            peer.advance(1000);
            retransmissions += peer.emitted.size();
            peer.emitted.clear();
        }
        assertEquals(0, peer.tcp.connectionCount());
        assertEquals(8, retransmissions, "Linux tcp_orphan_retries=0 means 8 for a closed socket, not tcp_retries2");
    }

    @Test
    void orphanedFinWait2TimesOut() {
        TcpSocket s = peer.acceptedPlain();
        s.close();
        expectFin();
        peer.sendAck(peer.stackNext, 65535);
        assertEquals(1, peer.tcp.connectionCount());
        peer.advance(60_000);
        assertEquals(0, peer.tcp.connectionCount(), "Linux tcp_fin_timeout");
    }

    @Test
    void timeWaitAcceptsANewSynWithAHigherSequenceNumber() {
        TcpSocket l = peer.listen(4);
        peer.send(Wire.seg(SYN).seq(1000).win(65535).mss(1000));
        Wire synAck = peer.expect(SYN | ACK);
        peer.send(Wire.seg(ACK).seq(1001).ack(synAck.seq + 1).win(65535));
        TcpSocket s = l.accept();
        peer.peerNext = 1001;
        peer.stackNext = synAck.seq + 1;
        s.close();
        expectFin();
        peer.sendAck(peer.stackNext, 65535);
        peerFin();
        peer.expectAck(peer.peerNext);
        assertEquals(TcpState.TIME_WAIT, s.state());
        // an old duplicate SYN is answered with an ACK (and a challenge ACK is the same thing)
        peer.send(Wire.seg(SYN).seq(500).win(65535).mss(1000));
        peer.expect(ACK);
        // RFC 6191 / Linux: a SYN beyond RCV.NXT opens a new incarnation
        peer.send(Wire.seg(SYN).seq(peer.peerNext + 100_000).win(65535).mss(1000));
        Wire synAck2 = peer.expect(SYN | ACK);
        assertEquals(peer.peerNext + 100_001, synAck2.ack);
        assertTrue(SeqNum.gt(synAck2.seq, peer.stackNext), "the new ISS is beyond the old sequence space");
        assertEquals(1, peer.tcp.counters().timeWaitRecycled);
        peer.send(Wire.seg(ACK).seq(peer.peerNext + 100_001).ack(synAck2.seq + 1).win(65535));
        assertNotNull(l.accept());
    }

    @Test
    void timeWaitWithTimestampsAcceptsASynWithANewerTimestamp() {
        TcpSocket l = peer.listen(4);
        peer.send(Wire.seg(SYN).seq(1000).win(65535).mss(1000).ts(100, 0));
        Wire synAck = peer.expect(SYN | ACK);
        peer.send(Wire.seg(ACK).seq(1001).ack(synAck.seq + 1).win(65535).ts(101, synAck.tsVal));
        TcpSocket s = l.accept();
        s.close();
        Wire fin = peer.expect(FIN | ACK);
        peer.send(Wire.seg(FIN | ACK).seq(1001).ack(fin.seq + 1).win(65535).ts(102, fin.tsVal));
        peer.expect(ACK);
        assertEquals(TcpState.TIME_WAIT, s.state());
        // RFC 6191: same 4-tuple, a sequence number BELOW the old one, but a newer timestamp
        peer.send(Wire.seg(SYN).seq(5).win(65535).mss(1000).ts(200, 0));
        Wire synAck2 = peer.expect(SYN | ACK);
        assertEquals(6, synAck2.ack);
        peer.send(Wire.seg(ACK).seq(6).ack(synAck2.seq + 1).win(65535).ts(201, synAck2.tsVal));
        TcpSocket s2 = l.accept();
        assertTrue(s2 != null && s2.state() == TcpState.ESTABLISHED);
    }

    @Test
    void shutdownOnAnUnconnectedSocketIsENotConn() {
        TcpSocket s = peer.socket();
        assertEquals(-Errno.ENOTCONN, s.shutdown(TcpSocket.SHUT_RDWR));
        assertEquals(-Errno.EINVAL, s.shutdown(7));
        assertEquals(-Errno.ENOTCONN, s.read(new byte[1], 0, 1));
        assertEquals(-Errno.EPIPE, s.write(new byte[1], 0, 1));
        assertEquals(Readiness.POLLOUT | Readiness.POLLHUP | Readiness.POLLIN | Readiness.POLLRDHUP, s.readiness());
    }
}
