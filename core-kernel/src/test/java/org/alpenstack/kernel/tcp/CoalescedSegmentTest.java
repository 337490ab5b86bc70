package org.alpenstack.kernel.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A TCP super-packet the link driver coalesced from a local sender's TSO frame (GRO/LRO, Linux's
 * receiver does the same) is one segment to TCP: taken whole, ACKed at once because it is worth
 * many full-sized segments (RFC 5681 4.2 "at least every second full-sized segment", measured in
 * bytes), and counted in tcpi_segs_in as the wire segments it stands for (Linux tcp_segs_in adds
 * max(1, gso_segs)).
 */
class CoalescedSegmentTest {
    private final ScriptedPeer peer = new ScriptedPeer(ScriptedPeer.bigReceiveBuffers());

    @AfterEach
    void noLeaks() {
        peer.close();
    }

    private static int drain(TcpSocket s) {
        byte[] sink = new byte[1 << 17];
        int n = s.read(sink, 0, sink.length);
        return Math.max(n, 0);
    }

    @Test
    void a64KiBSuperSegmentIsTakenWholeAckedAtOnceAndCountedAsWireSegments() {
        TcpSocket s = peer.acceptedPastQuickAcks();
        long segsBefore = s.info().segsIn();
        long layerBefore = peer.tcp.counters().segmentsIn;
        peer.receivedGsoSize = 1000;
        Wire w = peer.sendData(64_000);
        peer.receivedGsoSize = 0;
        // Immediate ACK for all of it: 64 full-sized segments' worth, not a delayed ACK.
        peer.expectAck(peer.peerNext);
        peer.expectNothing();
        byte[] got = new byte[64_000];
        assertEquals(64_000, s.read(got, 0, got.length));
        assertArrayEquals(w.data, got, "the bytes of the one segment, in order");
        assertEquals(64, s.info().segsIn() - segsBefore, "tcpi_segs_in counts wire segments");
        assertEquals(1, peer.tcp.counters().segmentsIn - layerBefore, "one packet reached TCP");
    }

    @Test
    void aPartialLastWireSegmentCountsToo() {
        TcpSocket s = peer.acceptedPastQuickAcks();
        long segsBefore = s.info().segsIn();
        peer.receivedGsoSize = 1000;
        peer.sendData(2_500);
        peer.receivedGsoSize = 0;
        assertEquals(3, s.info().segsIn() - segsBefore, "ceil(2500 / 1000)");
        peer.expectAck(peer.peerNext);
    }

    @Test
    void aSuperSegmentBeyondAHoleIsHeldAndSackedThenJoinsUp() {
        TcpSocket s = peer.acceptedPastQuickAcks();
        int hole = peer.peerNext;
        peer.peerNext += 1000; // the peer's first 1000 bytes are "lost"
        peer.receivedGsoSize = 1000;
        peer.sendData(30_000);
        peer.receivedGsoSize = 0;
        Wire dup = peer.expectAck(hole);
        assertEquals(1, dup.sacks.size(), "RFC 2018 4: the held block is reported");
        assertEquals(hole + 1000, dup.sacks.get(0)[0]);
        assertEquals(peer.peerNext, dup.sacks.get(0)[1]);
        int end = peer.peerNext;
        peer.peerNext = hole;
        peer.sendData(1000);
        peer.peerNext = end;
        peer.expectAck(end);
        assertEquals(31_000, drain(s));
    }

    @Test
    void plainSegmentsAreStillOneEach() {
        TcpSocket s = peer.acceptedPastQuickAcks();
        long segsBefore = s.info().segsIn();
        for (int i = 0; i < 4; i++) {
            peer.sendData(1000);
        }
        assertEquals(4, s.info().segsIn() - segsBefore);
        assertEquals(2, peer.emitted.size(), "every second full-sized segment");
        peer.emitted.clear();
        peer.sendData(1000);
        peer.expectNothing();
    }
}
