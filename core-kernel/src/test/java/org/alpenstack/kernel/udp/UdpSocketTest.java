package org.alpenstack.kernel.udp;

import static org.alpenstack.kernel.socket.SocketOptions.*;
import static org.alpenstack.kernel.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.icmp.IcmpSocket;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.socket.Readiness;
import org.alpenstack.kernel.socket.RecvMeta;
import org.alpenstack.kernel.stack.CaptureLink;
import org.alpenstack.kernel.stack.DropReason;
import org.alpenstack.kernel.stack.NetStack;
import org.alpenstack.kernel.stack.StackCounter;
import org.alpenstack.kernel.time.ManualClock;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.MacAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** BSD/Linux UDP socket semantics, on one stack talking to itself over the loopback. */
class UdpSocketTest {
    static final int LO = Ipv4Address.LOOPBACK;
    static final int OURS = parse("10.0.0.1");

    ManualClock clock = new ManualClock();
    BufferPool pool = new BufferPool();
    NetStack stack;
    CaptureLink link = new CaptureLink("eth0", 1500);
    RecvMeta meta = new RecvMeta();
    byte[] buf = new byte[70_000];

    @BeforeEach
    void setUp() {
        stack = new NetStack("udp", pool, clock);
        stack.addInterface("eth0", link, new MacAddress(0x020000000001L));
        stack.addAddress("eth0", "10.0.0.1/24");
        link.drain();
    }

    @AfterEach
    void tearDown() {
        stack.shutdown();
        assertEquals(0, stack.counters().drops(DropReason.INTERNAL_ERROR), () -> String.valueOf(stack.lastInternalError()));
        pool.assertNoLeaks();
    }

    void deliver() {
        for (int i = 0; i < 10 && stack.nextDeadline() <= clock.nanos(); i++) {
            stack.poll(clock.nanos());
        }
    }

    UdpSocket bound(int addr, int port) {
        UdpSocket s = stack.openUdp();
        assertEquals(0, s.bind(new InetEndpoint(addr, port)));
        return s;
    }

    static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    int sendTo(UdpSocket s, String data, int addr, int port) {
        byte[] d = bytes(data);
        return s.sendTo(d, 0, d.length, 0, new InetEndpoint(addr, port));
    }

