package org.alpenstack.kernel.tcp;

import static org.alpenstack.kernel.wire.TcpFlags.ACK;
import static org.alpenstack.kernel.wire.TcpFlags.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.stack.DropReason;
import org.alpenstack.kernel.wire.TcpFlags;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** LISTEN (RFC 9293 3.10.7.2), the SYN and accept queues, SYN cookies (RFC 4987 3.6), ports. */
class ListenTest {
    private final ScriptedPeer peer = new ScriptedPeer();

    @AfterEach
    void noLeaks() {
        peer.close();
    }

    private Wire syn(int port, int seq) {
        return Wire.seg(SYN).ports(port, 80).seq(seq).win(65535).mss(1460);
    }

    @Test
    void aFullSynQueueAnswersWithACookieAndTheCookieCompletes() {
        TcpSocket l = peer.listen(2);
        peer.send(syn(1001, 100));
        peer.send(syn(1002, 200));
        peer.expect(SYN | ACK);
        peer.expect(SYN | ACK);
        assertEquals(2, peer.tcp.connectionCount());
        peer.send(syn(1003, 300));
        Wire cookie = peer.expect(SYN | ACK);
        assertEquals(301, cookie.ack);
        assertEquals(2, peer.tcp.connectionCount(), "no state for the cookie SYN");
        assertEquals(1, peer.tcp.counters().synCookiesSent);
        // stateless: the cookie SYN-ACK is never retransmitted (the two queued ones are)
        peer.advance(1000);
        assertEquals(2, peer.emitted.size());
        for (Wire w : peer.emitted) {
            assertTrue(w.dstPort != 1003, "retransmitted a cookie: " + w);
        }
        peer.emitted.clear();
        peer.send(Wire.seg(ACK).ports(1003, 80).seq(301).ack(cookie.seq + 1).win(65535));
        TcpSocket s = l.accept();
        assertNotNull(s, "a valid cookie ACK makes an established connection");
        assertEquals(new InetEndpoint(ScriptedPeer.PEER_ADDR, 1003), s.remoteEndpoint());
        assertEquals(1460, s.getOption(TcpSocket.SOL_TCP, TcpSocket.TCP_MAXSEG), "MSS from the cookie table");
        s.write(new byte[3], 0, 3);
        Wire d = peer.expect(ACK | TcpFlags.PSH);
        assertEquals(cookie.seq + 1, d.seq);
    }

    @Test
    void aForgedCookieAckIsReset() {
        peer.listen(2);
        peer.send(Wire.seg(ACK).ports(5555, 80).seq(1).ack(0x12345678).win(65535));
        peer.expect(TcpFlags.RST, 0x12345678, 0);
        assertEquals(1, peer.tcp.counters().drops(DropReason.TCP_BAD_SYN_COOKIE));
        assertEquals(0, peer.tcp.connectionCount());
    }

    @Test
    void cookiesCarryWindowScaleAndSackWhenTimestampsAreOn() {
        TcpSocket l = peer.listen(0);
        // Linux: with backlog 0 the SYN queue is always full, every SYN gets a cookie
        peer.send(syn(1002, 500).wscale(7).sackOk().ts(777, 0));
        Wire cookie = peer.expect(SYN | ACK);
        assertTrue(cookie.wscale >= 0 && cookie.sackOk && cookie.ts);
        peer.send(Wire.seg(ACK).ports(1002, 80).seq(501).ack(cookie.seq + 1).win(100).ts(778, cookie.tsVal));
        TcpSocket s = l.accept();
        assertNotNull(s);
        s.write(new byte[1000], 0, 1000);
        Wire d = peer.expect(ACK | TcpFlags.PSH);
        assertTrue(d.ts, "timestamps survived the cookie");
        assertEquals(1000, d.len(), "window 100 << 7 lets 1000 bytes through: the scale survived");
    }

    @Test
    void aSynFloodDoesNotKeepALegitimateClientOut() {
        TcpSocket l = peer.listen(16);
        Random rnd = new Random(1);
        for (int i = 0; i < 5000; i++) {
            peer.send(syn(1024 + rnd.nextInt(60000), rnd.nextInt()));
        }
        peer.emitted.clear();
        assertTrue(peer.tcp.connectionCount() <= 16, "the SYN queue stays bounded: " + peer.tcp.connectionCount());
        // a legitimate client (port 61000, outside the flood's range) still gets in
        peer.send(syn(61000, 42));
        Wire synAck = peer.expect(SYN | ACK);
        peer.send(Wire.seg(ACK).ports(61000, 80).seq(43).ack(synAck.seq + 1).win(65535));
        TcpSocket s = l.accept();
        assertNotNull(s);
        assertEquals(61000, s.remoteEndpoint().port());
    }

