package org.alpenstack.kernel.tcp;

import static org.alpenstack.kernel.wire.TcpFlags.ACK;
import static org.alpenstack.kernel.wire.TcpFlags.FIN;
import static org.alpenstack.kernel.wire.TcpFlags.RST;
import static org.alpenstack.kernel.wire.TcpFlags.SYN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.Readiness;
import org.alpenstack.kernel.stack.DropReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Resets and the blind-attack defences: RFC 9293 3.10.7.4 (second and fourth steps), RFC 5961
 * (challenge ACKs, ACK validation, rate limit) and RFC 7323 PAWS.
 */
class ResetTest {
    private final ScriptedPeer peer = new ScriptedPeer();

    @AfterEach
    void noLeaks() {
        peer.close();
    }

    @Test
    void exactResetClosesWithConnectionReset() {
        TcpSocket s = peer.acceptedPlain();
        peer.sendData(10);
        peer.expectAck(peer.peerNext);
        peer.send(Wire.seg(RST).seq(peer.peerNext));
        peer.expectNothing();
        assertEquals(TcpState.CLOSED, s.state());
        assertTrue((s.readiness() & (Readiness.POLLERR | Readiness.POLLHUP)) == (Readiness.POLLERR | Readiness.POLLHUP));
        byte[] b = new byte[100];
        // Linux: data that arrived before the reset is still readable, then the error once, then EOF
        assertEquals(10, s.read(b, 0, 100));
        assertEquals(-Errno.ECONNRESET, s.read(b, 0, 100));
        assertEquals(0, s.read(b, 0, 100));
        assertEquals(-Errno.EPIPE, s.write(b, 0, 1));
        assertEquals(1, peer.tcp.counters().resetsReceived);
    }

    @Test
    void inWindowButInexactResetDrawsAChallengeAck() {
        TcpSocket s = peer.acceptedPlain();
        peer.send(Wire.seg(RST).seq(peer.peerNext + 1000));
        // RFC 5961 3.2: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>; a real peer answers with an exact RST
        peer.expect(ACK, peer.stackNext, peer.peerNext);
        assertEquals(TcpState.ESTABLISHED, s.state());
        assertEquals(1, peer.tcp.counters().challengeAcks);
    }

    @Test
    void resetOutsideTheWindowIsSilentlyDropped() {
        TcpSocket s = peer.acceptedPlain();
        peer.send(Wire.seg(RST).seq(peer.peerNext + 1_000_000));
        peer.send(Wire.seg(RST).seq(peer.peerNext - 1));
        peer.expectNothing();
        assertEquals(TcpState.ESTABLISHED, s.state());
        assertEquals(2, peer.tcp.counters().drops(DropReason.TCP_OUT_OF_WINDOW));
    }

    @Test
    void synOnAnEstablishedConnectionDrawsAChallengeAck() {
        TcpSocket s = peer.acceptedPlain();
        // RFC 5961 4.2: whatever its sequence number, never reset on a SYN; challenge instead
        peer.send(Wire.seg(SYN).seq(peer.peerNext + 10).win(65535));
        peer.expect(ACK, peer.stackNext, peer.peerNext);
        peer.send(Wire.seg(SYN).seq(peer.peerNext - 100_000).win(65535));
        peer.expect(ACK, peer.stackNext, peer.peerNext);
        assertEquals(TcpState.ESTABLISHED, s.state());
        peer.sendData(5);
        peer.expectAck(peer.peerNext);
    }

    @Test
    void ackOfUnsentDataIsAnsweredAndDropped() {
        TcpSocket s = peer.acceptedPlain();
        Wire w = peer.fromPeer(ACK, peer.stackNext + 5000).data(10);
        peer.send(w);
        // RFC 9293 3.10.7.4 fifth step: SEG.ACK > SND.NXT: send an ACK, drop the segment (its data too)
        peer.expectAck(peer.peerNext);
        assertEquals(-Errno.EAGAIN, s.read(new byte[20], 0, 20));
    }

    @Test
    void ackOlderThanAnyWindowIsChallenged() {
        TcpSocket s = peer.acceptedPlain();
        s.write(new byte[100], 0, 100);
        peer.expectData(100);
        peer.sendAck(peer.stackNext, 65535);
        // RFC 5961 5.2: SEG.ACK < SND.UNA - MAX.SND.WND is unacceptable
        Wire w = peer.fromPeer(ACK, peer.stackNext - 200_000).data(10);
        peer.send(w);
        peer.expectAck(peer.peerNext);
        assertEquals(-Errno.EAGAIN, s.read(new byte[20], 0, 20), "the data of such a segment is dropped");
    }

