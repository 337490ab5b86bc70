package org.alpenstack.kernel.tcp;

import static org.alpenstack.kernel.tcp.Wire.seg;
import static org.alpenstack.kernel.wire.TcpFlags.ACK;
import static org.alpenstack.kernel.wire.TcpFlags.RST;
import static org.alpenstack.kernel.wire.TcpFlags.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.socket.Readiness;
import org.alpenstack.kernel.wire.TcpFlags;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Connection establishment, RFC 9293 3.5, with option negotiation (RFC 9293 3.7.1, RFC 7323, RFC 2018). */
class HandshakeTest {
    private final ScriptedPeer peer = new ScriptedPeer();

    @AfterEach
    void noLeaks() {
        peer.close();
    }

    @Test
    void passiveOpenNegotiatesEveryOptionThePeerOffers() {
        TcpSocket l = peer.listen(8);
        peer.send(seg(SYN).seq(1000).win(29200).mss(1460).wscale(7).sackOk().ts(5000, 0));
        Wire synAck = peer.expect(SYN | ACK);
        assertEquals(1001, synAck.ack);
        assertEquals(1460, synAck.mss, "MSS = route MTU 1500 - 40");
        assertTrue(synAck.wscale >= 0, "window scale answered");
        assertTrue(synAck.sackOk);
        assertTrue(synAck.ts);
        assertEquals(5000, synAck.tsEcr, "TSecr echoes the SYN's TSval");
        assertNull(l.accept(), "not established yet");
        assertEquals(-Errno.EAGAIN, l.acceptError());
        assertEquals(0, l.readiness());

        peer.send(seg(ACK).seq(1001).ack(synAck.seq + 1).win(229).ts(5001, synAck.tsVal));
        peer.expectNothing();
        assertEquals(Readiness.POLLIN, l.readiness());
        TcpSocket s = l.accept();
        assertNotNull(s);
        assertEquals(TcpState.ESTABLISHED, s.state());
        assertEquals(new InetEndpoint(ScriptedPeer.PEER_ADDR, 40000), s.remoteEndpoint());
        assertEquals(new InetEndpoint(ScriptedPeer.STACK_ADDR, 80), s.localEndpoint());
        assertEquals(1460 - 12, s.getOption(TcpSocket.SOL_TCP, TcpSocket.TCP_MAXSEG), "MSS less the timestamp option");
        assertEquals(Readiness.POLLOUT, s.readiness());
    }

    @Test
    void optionsThePeerDidNotOfferAreNotUsed() {
        TcpSocket l = peer.listen(8);
        peer.send(seg(SYN).seq(1000).win(8192));
        Wire synAck = peer.expect(SYN | ACK);
        assertEquals(-1, synAck.wscale, "RFC 7323 2.2: no WS option unless the SYN had one");
        assertTrue(!synAck.sackOk && !synAck.ts);
        peer.send(seg(ACK).seq(1001).ack(synAck.seq + 1).win(8192));
        TcpSocket s = l.accept();
        assertEquals(536, s.getOption(TcpSocket.SOL_TCP, TcpSocket.TCP_MAXSEG), "RFC 9293 3.7.1: default send MSS 536");
        // data segments carry no options at all
        s.write(new byte[10], 0, 10);
        Wire d = peer.expect(ACK | TcpFlags.PSH);
        assertTrue(!d.ts && d.sacks.isEmpty());
    }

    @Test
    void activeOpenSendsSynWithOptionsAndCompletesOnSynAck() {
        TcpSocket s = peer.socket();
        assertEquals(-Errno.EINPROGRESS, s.connect(new InetEndpoint(ScriptedPeer.PEER_ADDR, 40000)));
        Wire syn = peer.expect(SYN);
        assertEquals(1460, syn.mss);
        assertTrue(syn.wscale >= 0 && syn.sackOk && syn.ts);
        assertTrue(syn.srcPort >= TcpLayer.EPHEMERAL_LOW && syn.srcPort <= TcpLayer.EPHEMERAL_HIGH);
        assertEquals(TcpState.SYN_SENT, s.state());
        assertEquals(0, s.readiness() & Readiness.POLLOUT, "no POLLOUT while connecting");
        assertEquals(-Errno.EALREADY, s.connect(new InetEndpoint(ScriptedPeer.PEER_ADDR, 40000)));
        assertNull(s.remoteEndpoint(), "getpeername: ENOTCONN in SYN-SENT");

        peer.stackPort = syn.srcPort;
        peer.send(seg(SYN | ACK).seq(7000).ack(syn.seq + 1).win(65535).mss(1400).wscale(2).sackOk().ts(100, syn.tsVal));
        Wire ack = peer.expect(ACK, syn.seq + 1, 7001);
        assertTrue(ack.ts);
        assertEquals(100, ack.tsEcr);
        assertEquals(TcpState.ESTABLISHED, s.state());
        assertTrue((s.readiness() & Readiness.POLLOUT) != 0);
        assertEquals(0, s.takeError());
        assertEquals(0, s.connect(new InetEndpoint(ScriptedPeer.PEER_ADDR, 40000)), "Linux: the first connect() after completion returns 0");
        assertEquals(-Errno.EISCONN, s.connect(new InetEndpoint(ScriptedPeer.PEER_ADDR, 40000)));
        assertEquals(1400 - 12, s.getOption(TcpSocket.SOL_TCP, TcpSocket.TCP_MAXSEG));
    }