    @Test
    void aFullAcceptQueueDropsNewSyns() {
        TcpSocket l = peer.listen(1);
        for (int port = 2001; port <= 2002; port++) {
            peer.send(syn(port, 10));
            Wire sa = peer.expect(SYN | ACK);
            peer.send(Wire.seg(ACK).ports(port, 80).seq(11).ack(sa.seq + 1).win(65535));
        }
        // Linux: backlog 1 holds two established connections; the next SYN is dropped
        peer.send(syn(2003, 10));
        peer.expectNothing();
        assertEquals(1, peer.tcp.counters().drops(DropReason.TCP_ACCEPT_QUEUE_FULL));
        assertNotNull(l.accept());
        assertNotNull(l.accept());
        assertNull(l.accept());
        peer.send(syn(2003, 10));
        peer.expect(SYN | ACK);
    }

    @Test
    void aHalfOpenConnectionGivesUpAfterTheSynAckRetriesAndFreesItsPlace() {
        peer.listen(1);
        peer.send(syn(3001, 10));
        peer.expect(SYN | ACK);
        // Linux tcp_synack_retries = 5: after 1, 2, 4, 8, 16 s; dropped 32 s after the last
        long[] gaps = {1000, 2000, 4000, 8000, 16000};
        for (long gap : gaps) {
            assertEquals(gap, peer.advanceUntilEmitted(100_000));
            peer.expect(SYN | ACK);
        }
        assertEquals(1, peer.tcp.connectionCount());
        peer.advance(32_000);
        assertEquals(0, peer.tcp.connectionCount());
        peer.expectNothing();
        // the SYN queue has room again: no cookie needed for the next client
        peer.send(syn(3002, 10));
        peer.expect(SYN | ACK);
        assertEquals(0, peer.tcp.counters().synCookiesSent);
        assertEquals(1, peer.tcp.connectionCount());
    }

    @Test
    void abortOnOverflowResetsInsteadOfWaiting() {
        peer.tunables.set("abortOnOverflow", true);
        peer.listen(2);
        Wire[] sa = new Wire[5];
        for (int i = 1; i <= 4; i++) {
            peer.send(syn(2000 + i, 10));
            sa[i] = peer.expect(SYN | ACK);
            if (i <= 2) {
                peer.send(Wire.seg(ACK).ports(2000 + i, 80).seq(11).ack(sa[i].seq + 1).win(65535));
            }
        }
        // the accept queue holds backlog + 1 = 3: the third completes, the fourth overflows
        peer.send(Wire.seg(ACK).ports(2003, 80).seq(11).ack(sa[3].seq + 1).win(65535));
        peer.expectNothing();
        peer.send(Wire.seg(ACK).ports(2004, 80).seq(11).ack(sa[4].seq + 1).win(65535));
        peer.expect(TcpFlags.RST, sa[4].seq + 1, 0);
        assertEquals(3, peer.tcp.connectionCount());
    }

    @Test
    void closingAListenerResetsConnectionsNobodyAccepted() {
        TcpSocket l = peer.listen(4);
        peer.send(syn(3001, 10));
        Wire sa = peer.expect(SYN | ACK);
        peer.send(Wire.seg(ACK).ports(3001, 80).seq(11).ack(sa.seq + 1).win(65535));
        l.close();
        Wire rst = peer.expect(TcpFlags.RST | ACK);
        assertEquals(sa.seq + 1, rst.seq);
        peer.send(syn(3002, 10));
        peer.expect(TcpFlags.RST | ACK);
    }

    @Test
    void synWithFinIsDiscardedInListen() {
        peer.listen(4);
        peer.send(Wire.seg(SYN | TcpFlags.FIN).ports(4000, 80).seq(1).win(65535));
        peer.expectNothing();
        assertEquals(0, peer.tcp.connectionCount());
    }

    @Test
    void bindRules() {
        TcpSocket a = peer.socket();
        assertEquals(0, a.bind(new InetEndpoint(0, 8080)));
        assertEquals(-Errno.EINVAL, a.bind(new InetEndpoint(0, 8081)), "already bound");
        TcpSocket b = peer.socket();
        assertEquals(-Errno.EADDRINUSE, b.bind(new InetEndpoint(ScriptedPeer.STACK_ADDR, 8080)));
        assertEquals(-Errno.EADDRNOTAVAIL, b.bind(new InetEndpoint(0x0b000001, 9090)));
        assertEquals(0, b.bind(new InetEndpoint(0, 0)));
        int port = b.localEndpoint().port();
        assertTrue(port >= TcpLayer.EPHEMERAL_LOW && port <= TcpLayer.EPHEMERAL_HIGH);
        a.close();
        TcpSocket c = peer.socket();
        assertEquals(0, c.bind(new InetEndpoint(0, 8080)), "released on close");
        assertEquals(-Errno.EINVAL, c.accept() == null ? c.acceptError() : 0);
    }

