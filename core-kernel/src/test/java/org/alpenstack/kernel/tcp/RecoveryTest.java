package org.alpenstack.kernel.tcp;

import static org.alpenstack.kernel.wire.TcpFlags.ACK;
import static org.alpenstack.kernel.wire.TcpFlags.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.alpenstack.kernel.wire.TcpFlags;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Loss recovery by ACKs: RFC 5681 fast retransmit, RFC 6582 NewReno, RFC 6675 SACK recovery. */
class RecoveryTest {
    private final ScriptedPeer peer = new ScriptedPeer();

    @AfterEach
    void noLeaks() {
        peer.close();
    }

    /** Writes ten 1000-byte segments (the RFC 6928 initial window) and returns their first sequence number. */
    private int tenSegmentsInFlight(TcpSocket s) {
        assertEquals(10_000, s.write(new byte[10_000], 0, 10_000));
        int base = peer.stackNext;
        for (int i = 0; i < 10; i++) {
            peer.expectData(1000);
        }
        peer.expectNothing();
        return base;
    }

    private void dupAck(int ack) {
        peer.send(peer.fromPeer(ACK, ack));
    }

    private void dupAck(int ack, int... sackEdges) {
        Wire w = peer.fromPeer(ACK, ack);
        for (int i = 0; i < sackEdges.length; i += 2) {
            w.sack(sackEdges[i], sackEdges[i + 1]);
        }
        peer.send(w);
    }

    @Test
    void thirdDuplicateAckTriggersFastRetransmit() {
        TcpSocket s = peer.acceptedPlain();
        int base = tenSegmentsInFlight(s);
        peer.sendAck(base + 1000, 65535);
        dupAck(base + 1000);
        dupAck(base + 1000);
        peer.expectNothing();
        dupAck(base + 1000);
        Wire r = peer.expect(ACK);
        assertEquals(base + 1000, r.seq, "RFC 5681 3.2: the segment after the cumulative ACK, at once");
        assertEquals(1000, r.len());
        assertEquals(1, peer.tcp.counters().fastRetransmits);
        for (int i = 0; i < 5; i++) {
            dupAck(base + 1000);
        }
        peer.sendAck(base + 10_000, 65535);
        peer.expectNothing();
        assertEquals(0, peer.tcp.counters().retransmitTimeouts);
    }

    @Test
    void newRenoPartialAckRetransmitsTheNextHoleAtOnce() {
        TcpSocket s = peer.acceptedPlain();
        s.setCongestion("newreno");
        int base = tenSegmentsInFlight(s);
        // segments 1 and 4 are lost
        peer.sendAck(base + 1000, 65535);
        for (int i = 0; i < 3; i++) {
            dupAck(base + 1000);
        }
        assertEquals(base + 1000, peer.expect(ACK).seq);
        for (int i = 0; i < 4; i++) {
            dupAck(base + 1000);
        }
        // the retransmission fills the first hole: partial ACK up to the second (RFC 6582 3.2 step 5)
        peer.sendAck(base + 4000, 65535);
        Wire r = peer.expect(ACK);
        assertEquals(base + 4000, r.seq);
        peer.sendAck(base + 10_000, 65535);
        peer.expectNothing();
        assertEquals(1, peer.tcp.counters().fastRetransmits, "one recovery episode for both losses");
    }

