package org.alpenstack.kernel.tcp;

import static org.alpenstack.kernel.wire.TcpFlags.ACK;
import static org.alpenstack.kernel.wire.TcpFlags.CWR;
import static org.alpenstack.kernel.wire.TcpFlags.ECE;
import static org.alpenstack.kernel.wire.TcpFlags.PSH;
import static org.alpenstack.kernel.wire.TcpFlags.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RFC 3168 ECN: negotiation, ECT on new data, CE echoed with ECE until CWR, one reduction per window. */
class EcnTest {
    private final ScriptedPeer peer = new ScriptedPeer();

    @AfterEach
    void noLeaks() {
        peer.close();
    }

    private TcpSocket ecnConnection() {
        return peer.accepted(Wire.seg(SYN | ECE | CWR).win(65535).mss(1000));
    }

    @Test
    void anEcnSetupSynIsAcceptedByDefault() {
        peer.listen(4);
        peer.send(Wire.seg(SYN | ECE | CWR).seq(1000).mss(1000));
        Wire synAck = peer.expect(SYN | ACK | ECE);
        assertEquals(0, synAck.ipTos, "SYN-ACKs are not ECN-capable (RFC 3168 6.1.1)");
    }

    @Test
    void withEcnOffTheSynAckSaysNothing() {
        peer.tunables.set("ecn", 0L);
        peer.listen(4);
        peer.send(Wire.seg(SYN | ECE | CWR).seq(1000).mss(1000));
        peer.expect(SYN | ACK);
    }

    @Test
    void newDataIsEct0ButAcksAndRetransmissionsAreNot() {
        TcpSocket s = ecnConnection();
        s.write(new byte[100], 0, 100);
        Wire d = peer.expectData(100);
        assertEquals(TcpEcn.ECT0, d.ipTos);
        assertEquals(200, peer.advanceUntilEmitted(1000));
        Wire r = peer.expect(ACK | PSH);
        assertEquals(0, r.ipTos, "Linux tcp_ecn_send: no ECT on a retransmission");
        peer.sendData(10);
        assertEquals(0, peer.expect(ACK).ipTos);
    }

    @Test
    void aCeMarkIsEchoedUntilTheSenderSaysCwr() {
        ecnConnection();
        Wire ce = peer.fromPeer(ACK, peer.stackNext).data(100);
        ce.ipTos = TcpEcn.CE;
        peer.send(ce);
        peer.peerNext += 100;
        assertEquals(peer.peerNext, peer.expect(ACK | ECE).ack);
        peer.sendData(100);
        assertEquals(peer.peerNext, peer.expect(ACK | ECE).ack, "ECE on every ACK until CWR");
        Wire cwr = peer.fromPeer(ACK | CWR, peer.stackNext).data(100);
        peer.send(cwr);
        peer.peerNext += 100;
        Wire after = peer.expectAck(peer.peerNext);
        assertEquals(0, after.flags & ECE);
    }

    @Test
    void eceReducesTheWindowOncePerWindowAndTheNextDataSaysCwr() {
        TcpSocket s = ecnConnection();
        s.write(new byte[5000], 0, 5000);
        for (int i = 0; i < 5; i++) {
            peer.expectData(1000);
        }
        int cwndBefore = s.info().cwndBytes();
        peer.send(peer.fromPeer(ACK | ECE, peer.stackNext - 4000));
        int cwndAfter = s.info().cwndBytes();
        assertTrue(cwndAfter < cwndBefore, cwndBefore + " -> " + cwndAfter);
        peer.send(peer.fromPeer(ACK | ECE, peer.stackNext - 3000));
        assertEquals(1, peer.tcp.counters().ecnReductions, "at most once per window of data");
        peer.emitted.clear();
        s.write(new byte[10], 0, 10);
        peer.send(peer.fromPeer(ACK, peer.stackNext));
        Wire next = peer.emitted.stream().filter(w -> w.len() > 0).findFirst().orElseThrow();
        assertTrue(next.has(CWR), "RFC 3168 6.1.2: CWR on the first new data after the reduction");
    }

    @Test
    void anActiveOpenRequestsEcnWhenTold() {
        peer.tunables.set("ecn", 1L);
        TcpSocket s = peer.socket();
        assertEquals(-Errno.EINPROGRESS, s.connect(new InetEndpoint(ScriptedPeer.PEER_ADDR, 40000)));
        Wire syn = peer.expect(SYN | ECE | CWR);
        peer.stackPort = syn.srcPort;
        peer.send(Wire.seg(SYN | ACK | ECE).seq(7000).ack(syn.seq + 1).win(65535).mss(1000));
        peer.expect(ACK);
        s.write(new byte[10], 0, 10);
        assertEquals(TcpEcn.ECT0, peer.expect(ACK | PSH).ipTos);
    }
}
