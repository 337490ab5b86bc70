package org.alpenstack.kernel.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.socket.RecvMeta;
import org.alpenstack.kernel.time.ManualClock;
import org.alpenstack.kernel.udp.UdpSocket;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The UDP send/receive path (socket, UDP, IPv4 output and input, loopback, receive queue)
 * allocates nothing per datagram once warm: buffers come from the pool, lookups do not box.
 */
class SteadyStateAllocationTest {
    @Test
    void udpRoundTripsOverTheLoopbackDoNotAllocate() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "needs HotSpot's allocation counter");
        com.sun.management.ThreadMXBean hs = (com.sun.management.ThreadMXBean) mx;
        // Leak detection records a stack trace per acquire: measure the stack, not the detector.
        BufferPool pool = new BufferPool(4096, false);
        ManualClock clock = new ManualClock();
        NetStack stack = new NetStack("alloc", pool, clock);
        UdpSocket server = stack.openUdp();
        server.bind(new InetEndpoint(Ipv4Address.LOOPBACK, 7));
        UdpSocket client = stack.openUdp();
        client.connect(new InetEndpoint(Ipv4Address.LOOPBACK, 7));
        byte[] data = new byte[512];
        byte[] buf = new byte[2048];
        RecvMeta meta = new RecvMeta();
        Runnable roundTrip = () -> {
            client.send(data, 0, data.length, 0);
            stack.poll(clock.nanos());
            server.recvFrom(buf, 0, buf.length, 0, meta);
        };
        for (int i = 0; i < 20_000; i++) {
            roundTrip.run();
        }
        long tid = Thread.currentThread().getId();
        long before = hs.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 10_000; i++) {
            roundTrip.run();
        }
        long allocated = hs.getThreadAllocatedBytes(tid) - before;
        assertEquals(30_000, stack.counters().get(StackCounter.UDP_IN_DATAGRAMS));
        assertTrue(allocated < 10_000 * 8, "allocated " + allocated + " bytes for 10,000 datagrams");
        stack.shutdown();
        pool.assertNoLeaks();
    }

    @Test
    void udpDatagramsBetweenTwoStacksOnASwitchDoNotAllocate() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "needs HotSpot's allocation counter");
        com.sun.management.ThreadMXBean hs = (com.sun.management.ThreadMXBean) mx;
        BufferPool pool = new BufferPool(4096, false);
        ManualClock clock = new ManualClock();
        org.alpenstack.kernel.link.VirtualSwitch sw = new org.alpenstack.kernel.link.VirtualSwitch("sw");
        NetStack a = new NetStack("a", pool, clock);
        NetStack b = new NetStack("b", pool, clock);
        a.addInterface("eth0", sw.newPort("a", 1500), org.alpenstack.kernel.wire.MacAddress.parse("02:00:00:00:00:0a"));
        b.addInterface("eth0", sw.newPort("b", 1500), org.alpenstack.kernel.wire.MacAddress.parse("02:00:00:00:00:0b"));
        a.addAddress("eth0", "10.0.0.1/24");
        b.addAddress("eth0", "10.0.0.2/24");
        UdpSocket server = b.openUdp();
        server.bind(new InetEndpoint(0, 7));
        UdpSocket client = a.openUdp();
        client.connect(new InetEndpoint(Ipv4Address.parse("10.0.0.2"), 7));
        byte[] data = new byte[512];
        byte[] buf = new byte[2048];
        RecvMeta meta = new RecvMeta();
        Runnable roundTrip = () -> {
            client.send(data, 0, data.length, 0);
            for (int i = 0; i < 3; i++) {
                sw.poll(clock.nanos());
                a.poll(clock.nanos());
                b.poll(clock.nanos());
            }
            server.recvFrom(buf, 0, buf.length, 0, meta);
        };
        for (int i = 0; i < 20_000; i++) {
            roundTrip.run();
        }
        long tid = Thread.currentThread().getId();
        long before = hs.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 10_000; i++) {
            roundTrip.run();
        }
        long allocated = hs.getThreadAllocatedBytes(tid) - before;
        assertTrue(b.counters().get(StackCounter.UDP_IN_DATAGRAMS) >= 29_000, "datagrams arrived");
        assertTrue(allocated < 10_000 * 8, "allocated " + allocated + " bytes for 10,000 datagrams");
        a.shutdown();
        b.shutdown();
        sw.discardQueued();
        pool.assertNoLeaks();
    }
}
