package org.alpenstack.kernel.stack;

import static org.alpenstack.kernel.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.iface.InterfaceAddress;
import org.alpenstack.kernel.ip.IpPacketInfo;
import org.alpenstack.kernel.ip.Route;
import org.alpenstack.kernel.ip.TransportProtocol;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.time.ManualClock;
import org.alpenstack.kernel.udp.UdpSocket;
import org.alpenstack.kernel.wire.MacAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NetStackTest {
    static final long US = 0x020000000001L;
    static final long PEER = 0x020000000002L;
    static final int A = parse("10.0.0.1");
    static final int B = parse("10.0.0.2");

    ManualClock clock = new ManualClock();
    BufferPool pool = new BufferPool();
    NetStack stack;
    CaptureLink link = new CaptureLink("eth0", 1500);

    @BeforeEach
    void setUp() {
        stack = new NetStack("t", pool, clock);
        stack.addInterface("eth0", link, new MacAddress(US));
        assertEquals(0, stack.addAddress("eth0", "10.0.0.1/24"));
        link.drain();
    }

    @AfterEach
    void tearDown() {
        stack.shutdown();
        pool.assertNoLeaks();
    }

    /** A transport for an experimental protocol number (RFC 3692: 253) that records what it gets. */
    static final class Recorder implements TransportProtocol {
        final List<String> got = new ArrayList<>();
        boolean explode;

        @Override
        public int protocolNumber() {
            return 253;
        }

        @Override
        public void receive(IpPacketInfo ip, PacketBuffer payload) {
            if (explode) {
                throw new IllegalStateException("bug in a transport");
            }
            got.add(org.alpenstack.kernel.wire.Ipv4Address.toString(ip.source) + " " + payload.length());
        }

        @Override
        public void icmpError(int type, int code, int errno, int mtu, byte[] q, int off, int len) {
            got.add("error " + Errno.name(errno));
        }
    }

    @Test
    void addressesBringConnectedRoutesAndLeaveWithThem() {
        assertEquals(-Errno.EEXIST, stack.addAddress("eth0", "10.0.0.1/24"));
        assertEquals(-Errno.ENODEV, stack.addAddress("eth9", "10.0.0.9/24"));
        assertEquals(-Errno.EINVAL, stack.addAddress("eth0", "224.0.0.1/24"));
        assertEquals(0, stack.addAddress("eth0", "10.0.0.7/24"));
        assertEquals(0, stack.addAddress("eth0", "192.168.5.1/16"));
        assertEquals(List.of(new InterfaceAddress(A, 24), new InterfaceAddress(parse("10.0.0.7"), 24),
                new InterfaceAddress(parse("192.168.5.1"), 16)), stack.iface("eth0").addresses());
        assertEquals(2, stack.routes().size(), "one connected route per subnet");
        assertEquals(A, stack.ipOutput().sourceAddressFor(B));

        assertEquals(0, stack.removeAddress("eth0", A));
        assertEquals(parse("10.0.0.7"), stack.ipOutput().sourceAddressFor(B), "the route now uses the remaining address");
        assertEquals(0, stack.removeAddress("eth0", parse("10.0.0.7")));
        assertEquals(0, stack.ipOutput().sourceAddressFor(B), "no route left to 10.0.0.0/24");
        assertEquals(-Errno.EADDRNOTAVAIL, stack.removeAddress("eth0", A));
        assertEquals(1, stack.routes().size());
    }

    @Test
    void routesCanBeAddedDeletedAndFlushed() {
        assertEquals(0, stack.addRoute("default", "10.0.0.254", 0));
        assertEquals(0, stack.addRoute("172.16.0.0/12", "10.0.0.253", 5));
        assertEquals(-Errno.EINVAL, stack.addRoute("172.16.0.1/12", "10.0.0.253", 5));
        assertEquals(-Errno.EINVAL, stack.addRoute("172.16.0.0/33", "10.0.0.253", 5));
        assertEquals(-Errno.EINVAL, stack.addRoute("nonsense", "10.0.0.253", 5));
        assertEquals(-Errno.EINVAL, stack.addAddress("eth0", "10.0.0.300/24"));
        assertEquals(-Errno.EINVAL, stack.addAddress("eth0", "10.0.0.3/x"));
        assertEquals(-Errno.ENETUNREACH, stack.addRoute("8.0.0.0/8", "192.0.2.1", 0));
        assertEquals(A, stack.ipOutput().sourceAddressFor(parse("8.8.8.8")));
        assertEquals(-Errno.ESRCH, stack.deleteRoute("172.16.0.0/12", 6));
        assertEquals(-Errno.EINVAL, stack.deleteRoute("172.16.0.0/40", -1));
        assertEquals(0, stack.deleteRoute("172.16.0.0/12", 5));
        assertEquals(0, stack.addRoute("172.16.0.0/12", "10.0.0.253", 5));
        assertEquals(2, stack.flushRoutes(false));
        assertEquals(0, stack.ipOutput().sourceAddressFor(parse("8.8.8.8")));
        UdpSocket s = stack.openUdp();
        assertEquals(-Errno.ENETUNREACH, s.sendTo(new byte[1], 0, 1, 0, new InetEndpoint(parse("8.8.8.8"), 53)));
        assertEquals(-Errno.ENETUNREACH, s.connect(new InetEndpoint(parse("8.8.8.8"), 53)));
    }

    @Test
    void aRegisteredTransportGetsItsPacketsAndCanSendThroughIpOutput() {
        Recorder r = new Recorder();
        stack.registerTransport(r);
        stack.addStaticNeighbor("eth0", B, new MacAddress(PEER));
        link.inject(Frames.ethernet(US, PEER, 0x0800, Frames.ipv4(B, A, 253, 64, 1, 0, new byte[33])));
        assertEquals(List.of("10.0.0.2 33"), r.got);

        PacketBuffer p = pool.acquire(BufferPool.DEFAULT_HEADROOM, 10);
        p.append(10);
        assertEquals(0, stack.ipOutput().send(p, 0, B, 253, 0, 0, true));
        byte[] f = link.drain().get(0);
        assertEquals(253, f[14 + 9] & 0xff);
        assertEquals(0x40, f[14 + 6] & 0xe0, "DF set as asked");
        assertEquals(64, f[14 + 8] & 0xff, "Linux's default TTL");

        PacketBuffer big = pool.acquire(BufferPool.DEFAULT_HEADROOM, 2000);
        big.append(2000);
        assertEquals(-Errno.EMSGSIZE, stack.ipOutput().send(big, 0, B, 253, 0, 0, true), "DF and too big");
        assertTrue(stack.ipOutput().isLocalAddress(A));
        assertFalse(stack.ipOutput().isLocalAddress(B));
    }

    @Test
    void resolutionFailureReachesTheTransportAsEhostunreach() {
        Recorder r = new Recorder();
        stack.registerTransport(r);
        PacketBuffer p = pool.acquire(BufferPool.DEFAULT_HEADROOM, 10);
        p.append(10);
        assertEquals(0, stack.ipOutput().send(p, 0, B, 253, 0, 0, false));
        for (int ms = 0; ms <= 3000; ms += 100) {
            clock.set(ms * 1_000_000L);
            stack.poll(clock.nanos());
        }
        assertEquals(List.of("error EHOSTUNREACH"), r.got);
    }

    @Test
    void aBugInATransportIsCountedNotThrown() {
        Recorder r = new Recorder();
        r.explode = true;
        stack.registerTransport(r);
        link.inject(Frames.ethernet(US, PEER, 0x0800, Frames.ipv4(B, A, 253, 64, 1, 0, new byte[3])));
        assertEquals(1, stack.counters().drops(DropReason.INTERNAL_ERROR));
        assertNotNull(stack.lastInternalError());
    }

    @Test
    void packetsToOurOwnAddressLoopBackOnTheNextPoll() {
        UdpSocket server = stack.openUdp();
        server.bind(new InetEndpoint(A, 9000));
        UdpSocket client = stack.openUdp();
        assertEquals(3, client.sendTo(new byte[] {1, 2, 3}, 0, 3, 0, new InetEndpoint(A, 9000)));
        assertEquals(0, link.drain().size(), "never on the wire");
        assertEquals(-Errno.EAGAIN, server.recv(new byte[8], 0, 8, 0), "not delivered re-entrantly");
        assertTrue(stack.nextDeadline() <= clock.nanos());
        stack.poll(clock.nanos());
        assertEquals(3, server.recv(new byte[8], 0, 8, 0));
    }

    @Test
    void aDownInterfaceNeitherSendsNorReceives() {
        stack.addStaticNeighbor("eth0", B, new MacAddress(PEER));
        UdpSocket s = stack.openUdp();
        s.bind(new InetEndpoint(0, 7));
        assertEquals(0, stack.setInterfaceUp("eth0", false));
        assertEquals(-Errno.ENETUNREACH, s.sendTo(new byte[1], 0, 1, 0, new InetEndpoint(B, 7)));
        link.inject(Frames.udpFrame(US, PEER, B, A, 1, 7, new byte[1]));
        assertEquals(1, stack.counters().drops(DropReason.INTERFACE_DOWN));
        assertEquals(0, stack.setInterfaceUp("eth0", true));
        assertEquals(1, link.drain().size(), "coming up announces the addresses again");
        assertEquals(1, s.sendTo(new byte[1], 0, 1, 0, new InetEndpoint(B, 7)));
    }

    @Test
    void theSnapshotIsACompleteImmutableCopy() {
        stack.addRoute("default", "10.0.0.254", 0);
        stack.addStaticNeighbor("eth0", B, new MacAddress(PEER));
        UdpSocket s = stack.openUdp();
        s.bind(new InetEndpoint(0, 7));
        link.inject(Frames.udpFrame(US, PEER, B, A, 1, 7, new byte[5]));
        StackSnapshot snap = stack.snapshot();
        assertEquals("t", snap.name());
        assertEquals(2, snap.interfaces().size());
        assertEquals("lo", snap.interfaces().get(0).name());
        assertEquals(List.of(new InterfaceAddress(A, 24)), snap.interfaces().get(1).addresses());
        assertEquals(2, snap.routes().size());
        assertTrue(snap.routes().contains(new Route(0, 0, parse("10.0.0.254"), 2, 0, 0, 0, false)));
        assertEquals(1, snap.neighbors().size());
        assertEquals(1, snap.sockets().size());
        assertEquals("udp", snap.sockets().get(0).type());
        assertEquals(new InetEndpoint(0, 7), snap.sockets().get(0).local());
        assertEquals(1, snap.sockets().get(0).queuedDatagrams());
        assertEquals(1, snap.counters().get(StackCounter.UDP_IN_DATAGRAMS));

        stack.addAddress("eth0", "10.0.0.8/24");
        s.close();
        assertEquals(1, snap.interfaces().get(1).addresses().size(), "the snapshot does not change");
        assertEquals(1, snap.sockets().size());
    }

    @Test
    void interfacesCanBeResizedAndRemoved() {
        assertEquals(-Errno.EINVAL, stack.setInterfaceMtu("eth0", 9000), "not above the link's MTU");
        assertEquals(-Errno.EINVAL, stack.setInterfaceMtu("eth0", 67));
        assertEquals(0, stack.setInterfaceMtu("eth0", 1280));
        stack.addStaticNeighbor("eth0", B, new MacAddress(PEER));
        UdpSocket s = stack.openUdp();
        assertEquals(2000, s.sendTo(new byte[2000], 0, 2000, 0, new InetEndpoint(B, 9)));
        assertEquals(2, link.drain().size(), "fragmented at the new MTU");

        assertEquals(-Errno.EINVAL, stack.removeInterface("lo"));
        assertEquals(0, stack.removeInterface("eth0"));
        assertEquals(-Errno.ENODEV, stack.removeInterface("eth0"));
        assertEquals(0, stack.routes().size());
        assertEquals(-Errno.ENETUNREACH, s.sendTo(new byte[1], 0, 1, 0, new InetEndpoint(B, 9)));
        link.inject(Frames.udpFrame(US, PEER, B, A, 1, 9, new byte[1]));
        assertEquals(1, stack.counters().drops(DropReason.INTERFACE_DOWN));
        assertEquals(1, stack.snapshot().interfaces().size());
    }
}