    @Test
    void sackRecoveryRetransmitsOnlyTheHoles() {
        TcpSocket s = peer.accepted(Wire.seg(SYN).win(65535).mss(1000).sackOk());
        int base = tenSegmentsInFlight(s);
        int a = base + 1000;
        // segment 0 arrives, 1 is lost, 2-3 arrive, 4 is lost, 5-9 arrive
        peer.sendAck(a, 65535);
        dupAck(a, base + 2000, base + 3000);
        dupAck(a, base + 2000, base + 4000);
        dupAck(a, base + 5000, base + 6000, base + 2000, base + 4000);
        dupAck(a, base + 5000, base + 7000, base + 2000, base + 4000);
        dupAck(a, base + 5000, base + 8000, base + 2000, base + 4000);
        dupAck(a, base + 5000, base + 9000, base + 2000, base + 4000);
        dupAck(a, base + 5000, base + 10_000, base + 2000, base + 4000);
        List<Integer> retransmitted = new ArrayList<>();
        Wire w;
        while ((w = peer.emitted.poll()) != null) {
            if (w.len() > 0) {
                retransmitted.add(w.seq - base);
            }
        }
        // RFC 6675: the two holes, each once. Rule (4) allows one "rescue" retransmission of the
        // highest segment not SACKed at that moment (9000 before the last SACK covered it), and nothing else.
        assertEquals(List.of(1000, 4000), retransmitted.subList(0, 2), "holes first: " + retransmitted);
        assertTrue(retransmitted.size() == 2 || retransmitted.size() == 3 && retransmitted.get(2) == 9000,
                "only the holes and at most one rescue: " + retransmitted);
        peer.sendAck(base + 10_000, 65535);
        peer.expectNothing();
        assertTrue(peer.tcp.counters().fastRetransmits >= 1);
        assertEquals(0, peer.tcp.counters().retransmitTimeouts);
    }

    @Test
    void aLostTailIsProbedLongBeforeTheRetransmissionTimeout() {
        TcpSocket s = peer.accepted(Wire.seg(SYN).win(65535).mss(1000).sackOk());
        assertEquals(3000, s.write(new byte[3000], 0, 3000));
        int base = peer.stackNext;
        peer.expectData(1000);
        peer.expectData(1000);
        peer.expectData(1000);
        peer.sendAck(base + 1000, 65535);
        // RFC 8985 7.2: PTO = 2*SRTT (+2 ms with more than one segment out), far below the 200 ms RTO
        long waited = peer.advanceUntilEmitted(1000);
        assertTrue(waited < 10, "probe after " + waited + " ms");
        Wire probe = peer.expect(ACK | TcpFlags.PSH);
        assertEquals(base + 2000, probe.seq, "no new data: the highest segment is sent again");
        assertEquals(1000, probe.len());
        assertEquals(1, peer.tcp.counters().tailLossProbes);
        // one probe per tail: next comes the RTO
        assertTrue(peer.advanceUntilEmitted(1000) >= 150);
    }

    @Test
    void theProbeCarriesNewDataWhenThereIsSome() {
        TcpSocket s = peer.accepted(Wire.seg(SYN).win(65535).mss(1000).sackOk());
        assertEquals(12_000, s.write(new byte[12_000], 0, 12_000));
        int base = peer.stackNext;
        for (int i = 0; i < 10; i++) {
            peer.expectData(1000);
        }
        peer.expectNothing();
        // the congestion window is full and nothing comes back: the probe is the next new segment
        assertTrue(peer.advanceUntilEmitted(1000) < 10);
        Wire probe = peer.expect(ACK);
        assertEquals(base + 10_000, probe.seq);
    }

    @Test
    void noProbeWithoutSack() {
        TcpSocket s = peer.acceptedPlain();
        s.write(new byte[3000], 0, 3000);
        for (int i = 0; i < 3; i++) {
            peer.expectData(1000);
        }
        assertEquals(200, peer.advanceUntilEmitted(1000), "as in Linux, TLP needs SACK; the RTO acts");
        assertEquals(0, peer.tcp.counters().tailLossProbes);
    }

    @Test
    void retransmissionTimeoutGoesBackToSndUnaWithOneSegment() {
        TcpSocket s = peer.acceptedPlain();
        int base = tenSegmentsInFlight(s);
        assertEquals(200, peer.advanceUntilEmitted(1000));
        Wire r = peer.expect(ACK);
        assertEquals(base, r.seq);
        peer.expectNothing();
        // the ACK clock restarts in slow start from one segment (RFC 5681 3.1)
        peer.sendAck(base + 1000, 65535);
        assertEquals(base + 1000, peer.expect(ACK).seq);
        assertEquals(base + 2000, peer.expect(ACK).seq);
        peer.expectNothing();
    }
}
