package org.alpenstack.kernel.tcp;

import static org.alpenstack.kernel.wire.TcpFlags.ACK;
import static org.alpenstack.kernel.wire.TcpFlags.RST;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.alpenstack.kernel.socket.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Keepalive (RFC 9293 3.8.4, RFC 1122 4.2.3.6, Linux TCP_KEEPIDLE/INTVL/CNT) and TCP_USER_TIMEOUT (RFC 5482). */
class KeepaliveTest {
    private final ScriptedPeer peer = new ScriptedPeer();

    @AfterEach
    void noLeaks() {
        peer.close();
    }

    private TcpSocket keepaliveSocket() {
        TcpSocket s = peer.acceptedPlain();
        assertEquals(0, s.setOption(TcpSocket.SOL_TCP, TcpSocket.TCP_KEEPIDLE, 10));
        assertEquals(0, s.setOption(TcpSocket.SOL_TCP, TcpSocket.TCP_KEEPINTVL, 2));
        assertEquals(0, s.setOption(TcpSocket.SOL_TCP, TcpSocket.TCP_KEEPCNT, 3));
        assertEquals(0, s.setOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_KEEPALIVE, 1));
        assertEquals(1, s.getOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_KEEPALIVE));
        assertEquals(10, s.getOption(TcpSocket.SOL_TCP, TcpSocket.TCP_KEEPIDLE));
        return s;
    }

    @Test
    void unansweredProbesEndTheConnectionWithTimedOut() {
        TcpSocket s = keepaliveSocket();
        assertEquals(10_000, peer.advanceUntilEmitted(20_000));
        Wire probe = peer.expect(ACK);
        assertEquals(peer.stackNext - 1, probe.seq, "a probe is SEG.SEQ = SND.NXT - 1, no data");
        assertEquals(0, probe.len());
        assertEquals(2000, peer.advanceUntilEmitted(20_000));
        peer.expect(ACK);
        assertEquals(2000, peer.advanceUntilEmitted(20_000));
        peer.expect(ACK);
        // after TCP_KEEPCNT unanswered probes, Linux resets and reports ETIMEDOUT
        assertEquals(2000, peer.advanceUntilEmitted(20_000));
        peer.expect(RST | ACK);
        assertEquals(TcpState.CLOSED, s.state());
        assertEquals(-Errno.ETIMEDOUT, s.read(new byte[1], 0, 1));
    }

    @Test
    void anAnsweredProbeKeepsTheConnection() {
        TcpSocket s = keepaliveSocket();
        for (int round = 0; round < 3; round++) {
            assertEquals(10_000, peer.advanceUntilEmitted(20_000));
            peer.expect(ACK);
            peer.sendAck(peer.stackNext, 65535);
        }
        assertEquals(TcpState.ESTABLISHED, s.state());
        peer.sendData(1);
        peer.expectAck(peer.peerNext);
        // traffic resets the idle time
        peer.advance(9_999);
        peer.expectNothing();
    }

    @Test
    void invalidKeepaliveValuesAreRejected() {
        TcpSocket s = peer.socket();
        assertEquals(-Errno.EINVAL, s.setOption(TcpSocket.SOL_TCP, TcpSocket.TCP_KEEPIDLE, 0));
        assertEquals(-Errno.EINVAL, s.setOption(TcpSocket.SOL_TCP, TcpSocket.TCP_KEEPCNT, 128));
        assertEquals(-Errno.ENOPROTOOPT, s.setOption(TcpSocket.SOL_TCP, 999, 1));
        assertEquals(7200, s.getOption(TcpSocket.SOL_TCP, TcpSocket.TCP_KEEPIDLE), "Linux default");
        assertEquals(75, s.getOption(TcpSocket.SOL_TCP, TcpSocket.TCP_KEEPINTVL));
        assertEquals(9, s.getOption(TcpSocket.SOL_TCP, TcpSocket.TCP_KEEPCNT));
    }

    @Test
    void userTimeoutBoundsHowLongDataMayStayUnacknowledged() {
        TcpSocket s = peer.acceptedPlain();
        assertEquals(0, s.setOption(TcpSocket.SOL_TCP, TcpSocket.TCP_USER_TIMEOUT, 5000));
        assertEquals(5000, s.getOption(TcpSocket.SOL_TCP, TcpSocket.TCP_USER_TIMEOUT));
        s.write(new byte[100], 0, 100);
        peer.expectData(100);
        long start = peer.nowMs();
        while (s.state() != TcpState.CLOSED && peer.nowMs() - start < 60_000) {
            peer.advance(1);
        }
        assertEquals(5000, peer.nowMs() - start, "RFC 5482 / Linux: closed when the user timeout expires");
        assertEquals(Errno.ETIMEDOUT, s.getOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_ERROR));
    }
}
