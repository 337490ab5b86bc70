package org.alpenstack.kernel.tcp;

import static org.alpenstack.kernel.wire.TcpFlags.ACK;
import static org.alpenstack.kernel.wire.TcpFlags.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.stack.DropReason;
import org.alpenstack.kernel.wire.Bytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ICMP errors about our segments: RFC 1122 4.2.3.9, RFC 1191 path MTU, RFC 5927 validation, Linux errno. */
class IcmpErrorTest {
    private final ScriptedPeer peer = new ScriptedPeer();

    @AfterEach
    void noLeaks() {
        peer.close();
    }

    /** The quoted IP header and first 8 bytes of a segment we sent (RFC 792). */
    private byte[] quote(int srcPort, int dstPort, int seq) {
        byte[] q = new byte[28];
        q[0] = 0x45;
        Bytes.u16(q, 2, 1500);
        q[8] = 64;
        q[9] = 6;
        Bytes.u32(q, 12, ScriptedPeer.STACK_ADDR);
        Bytes.u32(q, 16, ScriptedPeer.PEER_ADDR);
        Bytes.u16(q, 20, srcPort);
        Bytes.u16(q, 22, dstPort);
        Bytes.u32(q, 24, seq);
        return q;
    }

    @Test
    void portUnreachableDuringConnectRefusesIt() {
        TcpSocket s = peer.socket();
        s.connect(new InetEndpoint(ScriptedPeer.PEER_ADDR, 40000));
        Wire syn = peer.expect(SYN);
        byte[] q = quote(syn.srcPort, 40000, syn.seq);
        peer.tcp.icmpError(3, 3, Errno.ECONNREFUSED, 0, q, 0, q.length);
        assertEquals(TcpState.CLOSED, s.state());
        assertEquals(-Errno.ECONNREFUSED, s.connect(new InetEndpoint(ScriptedPeer.PEER_ADDR, 40000)));
    }

    @Test
    void anErrorQuotingASequenceNumberWeNeverSentIsIgnored() {
        TcpSocket s = peer.socket();
        s.connect(new InetEndpoint(ScriptedPeer.PEER_ADDR, 40000));
        Wire syn = peer.expect(SYN);
        byte[] q = quote(syn.srcPort, 40000, syn.seq + 99_999);
        peer.tcp.icmpError(3, 3, Errno.ECONNREFUSED, 0, q, 0, q.length);
        assertEquals(TcpState.SYN_SENT, s.state(), "RFC 5927 4.1: a blind attacker must guess the sequence number");
        assertEquals(1, peer.tcp.counters().drops(DropReason.TCP_OUT_OF_WINDOW));
    }

    @Test
    void hostUnreachableOnAnEstablishedConnectionIsSoftAndReportedOnTimeout() {
        TcpSocket s = peer.acceptedPlain();
        s.write(new byte[100], 0, 100);
        Wire d = peer.expectData(100);
        byte[] q = quote(80, 40000, d.seq);
        peer.tcp.icmpError(3, 1, Errno.EHOSTUNREACH, 0, q, 0, q.length);
        assertEquals(TcpState.ESTABLISHED, s.state(), "RFC 1122 4.2.3.9: soft in synchronized states");
        s.setOption(TcpSocket.SOL_TCP, TcpSocket.TCP_USER_TIMEOUT, 3000);
        peer.advance(10_000);
        assertEquals(TcpState.CLOSED, s.state());
        assertEquals(Errno.EHOSTUNREACH, s.getOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_ERROR),
                "Linux tcp_write_err: the soft error replaces ETIMEDOUT");
    }

    @Test
    void fragmentationNeededLowersTheMssAndResendsAtTheNewSize() {
        TcpSocket s = peer.accepted(Wire.seg(SYN).win(65535).mss(1460));
        assertEquals(3000, s.write(new byte[3000], 0, 3000));
        Wire first = peer.expectData(1460);
        peer.expectData(1460);
        peer.expectData(80);
        peer.stackNext = first.seq;
        peer.mtu = 1000;
        byte[] q = quote(80, 40000, first.seq);
        peer.tcp.icmpError(3, 4, Errno.EMSGSIZE, 1000, q, 0, q.length);
        // RFC 1191: the MSS follows the MTU (1000 - 40) and what was in flight is sent again at once
        assertEquals(960, s.getOption(TcpSocket.SOL_TCP, TcpSocket.TCP_MAXSEG));
        Wire again = peer.expect(ACK);
        assertEquals(first.seq, again.seq);
        assertEquals(960, again.len());
        assertTrue(peer.tcp.counters().retransmittedSegments >= 1);
    }
}