    @Test
    void timeWaitKeepsThePortUnlessBothSidesSaidReuseAddr() {
        for (boolean reuse : new boolean[] {false, true}) {
            ScriptedPeer p = new ScriptedPeer();
            TcpSocket l = p.socket();
            l.setOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_REUSEADDR, reuse ? 1 : 0);
            assertEquals(0, l.bind(new InetEndpoint(0, 80)));
            assertEquals(0, l.listen(4));
            p.send(syn(4444, 100));
            Wire sa = p.expect(SYN | ACK);
            p.send(Wire.seg(ACK).ports(4444, 80).seq(101).ack(sa.seq + 1).win(65535));
            TcpSocket s = l.accept();
            // the server closes first and ends in TIME-WAIT, then the listener goes away
            s.close();
            Wire fin = p.expect(TcpFlags.FIN | ACK);
            p.send(Wire.seg(TcpFlags.FIN | ACK).ports(4444, 80).seq(101).ack(fin.seq + 1).win(65535));
            p.expect(ACK);
            l.close();
            assertEquals(1, p.tcp.connectionCount());
            TcpSocket again = p.socket();
            again.setOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_REUSEADDR, 1);
            // Linux: "Address already in use" while TIME-WAIT holds the port, unless the old
            // socket had SO_REUSEADDR too (servers set it for exactly this restart)
            assertEquals(reuse ? 0 : -Errno.EADDRINUSE, again.bind(new InetEndpoint(0, 80)));
            if (reuse) {
                // ... and listens there while the old connection is still in TIME-WAIT (a daemon
                // restarted on its port; Linux's listen checks the port again, with relax).
                assertEquals(0, again.listen(4));
            }
            p.advance(60_000);
            assertEquals(0, p.tcp.connectionCount());
            TcpSocket later = p.socket();
            assertEquals(reuse ? -Errno.EADDRINUSE : 0, later.bind(new InetEndpoint(0, 80)),
                    "after TIME-WAIT the port is free (or held by the socket bound above)");
            p.emitted.clear();
            p.close();
        }
    }

    @Test
    void reuseAddrDoesNotLetASecondSocketListenOnTheSamePort() {
        TcpSocket a = peer.socket();
        TcpSocket b = peer.socket();
        a.setOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_REUSEADDR, 1);
        b.setOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_REUSEADDR, 1);
        assertEquals(0, a.bind(new InetEndpoint(0, 8000)));
        assertEquals(0, b.bind(new InetEndpoint(0, 8000)), "both unbound-yet-unlistening sockets may share");
        // Linux inet_csk_listen_start checks the port again with relax: a may listen beside the
        // bound b (both SO_REUSEADDR, b not listening), but then b may not listen beside a
        // (checked against Linux 6.x: the same calls from python3 give 0, then EADDRINUSE).
        assertEquals(0, a.listen(4));
        assertEquals(-Errno.EADDRINUSE, b.listen(4));
        b.close();
        TcpSocket c = peer.socket();
        assertEquals(-Errno.EADDRINUSE, c.bind(new InetEndpoint(0, 8000)), "without SO_REUSEADDR, never beside a listener");
    }

    @Test
    void reusePortListenersShareConnections() {
        TcpSocket a = peer.socket();
        TcpSocket b = peer.socket();
        a.setOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_REUSEPORT, 1);
        b.setOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_REUSEPORT, 1);
        assertEquals(0, a.bind(new InetEndpoint(0, 80)));
        assertEquals(0, b.bind(new InetEndpoint(0, 80)));
        assertEquals(0, a.listen(64));
        assertEquals(0, b.listen(64));
        int toA = 0;
        int toB = 0;
        for (int port = 10000; port < 10040; port++) {
            peer.send(syn(port, 1));
            Wire sa = peer.expect(SYN | ACK);
            peer.send(Wire.seg(ACK).ports(port, 80).seq(2).ack(sa.seq + 1).win(65535));
            if (a.accept() != null) {
                toA++;
            }
            if (b.accept() != null) {
                toB++;
            }
        }
        assertEquals(40, toA + toB);
        assertTrue(toA > 5 && toB > 5, "spread " + toA + "/" + toB);
        a.close();
        peer.send(syn(20000, 1));
        peer.expect(SYN | ACK);
        assertEquals(-Errno.EAGAIN, a.accept() == null ? -Errno.EAGAIN : 0);
    }

    @Test
    void aFailedConnectGivesBackItsPort() {
        TcpSocket s = peer.socket();
        s.connect(new InetEndpoint(ScriptedPeer.PEER_ADDR, 40000));
        Wire syn = peer.expect(SYN);
        peer.send(Wire.seg(TcpFlags.RST | ACK).ports(40000, syn.srcPort).seq(0).ack(syn.seq + 1));
        assertEquals(-Errno.ECONNREFUSED, s.connect(new InetEndpoint(ScriptedPeer.PEER_ADDR, 40000)));
        assertEquals(InetEndpoint.ANY, s.localEndpoint(), "Linux unhashes an auto-bound port on failure");
        assertEquals(-Errno.EINPROGRESS, s.connect(new InetEndpoint(ScriptedPeer.PEER_ADDR, 40000)));
        peer.expect(SYN);
    }

    @Test
    void connectChoosesDistinctEphemeralPorts() {
        java.util.Set<Integer> ports = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            TcpSocket s = peer.socket();
            assertEquals(-Errno.EINPROGRESS, s.connect(new InetEndpoint(ScriptedPeer.PEER_ADDR, 443)));
            assertTrue(ports.add(s.localEndpoint().port()), "4-tuples never collide");
        }
        assertEquals(200, peer.tcp.connectionCount());
        peer.emitted.clear();
    }
}