    @Test
    void resetAnsweringOurSynRefusesTheConnection() {
        TcpSocket s = peer.socket();
        s.connect(new InetEndpoint(ScriptedPeer.PEER_ADDR, 40000));
        Wire syn = peer.expect(SYN);
        peer.stackPort = syn.srcPort;
        // RFC 9293 3.10.7.3: a RST without an acceptable ACK is ignored ...
        peer.send(seg(RST).seq(0));
        assertEquals(TcpState.SYN_SENT, s.state());
        // ... one acknowledging our SYN refuses the connection
        peer.send(seg(RST | ACK).seq(0).ack(syn.seq + 1));
        assertEquals(TcpState.CLOSED, s.state());
        assertTrue((s.readiness() & Readiness.POLLERR) != 0);
        assertEquals(-Errno.ECONNREFUSED, s.connect(new InetEndpoint(ScriptedPeer.PEER_ADDR, 40000)));
        peer.expectNothing();
    }

    @Test
    void synSentAnswersAnUnacceptableAckWithAReset() {
        TcpSocket s = peer.socket();
        s.connect(new InetEndpoint(ScriptedPeer.PEER_ADDR, 40000));
        Wire syn = peer.expect(SYN);
        peer.stackPort = syn.srcPort;
        peer.send(seg(SYN | ACK).seq(7000).ack(syn.seq + 5));
        peer.expect(RST, syn.seq + 5, 0);
        assertEquals(TcpState.SYN_SENT, s.state());
    }

    @Test
    void simultaneousOpen() {
        TcpSocket s = peer.socket();
        s.connect(new InetEndpoint(ScriptedPeer.PEER_ADDR, 40000));
        Wire syn = peer.expect(SYN);
        peer.stackPort = syn.srcPort;
        // RFC 9293 figure 8: the peer's SYN crosses ours
        peer.send(seg(SYN).seq(3000).win(65535).mss(1460));
        Wire synAck = peer.expect(SYN | ACK, syn.seq, 3001);
        assertEquals(TcpState.SYN_RECEIVED, s.state());
        peer.send(seg(SYN | ACK).seq(3000).ack(syn.seq + 1).win(65535).mss(1460));
        // the SYN-ACK is an old SYN in SYN-RECEIVED ... the ACK part completes it
        peer.send(seg(ACK).seq(3001).ack(syn.seq + 1).win(65535));
        assertEquals(TcpState.ESTABLISHED, s.state());
        assertEquals(0, s.connect(new InetEndpoint(ScriptedPeer.PEER_ADDR, 40000)));
        assertTrue(synAck.mss > 0);
    }

    @Test
    void synRetransmissionsBackOffExponentiallyThenTimeOut() {
        TcpSocket s = peer.socket();
        s.connect(new InetEndpoint(ScriptedPeer.PEER_ADDR, 40000));
        Wire syn = peer.expect(SYN);
        // RFC 6298 2.1 initial RTO 1 s, doubled each time (5.5); Linux tcp_syn_retries = 6
        long[] expectedGaps = {1000, 2000, 4000, 8000, 16000, 32000};
        for (long gap : expectedGaps) {
            long waited = peer.advanceUntilEmitted(200_000);
            assertEquals(gap, waited);
            Wire again = peer.expect(SYN);
            assertEquals(syn.seq, again.seq);
        }
        peer.advance(63_999);
        assertEquals(TcpState.SYN_SENT, s.state());
        peer.advance(1);
        assertEquals(TcpState.CLOSED, s.state());
        peer.expectNothing();
        assertEquals(Errno.ETIMEDOUT, s.getOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_ERROR));
    }

    @Test
    void synToAClosedPortIsAnsweredWithResetAck() {
        peer.send(seg(SYN).seq(1000).data(0));
        peer.expect(RST | ACK, 0, 1001);
        // RFC 9293 3.10.7.1: an ACK is answered <SEQ=SEG.ACK><CTL=RST>
        peer.send(seg(ACK).seq(1001).ack(555));
        peer.expect(RST, 555, 0);
        // and a reset never with a reset
        peer.send(seg(RST).seq(1001));
        peer.expectNothing();
        assertEquals(2, peer.tcp.counters().resetsSent);
    }

    @Test
    void retransmittedSynInSynReceivedGetsTheSynAckAgain() {
        peer.listen(8);
        peer.send(seg(SYN).seq(1000).mss(1460));
        Wire first = peer.expect(SYN | ACK);
        peer.send(seg(SYN).seq(1000).mss(1460));
        Wire again = peer.expect(SYN | ACK);
        assertEquals(first.seq, again.seq);
        assertEquals(1001, again.ack);
    }

    @Test
    void synAckIsRetransmittedWhenTheFinalAckIsLost() {
        peer.listen(8);
        peer.send(seg(SYN).seq(1000).mss(1460));
        Wire first = peer.expect(SYN | ACK);
        assertEquals(1000, peer.advanceUntilEmitted(5000));
        assertEquals(first.seq, peer.expect(SYN | ACK).seq);
        assertEquals(2000, peer.advanceUntilEmitted(5000));
        peer.expect(SYN | ACK);
    }

    @Test
    void ecnSetupSynIsNeverRefused() {
        peer.tunables.set("ecn", 0L);
        peer.listen(8);
        // RFC 3168 6.1.1: ECE|CWR on a SYN asks for ECN; with ECN off, answer without ECE, never reset
        peer.send(seg(SYN | TcpFlags.ECE | TcpFlags.CWR).seq(1000).mss(1460));
        Wire synAck = peer.expect(SYN | ACK);
        assertEquals(1001, synAck.ack);
    }
}