    String recv(UdpSocket s) {
        int n = s.recvFrom(buf, 0, buf.length, 0, meta);
        assertTrue(n >= 0, () -> "recv: " + Errno.name(n));
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Test
    void portZeroBindsAnEphemeralPortFromLinuxsRange() {
        UdpSocket a = bound(0, 0);
        UdpSocket b = bound(0, 0);
        int pa = a.localEndpoint().port();
        int pb = b.localEndpoint().port();
        assertTrue(pa >= 32768 && pa <= 60999, "port " + pa);
        assertTrue(pb >= 32768 && pb <= 60999, "port " + pb);
        assertNotEquals(pa, pb);
    }

    @Test
    void bindFollowsLinuxErrnos() {
        UdpSocket a = bound(0, 5000);
        UdpSocket b = stack.openUdp();
        assertEquals(-Errno.EADDRINUSE, b.bind(new InetEndpoint(0, 5000)));
        assertEquals(-Errno.EADDRINUSE, b.bind(new InetEndpoint(OURS, 5000)), "wildcard overlaps a specific address");
        assertEquals(-Errno.EADDRNOTAVAIL, b.bind(new InetEndpoint(parse("10.0.0.9"), 6000)), "not our address");
        assertEquals(-Errno.EAFNOSUPPORT, b.bind(AF_INET6, 0, 6000));
        assertEquals(0, b.bind(AF_UNSPEC, 0, 6000), "AF_UNSPEC with INADDR_ANY is accepted for old programs");
        assertEquals(-Errno.EINVAL, b.bind(new InetEndpoint(0, 6001)), "already bound");
        a.close();
        assertEquals(-Errno.EBADF, a.bind(new InetEndpoint(0, 5000)));
        UdpSocket c = bound(0, 5000);
        assertEquals(5000, c.localEndpoint().port(), "close frees the port");
    }

    @Test
    void differentSpecificAddressesShareAPort() {
        bound(OURS, 5000);
        bound(LO, 5000);
        UdpSocket c = stack.openUdp();
        assertEquals(-Errno.EADDRINUSE, c.bind(new InetEndpoint(LO, 5000)));
    }

    @Test
    void soReuseaddrOnBothSidesSharesAPortAndSoReuseportToo() {
        UdpSocket a = stack.openUdp();
        a.setOption(SOL_SOCKET, SO_REUSEADDR, 1);
        assertEquals(0, a.bind(new InetEndpoint(0, 5000)));
        UdpSocket b = stack.openUdp();
        assertEquals(-Errno.EADDRINUSE, b.bind(new InetEndpoint(0, 5000)), "only one side set SO_REUSEADDR");
        b.setOption(SOL_SOCKET, SO_REUSEADDR, 1);
        assertEquals(0, b.bind(new InetEndpoint(0, 5000)));

        UdpSocket c = stack.openUdp();
        UdpSocket d = stack.openUdp();
        c.setOption(SOL_SOCKET, SO_REUSEPORT, 1);
        d.setOption(SOL_SOCKET, SO_REUSEPORT, 1);
        assertEquals(0, c.bind(new InetEndpoint(LO, 6000)));
        assertEquals(0, d.bind(new InetEndpoint(LO, 6000)));
        assertEquals(1, d.getOption(SOL_SOCKET, SO_REUSEPORT));
    }

    @Test
    void datagramsKeepTheirBoundariesAndSource() {
        UdpSocket server = bound(LO, 7000);
        UdpSocket client = stack.openUdp();
        assertEquals(3, sendTo(client, "one", LO, 7000));
        assertEquals(3, sendTo(client, "two", LO, 7000));
        assertEquals(5, sendTo(client, "three", LO, 7000));
        assertEquals(-Errno.EAGAIN, server.recv(buf, 0, 100, 0), "nothing before the loopback is polled");
        deliver();
        assertEquals("one", recv(server));
        assertEquals(LO, meta.sourceAddress);
        assertEquals(client.localEndpoint().port(), meta.sourcePort);
        assertEquals(LO, meta.destinationAddress);
        assertEquals("two", recv(server));
        assertEquals("three", recv(server));
        assertEquals(-Errno.EAGAIN, server.recv(buf, 0, 100, 0));
        assertEquals(3, stack.counters().get(StackCounter.UDP_IN_DATAGRAMS));
        assertEquals(3, stack.counters().get(StackCounter.UDP_OUT_DATAGRAMS));
    }

    @Test
    void truncationAndPeek() {
        UdpSocket server = bound(LO, 7000);
        UdpSocket client = stack.openUdp();
        sendTo(client, "0123456789", LO, 7000);
        sendTo(client, "abcdef", LO, 7000);
        deliver();
        assertEquals(10, server.recvFrom(buf, 0, 100, MSG_PEEK, meta));
        assertEquals(10, server.nextDatagramLength());
        assertEquals(4, server.recvFrom(buf, 0, 4, 0, meta));
        assertEquals(MSG_TRUNC, meta.flags, "the rest of a datagram is lost, and recvmsg says so");
        assertEquals("0123", new String(buf, 0, 4));
        assertEquals(6, server.recvFrom(buf, 0, 2, MSG_TRUNC, meta), "MSG_TRUNC returns the real length");
        assertEquals("ab", new String(buf, 0, 2));
        assertEquals(-Errno.EAGAIN, server.recv(buf, 0, 100, 0));
    }

    @Test
    void sendErrors() {
        UdpSocket s = stack.openUdp();
        byte[] d = new byte[UdpSocket.MAX_PAYLOAD + 1];
        assertEquals(-Errno.EDESTADDRREQ, s.send(d, 0, 1, 0));
        assertEquals(-Errno.EINVAL, s.sendTo(d, 0, 1, 0, new InetEndpoint(LO, 0)), "port 0");
        assertEquals(-Errno.EMSGSIZE, s.sendTo(d, 0, d.length, 0, new InetEndpoint(LO, 9)));
        assertEquals(-Errno.ENETUNREACH, s.sendTo(d, 0, 1, 0, new InetEndpoint(parse("192.0.2.1"), 9)), "no route");
        assertEquals(-Errno.EOPNOTSUPP, s.sendTo(d, 0, 1, MSG_OOB, new InetEndpoint(LO, 9)));
    }

    @Test
    void largestDatagramCrossesTheLoopbackWhole() {
        UdpSocket server = bound(LO, 7000);
        UdpSocket client = stack.openUdp();
        byte[] d = new byte[UdpSocket.MAX_PAYLOAD];
        new java.util.Random(3).nextBytes(d);
        assertEquals(65_507, client.sendTo(d, 0, d.length, 0, new InetEndpoint(LO, 7000)));
        deliver();
        assertEquals(65_507, server.recv(buf, 0, buf.length, 0));
        byte[] got = java.util.Arrays.copyOf(buf, 65_507);
        assertArrayEquals(d, got);
    }

    @Test
    void broadcastNeedsSoBroadcast() {
        UdpSocket s = stack.openUdp();
        byte[] d = new byte[4];
        assertEquals(-Errno.EACCES, s.sendTo(d, 0, 4, 0, new InetEndpoint(Ipv4Address.BROADCAST, 9)));
        assertEquals(-Errno.EACCES, s.sendTo(d, 0, 4, 0, new InetEndpoint(parse("10.0.0.255"), 9)));
        assertEquals(-Errno.EACCES, s.connect(new InetEndpoint(parse("10.0.0.255"), 9)));
        assertEquals(0, s.setOption(SOL_SOCKET, SO_BROADCAST, 1));
        assertEquals(4, s.sendTo(d, 0, 4, 0, new InetEndpoint(parse("10.0.0.255"), 9)));
        byte[] f = link.drain().get(0);
        assertEquals(MacAddress.BROADCAST.bits(), org.alpenstack.kernel.wire.EthernetFrame.destination(f, 0), "no ARP for broadcast");
    }

    @Test
    void connectSetsTheDefaultPeerFiltersInputAndDisconnects() {
        UdpSocket server = bound(LO, 7000);
        UdpSocket other = bound(LO, 7001);
        UdpSocket s = stack.openUdp();
        assertNull(s.remoteEndpoint());
        assertEquals(0, s.connect(new InetEndpoint(LO, 7000)));
        assertEquals(new InetEndpoint(LO, 7000), s.remoteEndpoint());
        assertEquals(LO, s.localEndpoint().address(), "connect fixes the source address (getsockname)");
        int port = s.localEndpoint().port();
        assertTrue(port >= 32768, "connect autobinds");
        assertEquals(2, s.send(bytes("hi"), 0, 2, 0));
        deliver();
        assertEquals("hi", recv(server));

        // Only the peer may talk to a connected socket.
        sendTo(other, "intruder", LO, port);
        sendTo(server, "reply", LO, port);
        deliver();
        assertEquals("reply", recv(s));
        assertEquals(-Errno.EAGAIN, s.recv(buf, 0, 100, 0));

        assertEquals(0, s.connect(AF_UNSPEC, 0, 0));
        assertNull(s.remoteEndpoint());
        assertEquals(new InetEndpoint(0, 0), s.localEndpoint(), "an autobound port is released by disconnect, as in Linux");
        assertEquals(-Errno.EDESTADDRREQ, s.send(bytes("x"), 0, 1, 0));
        assertEquals(-Errno.ENOTCONN, s.getOption(SOL_IP, IP_MTU));
    }

    @Test
    void portUnreachableBecomesEconnrefusedOnTheNextCallOfAConnectedSocket() {
        UdpSocket s = stack.openUdp();
        assertEquals(0, s.connect(new InetEndpoint(LO, 9999)));
        UdpSocket unconnected = stack.openUdp();
        assertEquals(1, s.send(new byte[1], 0, 1, 0));
        assertEquals(1, unconnected.sendTo(new byte[1], 0, 1, 0, new InetEndpoint(LO, 9999)));
        deliver();
        assertEquals(2, stack.counters().get(StackCounter.UDP_NO_PORTS));
        assertEquals(2, stack.counters().get(StackCounter.ICMP_OUT_DEST_UNREACHS));
        assertTrue((s.readiness() & Readiness.POLLERR) != 0);
        assertEquals(-Errno.ECONNREFUSED, s.recv(buf, 0, 10, 0));
        assertEquals(0, s.readiness() & Readiness.POLLERR);
        assertEquals(-Errno.EAGAIN, s.recv(buf, 0, 10, 0), "reported once");
        assertEquals(-Errno.EAGAIN, unconnected.recv(buf, 0, 10, 0), "unconnected sockets are not told (Linux udp_err)");

        assertEquals(1, s.send(new byte[1], 0, 1, 0));
        deliver();
        assertEquals(-Errno.ECONNREFUSED, s.send(new byte[1], 0, 1, 0), "the next send reports it too");
        assertEquals(1, s.send(new byte[1], 0, 1, 0));
    }

    @Test
    void bufferSizesAreDoubledAndTheReceiveQueueIsBounded() {
        UdpSocket server = bound(LO, 7000);
        assertEquals(212_992, server.getOption(SOL_SOCKET, SO_RCVBUF));
        assertEquals(0, server.setOption(SOL_SOCKET, SO_RCVBUF, 100_000));
        assertEquals(200_000, server.getOption(SOL_SOCKET, SO_RCVBUF));
        assertEquals(0, server.setOption(SOL_SOCKET, SO_RCVBUF, 10_000_000));
        assertEquals(425_984, server.getOption(SOL_SOCKET, SO_RCVBUF), "capped at rmem_max, then doubled");
        assertEquals(0, server.setOption(SOL_SOCKET, SO_SNDBUF, 1));
        assertEquals(4608, server.getOption(SOL_SOCKET, SO_SNDBUF), "at least SOCK_MIN_SNDBUF");
        assertEquals(0, server.setOption(SOL_SOCKET, SO_RCVBUF, 0));
        assertEquals(4608, server.getOption(SOL_SOCKET, SO_RCVBUF));

        UdpSocket client = stack.openUdp();
        for (int i = 0; i < 10; i++) {
            assertEquals(1000, client.sendTo(new byte[1000], 0, 1000, 0, new InetEndpoint(LO, 7000)));
        }
        deliver();
        assertEquals(3, server.queuedDatagrams(), "admitted while the queue holds at most rcvbuf");
        assertEquals(7, stack.counters().drops(DropReason.UDP_RECEIVE_QUEUE_FULL));
        assertEquals(7, stack.counters().get(StackCounter.UDP_RCVBUF_ERRORS));
    }

    @Test
    void readinessFollowsTheQueueAndTheListenerHearsOfIt() {
        UdpSocket server = bound(LO, 7000);
        List<Integer> events = new ArrayList<>();
        server.setListener((sock, ev) -> events.add(ev));
        assertEquals(Readiness.POLLOUT, server.readiness());
        UdpSocket client = stack.openUdp();
        sendTo(client, "x", LO, 7000);
        sendTo(client, "y", LO, 7000);
        deliver();
        assertEquals(Readiness.POLLIN | Readiness.POLLOUT, server.readiness());
        assertEquals(List.of(Readiness.POLLIN | Readiness.POLLOUT, Readiness.POLLIN | Readiness.POLLOUT), events,
                "each datagram is news for an edge-triggered poller");
        recv(server);
        recv(server);
        assertEquals(Readiness.POLLOUT, server.readiness());
        assertEquals(Readiness.POLLOUT, (int) events.get(events.size() - 1));
    }

    @Test
    void optionsUseLinuxNumbers() {
        UdpSocket s = stack.openUdp();
        assertEquals(SOCK_DGRAM, s.getOption(SOL_SOCKET, SO_TYPE));
        assertEquals(64, s.getOption(SOL_IP, IP_TTL));
        assertEquals(0, s.setOption(SOL_IP, IP_TTL, 5));
        assertEquals(5, s.getOption(SOL_IP, IP_TTL));
        assertEquals(-Errno.EINVAL, s.setOption(SOL_IP, IP_TTL, 0));
        assertEquals(-Errno.ENOPROTOOPT, s.setOption(SOL_SOCKET, 999, 1));
        assertEquals(0, s.getOption(SOL_SOCKET, SO_ERROR));
    }

    @Test
    void aPingSocketPingsTheLoopback() {
        IcmpSocket ping = stack.openPing();
        byte[] echo = {8, 0, 0, 0, 0, 0, 0, 1, 'p', 'i', 'n', 'g'};
        assertEquals(12, ping.sendTo(echo, 0, echo.length, 0, new InetEndpoint(LO, 0)));
        int id = ping.echoIdentifier();
        assertTrue(id != 0);
        deliver();
        int n = ping.recvFrom(buf, 0, 100, 0, meta);
        assertEquals(12, n);
        assertEquals(0, buf[0], "echo reply");
        assertEquals(id, ((buf[4] & 0xff) << 8) | (buf[5] & 0xff), "the stack's identifier");
        assertEquals(1, buf[7], "sequence kept");
        assertEquals("ping", new String(buf, 8, 4));
        assertEquals(LO, meta.sourceAddress);
        byte[] notEcho = {0, 0, 0, 0, 0, 0, 0, 1};
        assertEquals(-Errno.EINVAL, ping.sendTo(notEcho, 0, 8, 0, new InetEndpoint(LO, 0)), "ping sockets send echo requests only");
        assertEquals(-Errno.EINVAL, ping.sendTo(echo, 0, 4, 0, new InetEndpoint(LO, 0)), "shorter than an ICMP header");
    }

    @Test
    void broadcastsReachEverySocketOnThePortThatIsNotBoundElsewhere() {
        UdpSocket a = stack.openUdp();
        UdpSocket b = stack.openUdp();
        UdpSocket specific = stack.openUdp();
        for (UdpSocket s : List.of(a, b, specific)) {
            s.setOption(SOL_SOCKET, SO_REUSEADDR, 1);
        }
        assertEquals(0, a.bind(new InetEndpoint(0, 6000)));
        assertEquals(0, b.bind(new InetEndpoint(0, 6000)));
        assertEquals(0, specific.bind(new InetEndpoint(OURS, 6000)));
        int peer = parse("10.0.0.2");
        link.inject(org.alpenstack.kernel.stack.Frames.udpFrame(MacAddress.BROADCAST.bits(), 0x020000000002L, peer,
                parse("10.0.0.255"), 68, 6000, bytes("hello")));
        assertEquals("hello", recv(a));
        assertEquals(parse("10.0.0.255"), meta.destinationAddress);
        assertEquals("hello", recv(b));
        assertEquals(-Errno.EAGAIN, specific.recv(buf, 0, 10, 0), "a socket bound to a unicast address gets no broadcasts");
        assertEquals(0, link.drain().size(), "and nobody answers a broadcast with ICMP");
    }

    @Test
    void reuseportGroupsSpreadFlowsButKeepEachFlowOnOneSocket() {
        UdpSocket a = stack.openUdp();
        UdpSocket b = stack.openUdp();
        a.setOption(SOL_SOCKET, SO_REUSEPORT, 1);
        b.setOption(SOL_SOCKET, SO_REUSEPORT, 1);
        assertEquals(0, a.bind(new InetEndpoint(LO, 6000)));
        assertEquals(0, b.bind(new InetEndpoint(LO, 6000)));
        List<UdpSocket> clients = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            UdpSocket c = stack.openUdp();
            clients.add(c);
            sendTo(c, "x", LO, 6000);
            sendTo(c, "y", LO, 6000);
        }
        deliver();
        int na = a.queuedDatagrams();
        int nb = b.queuedDatagrams();
        assertEquals(32, na + nb);
        assertTrue(na > 0 && nb > 0, "both members get flows: " + na + "/" + nb);
        while (a.queuedDatagrams() > 0) {
            String first = recv(a);
            int port = meta.sourcePort;
            assertEquals("x", first);
            assertEquals("y", recv(a), "the same flow went to the same socket");
            assertEquals(port, meta.sourcePort);
        }
    }