    @Test
    void challengeAcksAreRateLimited() {
        peer.acceptedPlain();
        int limit = TcpLayer.CHALLENGE_ACK_LIMIT;
        for (int i = 0; i < limit + 50; i++) {
            peer.send(Wire.seg(RST).seq(peer.peerNext + 1 + i));
        }
        assertEquals(limit, peer.emitted.size(), "RFC 5961 7: at most the limit per second");
        peer.emitted.clear();
        peer.advance(1000);
        peer.send(Wire.seg(RST).seq(peer.peerNext + 1));
        peer.expect(ACK);
    }

    @Test
    void resetInCloseWaitReportsBrokenPipe() {
        TcpSocket s = peer.acceptedPlain();
        peer.send(peer.fromPeer(FIN, peer.stackNext));
        peer.peerNext++;
        peer.expectAck(peer.peerNext);
        peer.send(Wire.seg(RST).seq(peer.peerNext));
        assertEquals(-Errno.EPIPE, s.write(new byte[1], 0, 1));
    }

    @Test
    void resetInSynReceivedReturnsTheListenerToListen() {
        TcpSocket l = peer.listen(4);
        peer.send(Wire.seg(SYN).seq(1000).mss(1000));
        peer.expect(SYN | ACK);
        peer.send(Wire.seg(RST).seq(1001));
        assertEquals(0, peer.tcp.connectionCount());
        assertEquals(TcpState.LISTEN, l.state());
        peer.send(Wire.seg(SYN).seq(5000).mss(1000));
        peer.expect(SYN | ACK);
    }

    @Test
    void resetInListenIsIgnored() {
        TcpSocket l = peer.listen(4);
        peer.send(Wire.seg(RST).seq(1234));
        peer.send(Wire.seg(RST | ACK).seq(1234).ack(99));
        peer.expectNothing();
        assertEquals(TcpState.LISTEN, l.state());
        assertEquals(2, peer.tcp.counters().drops(DropReason.TCP_RST_IGNORED));
    }

    @Test
    void exactResetEndsTimeWaitAsInLinux() {
        TcpSocket s = peer.acceptedPlain();
        s.close();
        peer.expect(FIN | ACK);
        peer.stackNext++;
        peer.sendAck(peer.stackNext, 65535);
        peer.send(peer.fromPeer(FIN, peer.stackNext));
        peer.peerNext++;
        peer.expectAck(peer.peerNext);
        assertEquals(1, peer.tcp.connectionCount());
        // Linux (tcp_rfc1337=0) lets a reset end TIME-WAIT; RFC 1337 would ignore it
        peer.send(Wire.seg(RST).seq(peer.peerNext));
        assertEquals(0, peer.tcp.connectionCount());
    }

    @Test
    void ackInSynReceivedThatIsNotForOurSynIsReset() {
        peer.listen(4);
        peer.send(Wire.seg(SYN).seq(1000).mss(1000));
        Wire synAck = peer.expect(SYN | ACK);
        peer.send(Wire.seg(ACK).seq(1001).ack(synAck.seq + 77));
        peer.expect(RST, synAck.seq + 77, 0);
    }

    @Test
    void pawsDropsASegmentWithAnOldTimestamp() {
        TcpSocket s = peer.accepted(Wire.seg(SYN).win(65535).mss(1000).ts(0, 0));
        Wire good = peer.sendData(10);
        peer.expectAck(peer.peerNext);
        // RFC 7323 5.3: TSval older than TS.Recent: not acceptable, send an ACK, drop
        Wire old = peer.fromPeer(ACK, peer.stackNext).data(10);
        old.tsVal = 50;
        peer.send(old);
        Wire dup = peer.expectAck(peer.peerNext);
        assertEquals(good.tsVal, dup.tsEcr, "TS.Recent unchanged by the rejected segment");
        assertEquals(1, peer.tcp.counters().drops(DropReason.TCP_PAWS_REJECTED));
        byte[] b = new byte[100];
        assertEquals(10, s.read(b, 0, 100), "only the first segment's data");
        // a reset is exempt from PAWS (RFC 7323 5.3 R1 applies to non-RST segments)
        Wire rst = Wire.seg(RST).seq(peer.peerNext).ts(1, 0);
        peer.send(rst);
        assertEquals(TcpState.CLOSED, s.state());
    }

    @Test
    void duplicateDataIsAckedWithADsack() {
        TcpSocket s = peer.accepted(Wire.seg(SYN).win(65535).mss(1000).sackOk());
        Wire first = peer.sendData(100);
        peer.expectAck(peer.peerNext);
        peer.send(first);
        Wire ack = peer.expectAck(peer.peerNext);
        assertEquals(1, ack.sacks.size(), "RFC 2883: the duplicate is reported");
        assertArrayEquals(new int[] {first.seq, first.seq + 100}, ack.sacks.get(0));
        assertEquals(100, s.read(new byte[300], 0, 300));
    }
}
