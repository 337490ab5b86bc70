package org.alpenstack.kernel.tcp;

import static org.alpenstack.kernel.wire.TcpFlags.ACK;
import static org.alpenstack.kernel.wire.TcpFlags.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One ACK per connection per input batch (NetStack.beginInputBatch / endInputBatch), as Linux
 * sends one for a GRO packet: in-order segments of a batch are answered together at its end, at
 * most 64 KiB apart; out-of-order segments are answered at once with their duplicate ACK.
 */
class InputBatchAckTest {
    private final ScriptedPeer peer = new ScriptedPeer(bigReceiveBuffer());

    private static TcpTunables bigReceiveBuffer() {
        TcpTunables t = new TcpTunables();
        t.setRmemMax(4 << 20);
        t.setRmemDefault(4 << 20);
        return t;
    }

    @AfterEach
    void noLeaks() {
        peer.close();
    }

    private TcpSocket established() {
        TcpSocket s = peer.accepted(Wire.seg(SYN).seq(1000).win(65535).mss(1000).wscale(7).sackOk());
        // Past Linux's quick-ACK start, so that outside a batch every second segment is ACKed.
        for (int i = 0; i < 20; i++) {
            peer.sendData(1000);
        }
        byte[] sink = new byte[1 << 16];
        s.read(sink, 0, sink.length);
        peer.advance(200);
        peer.emitted.clear();
        return s;
    }

    @Test
    void withoutABatchEverySecondFullSegmentIsAcked() {
        established();
        for (int i = 0; i < 10; i++) {
            peer.sendData(1000);
        }
        int acks = peer.emitted.size();
        assertEquals(5, acks, "RFC 5681 4.2: at least every second full-sized segment");
    }

    @Test
    void aBatchOfInOrderSegmentsIsAnsweredByOneAckAtItsEnd() {
        established();
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
        established();
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
        established();
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