    @Test
    void smallLinuxBehaviours() {
        // A destination of 0.0.0.0 means this host.
        UdpSocket server = bound(0, 7100);
        UdpSocket client = stack.openUdp();
        assertEquals(2, sendTo(client, "hi", 0, 7100));
        deliver();
        assertEquals("hi", recv(server));
        assertEquals(LO, meta.destinationAddress);

        // Duplicate SO_REUSEADDR bindings: the newest socket gets unicast datagrams.
        UdpSocket old = stack.openUdp();
        UdpSocket newer = stack.openUdp();
        old.setOption(SOL_SOCKET, SO_REUSEADDR, 1);
        newer.setOption(SOL_SOCKET, SO_REUSEADDR, 1);
        assertEquals(0, old.bind(new InetEndpoint(0, 7200)));
        assertEquals(0, newer.bind(new InetEndpoint(0, 7200)));
        sendTo(client, "to whom", LO, 7200);
        deliver();
        assertEquals("to whom", recv(newer));
        assertEquals(-Errno.EAGAIN, old.recv(buf, 0, 10, 0));

        // Multicast leaves with TTL 1 unless IP_MULTICAST_TTL says otherwise.
        assertEquals(1, client.getOption(SOL_IP, IP_MULTICAST_TTL));
        stack.addRoute("224.0.0.0/4", "10.0.0.254", 0);
        assertEquals(1, sendTo(client, "m", parse("239.1.2.3"), 5000));
        byte[] f = link.drain().get(0);
        assertEquals(1, f[14 + 8], "TTL");
        assertEquals(0x01005e010203L, org.alpenstack.kernel.wire.EthernetFrame.destination(f, 0), "RFC 1112 group MAC, no ARP");
    }

    @Test
    void shutdownFollowsInetShutdown() {
        UdpSocket s = bound(LO, 7300);
        assertEquals(-Errno.ENOTCONN, s.shutdown(SHUT_RD), "unconnected: ENOTCONN, but it takes effect");
        assertEquals(0, s.recv(buf, 0, 10, 0), "EOF instead of EAGAIN");
        assertTrue((s.readiness() & Readiness.POLLRDHUP) != 0);
        UdpSocket c = stack.openUdp();
        assertEquals(0, c.connect(new InetEndpoint(LO, 7300)));
        assertEquals(0, c.shutdown(SHUT_WR));
        assertEquals(-Errno.EPIPE, c.send(new byte[1], 0, 1, 0));
        assertEquals(0, c.readiness() & Readiness.POLLOUT);
        assertEquals(-Errno.EINVAL, c.shutdown(3));
        assertEquals(0, c.shutdown(SHUT_RDWR));
        assertTrue((c.readiness() & Readiness.POLLHUP) != 0);
    }
}
