package org.alpenstack.kernel.tcp;

import static org.alpenstack.kernel.wire.TcpFlags.ACK;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One ACK per connection per input batch (NetStack.beginInputBatch / endInputBatch), as Linux
 * sends one for a GRO packet: in-order segments of a batch are answered together at its end, at
 * most 64 KiB apart; out-of-order segments are answered at once with their duplicate ACK.
 */
class InputBatchAckTest {
    private final ScriptedPeer peer = new ScriptedPeer(ScriptedPeer.bigReceiveBuffers());

    @AfterEach
    void noLeaks() {
        peer.close();
    }

    @Test
    void withoutABatchEverySecondFullSegmentIsAcked() {
        peer.acceptedPastQuickAcks();
        for (int i = 0; i < 10; i++) {
            peer.sendData(1000);
        }
        int acks = peer.emitted.size();
        assertEquals(5, acks, "RFC 5681 4.2: at least every second full-sized segment");
    }

    @Test
    void aBatchOfInOrderSegmentsIsAnsweredByOneAckAtItsEnd() {
        peer.acceptedPastQuickAcks();
        peer.tcp.beginInputBatch();
        for (int i = 0; i < 10; i++) {
            peer.sendData(1000);
        }
        peer.expectNothing();
        peer.tcp.endInputBatch(peer.clock.nanos());
        peer.expectAck(peer.peerNext);
        peer.expectNothing();
    }

    @Test
    void aCoalescedAckNeverCoversMoreThan64KiB() {
        peer.acceptedPastQuickAcks();
        peer.tcp.beginInputBatch();
        for (int i = 0; i < 100; i++) {
            peer.sendData(1000);
        }
        int mid = peer.emitted.size();
        peer.tcp.endInputBatch(peer.clock.nanos());
        assertEquals(1, mid, "one ACK once 64 KiB were unacknowledged, within the batch");
        Wire first = peer.emitted.poll();
        assertEquals(peer.peerNext - 100_000 + 66_000, first.ack, "after the segment that crossed 64 KiB");
        peer.expectAck(peer.peerNext);
        peer.expectNothing();
    }

    @Test
    void anOutOfOrderSegmentInABatchIsAnsweredAtOnceWithItsSack() {
        peer.acceptedPastQuickAcks();
        peer.tcp.beginInputBatch();
        peer.sendData(1000);
        int hole = peer.peerNext;
        Wire ooo = peer.fromPeer(ACK, peer.stackNext).seq(hole + 1000).data(1000);
        peer.send(ooo);
        Wire dup = peer.expectAck(hole);
        assertEquals(1, dup.sacks.size(), "the duplicate ACK the peer's fast retransmit counts");
        peer.tcp.endInputBatch(peer.clock.nanos());
        peer.expectNothing();
    }
}
