package org.alpenstack.kernel.tcp;

import static org.alpenstack.kernel.wire.TcpFlags.ACK;
import static org.alpenstack.kernel.wire.TcpFlags.PSH;
import static org.alpenstack.kernel.wire.TcpFlags.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.alpenstack.kernel.link.Link;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TCP segmentation offload on the sending side: super-segments of several MSS towards a path
 * that offers TSO, sized as Linux's tcp_tso_autosize and bounded by the congestion and peer
 * windows and by Nagle; the rest of the engine counts them as the MSS segments they become
 * (windows, SACK, retransmission of a part, segment counters). Manual clock, scripted peer.
 */
class TsoTest {
    private static final int TSO = Link.OFFLOAD_TSO | Link.OFFLOAD_TX_CHECKSUM;
    private final ScriptedPeer peer = new ScriptedPeer(bigSendBuffer());

    private static TcpTunables bigSendBuffer() {
        TcpTunables t = new TcpTunables();
        t.setWmemMax(1 << 20);
        t.setWmemDefault(1 << 20);
        return t;
    }

    @AfterEach
    void noLeaks() {
        peer.close();
    }

    private TcpSocket accepted(int offloads, boolean sack) {
        peer.txOffloads = offloads;
        Wire syn = Wire.seg(SYN).seq(1000).win(65535).mss(1000);
        if (sack) {
            syn.sackOk();
        }
        return peer.accepted(syn);
    }

    private void write(TcpSocket s, int n) {
        assertEquals(n, s.write(new byte[n], 0, n));
    }

    @Test
    void theInitialWindowLeavesAsOneSuperSegmentCountedAsItsWireSegments() {
        TcpSocket s = accepted(TSO, false);
        long before = peer.tcp.counters().segmentsOut;
        write(s, 30_000);
        // RFC 6928: ten segments of 1000 bytes may go; they go as one, cut by the link.
        Wire w = peer.expectData(10_000);
        assertEquals(1000, w.gsoSize, "wire segments of one MSS");
        assertEquals(ACK, w.flags & ~PSH);
        assertEquals(0, w.flags & PSH, "PSH only where the queued data ends");
        peer.expectNothing();
        assertEquals(10, peer.tcp.counters().segmentsOut - before, "counted as the ten segments the peer sees");
        // One ACK for all of it: slow start grows cwnd by bytes (RFC 3465 L = 2 SMSS), and the next
        // super-segment is as large as the window in bytes, whatever the number of ACKs.
        peer.sendAck(peer.stackNext, 65535);
        Wire next = peer.expectData(12_000);
        assertEquals(1000, next.gsoSize);
        peer.expectNothing();
    }

    @Test
    void withoutTsoTheSameWindowLeavesAsMssSegments() {
        TcpSocket s = accepted(0, false);
        write(s, 30_000);
        for (int i = 0; i < 10; i++) {
            assertEquals(0, peer.expectData(1000).gsoSize);
        }
        peer.expectNothing();
    }

    @Test
    void checksumOffloadAloneLeavesTheSumToTheLinkSegmentBySegment() {
        // ScriptedPeer checks the pseudo-header sum in the field and completes it before decoding.
        TcpSocket s = accepted(Link.OFFLOAD_TX_CHECKSUM, false);
        write(s, 3_500);
        peer.expectData(1000);
        peer.expectData(1000);
        peer.expectData(1000);
        peer.expectData(500);
        peer.expectNothing();
    }

    @Test
    void aShortTailRidesAlongOnlyWhenNagleWouldSendIt() {
        TcpSocket s = accepted(TSO, false);
        write(s, 5_500);
        Wire w = peer.expectData(5_500);
        assertEquals(1000, w.gsoSize);
        assertEquals(PSH, w.flags & PSH, "the end of the queued data");
        // The super-segment ended short: Minshall's rule now holds back the next short write.
        write(s, 1_500);
        Wire full = peer.expectData(1000);
        assertEquals(0, full.gsoSize, "one full segment is no super-segment");
        peer.expectNothing();
        peer.sendAck(peer.stackNext, 65535);
        peer.expectData(500);
        peer.expectNothing();
    }

