package org.alpenstack.kernel.tcp;

import static org.alpenstack.kernel.wire.TcpFlags.ACK;
import static org.alpenstack.kernel.wire.TcpFlags.SYN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.junit.jupiter.api.Test;

/** Sequence numbers wrap modulo 2^32 (RFC 9293 3.4): nothing may notice. */
class WraparoundTest {

    @Test
    void aLossyTransferAcrossTheWrapOfBothSequenceSpacesIsExact() {
        TcpTunables t = new TcpTunables();
        LossyPath p = new LossyPath(5, t);
        p.loss = 0.05;
        p.reorder = 0.05;
        p.duplicate = 0.01;
        p.a.tcp.issOverride = () -> -300_000;
        p.b.tcp.issOverride = () -> -200_000;
        TcpSocket l = p.b.tcp.openSocket();
        assertEquals(0, l.bind(new InetEndpoint(0, 80)));
        assertEquals(0, l.listen(1));
        TcpSocket c = p.a.tcp.openSocket();
        assertEquals(-Errno.EINPROGRESS, c.connect(new InetEndpoint(LossyPath.B_ADDR, 80)));
        long size = 4 << 20;
        BulkTransferTest.Stream[] up = new BulkTransferTest.Stream[1];
        BulkTransferTest.Stream[] down = new BulkTransferTest.Stream[1];
        TcpSocket[] s = new TcpSocket[1];
        boolean done = p.run(() -> {
            if (s[0] == null) {
                s[0] = l.accept();
                if (s[0] == null) {
                    return;
                }
                up[0] = new BulkTransferTest.Stream(c, size, 1);
                down[0] = new BulkTransferTest.Stream(s[0], size, 2);
            }
            up[0].write();
            down[0].write();
            up[0].read(s[0]);
            down[0].read(c);
        }, () -> up[0] != null && up[0].eof && down[0].eof, 600_000_000_000L);
        assertTrue(done);
        assertArrayEquals(up[0].sent.digest(), up[0].received.digest());
        assertArrayEquals(down[0].sent.digest(), down[0].received.digest());
        assertTrue(p.dropped > 100);
    }

    @Test
    void outOfOrderDataAndSackBlocksAcrossTheWrap() {
        ScriptedPeer peer = new ScriptedPeer();
        TcpSocket s = peer.accepted(Wire.seg(SYN).seq(-250).win(65535).mss(1000).sackOk());
        int base = peer.peerNext; // -249: the data crosses 2^32 after 249 bytes
        byte[] truth = new byte[600];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = (byte) (i * 7);
        }
        // the second and third parts first: they lie beyond the wrap
        peer.send(peer.fromPeer(ACK, peer.stackNext).seq(base + 400).data(Arrays.copyOfRange(truth, 400, 600)));
        Wire dup = peer.expectAck(base);
        assertEquals(base + 400, dup.sacks.get(0)[0]);
        assertEquals(base + 600, dup.sacks.get(0)[1]);
        peer.send(peer.fromPeer(ACK, peer.stackNext).seq(base + 200).data(Arrays.copyOfRange(truth, 200, 400)));
        peer.expectAck(base);
        peer.send(peer.fromPeer(ACK, peer.stackNext).seq(base).data(Arrays.copyOfRange(truth, 0, 200)));
        peer.expectAck(base + 600);
        byte[] got = new byte[1000];
        assertEquals(600, s.read(got, 0, 1000));
        assertArrayEquals(truth, Arrays.copyOf(got, 600));
        peer.close();
    }
}