    @Test
    void thePeersWindowBoundsASuperSegmentToWholeSegments() {
        TcpSocket s = accepted(TSO, false);
        // The peer's window is 5500 bytes: five whole segments go, the rest waits (sender SWS).
        peer.sendAck(peer.stackNext, 5_500);
        write(s, 20_000);
        Wire w = peer.expectData(5_000);
        assertEquals(1000, w.gsoSize);
        peer.expectNothing();
    }

    @Test
    void autosizeSendsAboutAMillisecondOfThePacingRate() {
        TcpSocket s = accepted(TSO, false);
        write(s, 60_000);
        peer.expectData(10_000);
        // A 100 ms path: cwnd / SRTT is about 120 kB/s, so a millisecond is less than two
        // segments and the floor of two segments per super-segment applies (tcp_tso_autosize).
        peer.advance(100);
        peer.sendAck(peer.stackNext, 65535);
        int sent = 0;
        Wire w;
        while ((w = peer.emitted.poll()) != null) {
            assertEquals(2_000, w.len(), "two MSS per super-segment on a slow path: " + w);
            assertEquals(1000, w.gsoSize);
            sent += w.len();
        }
        assertEquals(12_000, sent, "the whole congestion window still goes");
    }

    @Test
    void aLostSegmentInsideASuperSegmentIsRetransmittedAloneAsOneMss() {
        TcpSocket s = accepted(TSO, true);
        write(s, 10_000);
        int base = peer.stackNext;
        assertEquals(1000, peer.expectData(10_000).gsoSize);
        // The first wire segment of the super-segment was lost; the peer SACKs the rest, which
        // the scoreboard reasons about in bytes (RFC 6675 IsLost: DupThresh x SMSS above it).
        for (int k = 2; k <= 4; k++) {
            Wire d = peer.fromPeer(ACK, base);
            d.sack(base + 1000, base + k * 1000);
            peer.send(d);
        }
        Wire r = peer.expect(ACK);
        assertEquals(base, r.seq, "the hole");
        assertEquals(1000, r.len(), "one MSS, not the super-segment");
        assertEquals(0, r.gsoSize);
        assertEquals(1, peer.tcp.counters().retransmittedSegments);
    }

    @Test
    void aRetransmissionTimeoutResendsMssSegments() {
        TcpSocket s = accepted(TSO, false);
        write(s, 10_000);
        int base = peer.stackNext;
        peer.expectData(10_000);
        assertTrue(peer.advanceUntilEmitted(5_000) < 5_000, "the RTO fires");
        Wire r = peer.expect(ACK);
        assertEquals(base, r.seq);
        assertEquals(1000, r.len(), "go-back-N from SND.UNA (cwnd is one segment)");
        assertEquals(0, r.gsoSize);
        peer.expectNothing();
        // The window opens again while SND.NXT is still below SND.MAX: retransmissions stay MSS-sized.
        peer.sendAck(base + 1000, 65535);
        int resent = 0;
        Wire w;
        while ((w = peer.emitted.poll()) != null) {
            assertEquals(1000, w.len(), "retransmitted one MSS at a time: " + w);
            assertEquals(0, w.gsoSize);
            resent++;
        }
        assertTrue(resent >= 2, "slow start after the timeout sent " + resent);
    }

    @Test
    void sackBlocksShrinkEachWireSegmentNotTheSuperSegment() {
        TcpSocket s = accepted(TSO, true);
        // Out-of-order data from the peer: our segments now carry a SACK block (12 bytes of options).
        Wire ooo = peer.fromPeer(ACK, peer.stackNext).seq(peer.peerNext + 100).data(100);
        peer.send(ooo);
        Wire dup = peer.expectAck(peer.peerNext);
        assertEquals(1, dup.sacks.size());
        write(s, 5_000);
        Wire w = peer.expectData(5_000);
        assertEquals(1, w.sacks.size());
        assertEquals(1000 - 12, w.gsoSize, "each wire segment carries the block beside its data and still fits the MTU");
    }
}
