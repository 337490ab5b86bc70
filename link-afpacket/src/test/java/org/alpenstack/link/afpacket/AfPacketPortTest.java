package org.alpenstack.link.afpacket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.MacAddress;
import org.alpenstack.link.afpacket.sys.NativeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An AF_PACKET port on one end of a veth pair, a Linux kernel on the other, each in a network
 * namespace of its own that the test creates and removes. Needs root; skipped otherwise.
 */
class AfPacketPortTest {
    static final MacAddress INSTANCE_MAC = MacAddress.parse("02:a1:00:00:00:02");
    static final MacAddress OTHER_MAC = MacAddress.parse("02:a1:00:00:00:03");
    static final int LOCAL_IP = Ipv4Address.parse(Testbed.LOCAL_IP);
    static final int PEER_IP = Ipv4Address.parse(Testbed.PEER_IP);

    Testbed bed;

    @BeforeEach
    void setUp() {
        Privileges.assumeNetworkTestsCanRun();
        bed = Testbed.create();
    }

    @AfterEach
    void tearDown() {
        if (bed != null) {
            bed.close();
        }
    }

    AfPacketPort openLocal(BpfProgram filter) {
        return NetNamespace.call(bed.local, () -> AfPacketPort.open(bed.localDev, AfPacketConfig.DEFAULTS, filter));
    }

    @Test
    void receivesTheArpRequestsOfALinuxPeer() throws Exception {
        try (AfPacketPort port = openLocal(null)) {
            MacAddress peerMac = MacAddress.parse(bed.peerMac());
            TinyHost listener = new TinyHost(INSTANCE_MAC.bits(), Ipv4Address.parse("192.0.2.77"));
            PeerPing ping = PeerPing.start(bed.peer, Testbed.LOCAL_IP, 2, 300, 800);
            listener.listenWhile(port, ping);
            assertEquals(0, ping.received(), "nobody answers: " + ping.output());

            long arps = listener.seen.stream().filter(f -> Frames.isArpRequestFor(f, 0, f.length, LOCAL_IP)).count();
            assertTrue(arps >= 1, "ARP requests for " + Testbed.LOCAL_IP + " from the peer, saw " + listener.seen.size() + " frames");
            byte[] arp = listener.seen.stream().filter(f -> Frames.isArpRequestFor(f, 0, f.length, LOCAL_IP)).findFirst().get();
            assertEquals(peerMac.bits(), Frames.srcMac(arp, 0));
            assertEquals(MacAddress.BROADCAST.bits(), Frames.dstMac(arp, 0));
            assertEquals(PEER_IP, Frames.arpSenderIp(arp, 0));
            assertTrue(port.rxStats().framesDelivered() >= arps);
            port.readKernelStatistics();
            assertTrue(port.rxStats().kernelPackets() >= arps);
            assertEquals(0, port.rxStats().kernelDrops());
        }
    }

    @Test
    void theFilterLetsOnlyTheWantedMacThroughAndFollowsChanges() throws Exception {
        BpfProgram onlyInstance = BpfProgram.builder().acceptDestination(INSTANCE_MAC).build();
        try (AfPacketPort port = openLocal(onlyInstance)) {
            bed.inPeer("ip", "neigh", "replace", "192.0.2.11", "lladdr", INSTANCE_MAC.toString(), "dev", bed.peerDev, "nud", "permanent");
            bed.inPeer("ip", "neigh", "replace", "192.0.2.12", "lladdr", OTHER_MAC.toString(), "dev", bed.peerDev, "nud", "permanent");

            TinyHost seen = pingBothAndListen(port);
            assertTrue(count(seen, INSTANCE_MAC) >= 2, "echo requests to the instance MAC pass");
            assertEquals(0, count(seen, OTHER_MAC), "echo requests to another MAC are filtered in the kernel");
            assertEquals(0, seen.seen.stream().filter(f -> !MacAddress.isMulticast(Frames.dstMac(f, 0))
                    && Frames.dstMac(f, 0) != INSTANCE_MAC.bits()).count(), "no other unicast frame passes");

            port.setFilter(BpfProgram.builder().acceptDestination(OTHER_MAC).build());
            TinyHost after = pingBothAndListen(port);
            assertEquals(0, count(after, INSTANCE_MAC), "after re-attaching, the old MAC is filtered");
            assertTrue(count(after, OTHER_MAC) >= 2, "after re-attaching, the new MAC passes");
        }
    }

    private TinyHost pingBothAndListen(AfPacketPort port) throws Exception {
        TinyHost seen = new TinyHost(0x0200_0000_0099L, 0);
        PeerPing a = PeerPing.start(bed.peer, "192.0.2.11", 2, 200, 600);
        PeerPing b = PeerPing.start(bed.peer, "192.0.2.12", 2, 200, 600);
        seen.listenWhile(port, a, b);
        a.received();
        b.received();
        return seen;
    }

    private static long count(TinyHost h, MacAddress dst) {
        return h.seen.stream().filter(f -> Frames.dstMac(f, 0) == dst.bits() && Frames.etherType(f, 0) == Frames.ETH_IPV4).count();
    }

    @Test
    void handBuiltArpAndEchoRepliesAreAcceptedByTheLinuxPeer() throws Exception {
        try (AfPacketPort port = openLocal(BpfProgram.builder().acceptDestination(INSTANCE_MAC).build())) {
            port.addUnicastMac(INSTANCE_MAC);
            TinyHost host = new TinyHost(INSTANCE_MAC.bits(), LOCAL_IP);
            PeerPing ping = PeerPing.start(bed.peer, Testbed.LOCAL_IP, 3, 200);
            host.serveWhile(port, ping, 20_000);
            assertEquals(3, ping.received(), "echo replies through the AF_PACKET port: " + ping.output()
                    + "\nframes seen: " + host.seen.size());
            assertTrue(host.arpRequests >= 1);
            assertEquals(3, host.echoRequests);
            String neigh = bed.inPeer("ip", "neigh", "show", Testbed.LOCAL_IP).output();
            assertTrue(neigh.contains(INSTANCE_MAC.toString()), "the peer learned our MAC from the ARP reply: " + neigh);
        }
    }

    @Test
    void unicastMembershipPutsTheMacIntoTheDeviceFilter() {
        try (AfPacketPort port = openLocal(null)) {
            String before = Sh.ok("bridge", "-n", bed.local, "fdb", "show", "dev", bed.localDev);
            assertFalse(before.contains(INSTANCE_MAC.toString()), before);

            port.addUnicastMac(INSTANCE_MAC);
            String joined = Sh.ok("bridge", "-n", bed.local, "fdb", "show", "dev", bed.localDev);
            assertTrue(joined.contains(INSTANCE_MAC.toString()), "dev_uc list after PACKET_ADD_MEMBERSHIP:\n" + joined);
            assertEquals(java.util.Set.of(INSTANCE_MAC), port.unicastMacs());

            port.removeUnicastMac(INSTANCE_MAC);
            String left = Sh.ok("bridge", "-n", bed.local, "fdb", "show", "dev", bed.localDev);
            assertFalse(left.contains(INSTANCE_MAC.toString()), "after PACKET_DROP_MEMBERSHIP:\n" + left);

            port.addUnicastMac(OTHER_MAC);
        }
        String closed = Sh.ok("bridge", "-n", bed.local, "fdb", "show", "dev", bed.localDev);
        assertFalse(closed.contains(OTHER_MAC.toString()), "closing the socket drops its memberships:\n" + closed);
    }

    @Test
    void aMissingDeviceIsReportedWithErrnoAndAdvice() {
        NativeException e = assertThrows(NativeException.class,
                () -> NetNamespace.call(bed.local, () -> AfPacketPort.open("nosuchdev0")));
        assertEquals(Errno.ENODEV, e.errno());
        assertTrue(e.getMessage().contains("nosuchdev0"), e.getMessage());
        assertTrue(e.getMessage().contains("ENODEV"), e.getMessage());
        assertTrue(e.getMessage().contains("ip link"), e.getMessage());
    }

    @Test
    void aClosedPortSaysSoAndWakeupEndsAWait() throws Exception {
        AfPacketPort port = openLocal(BpfProgram.dropAll());
        Thread waker = new Thread(() -> {
            sleep(200);
            port.wakeup();
        });
        waker.start();
        long t0 = System.nanoTime();
        assertEquals(0, port.receiveBatch(10_000, b -> { }));
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "wakeup ended the wait");
        waker.join();

        Thread closer = new Thread(() -> {
            sleep(200);
            port.close();
        });
        closer.start();
        assertEquals(-1, port.receiveBatch(10_000, b -> { }), "close during a wait ends the loop");
        closer.join();
        assertFalse(port.isOpen());
        FrameTransmitter tx = port.newTransmitter();
        org.alpenstack.kernel.buf.BufferPool pool = new org.alpenstack.kernel.buf.BufferPool();
        org.alpenstack.kernel.buf.PacketBuffer b = pool.acquire(60);
        b.append(60);
        tx.transmit(b);
        assertEquals(0, tx.flush());
        assertEquals(1, tx.stats().droppedClosed());
        pool.assertNoLeaks();
    }

    @Test
    void partialChecksumsFromAnOffloadingPeerAreCompleted() throws Exception {
        try (AfPacketPort port = openLocal(BpfProgram.builder().acceptDestination(INSTANCE_MAC).acceptGroupAddressed(false).build())) {
            bed.inPeer("ip", "neigh", "replace", Testbed.LOCAL_IP, "lladdr", INSTANCE_MAC.toString(), "dev", bed.peerDev, "nud", "permanent");
            // veth has tx-checksumming on by default: the peer's UDP leaves with CHECKSUM_PARTIAL.
            Process send = Sh.start(bed.peerCommand("bash", "-c",
                    "for i in 1 2 3; do echo hello-alpenstack-$i > /dev/udp/" + Testbed.LOCAL_IP + "/9999; done"));
            TinyHost seen = new TinyHost(0, 0);
            seen.listen(port, 1500);
            assertEquals(0, send.waitFor(), Sh.output(send));

            long udp = 0;
            for (byte[] f : seen.seen) {
                if (Frames.etherType(f, 0) == Frames.ETH_IPV4 && Frames.ipProtocol(f, 0) == 17) {
                    udp++;
                    assertTrue(Frames.l4ChecksumOk(f, 0), "UDP checksum complete: " + Bytes.hex(f, 0, f.length));
                }
            }
            assertEquals(3, udp);
            assertEquals(3, port.rxStats().checksumsCompleted(), "the peer offloaded the checksums: " + port.rxStats());
        }
    }

    @Test
    void gsoSuperFramesFromAnOffloadingPeerAreSplitIntoValidSegments() throws Exception {
        // Here the local namespace's kernel is the TCP receiver; the port only watches the
        // veth, and sees the peer's TSO super-frames before anyone segments them.
        Sh.ok("ip", "-n", bed.local, "addr", "add", Testbed.LOCAL_IP + "/24", "dev", bed.localDev);
        int total = 300_000;
        try (AfPacketPort port = openLocal(BpfProgram.builder().acceptIpv4Destination(LOCAL_IP).acceptArp(false)
                .acceptGroupAddressed(false).build());
                ServerSocket server = NetNamespace.call(bed.local, () -> {
                    ServerSocket s = new ServerSocket();
                    s.bind(new InetSocketAddress(InetAddress.getByName(Testbed.LOCAL_IP), 5001));
                    return s;
                })) {
            AtomicLong received = new AtomicLong();
            Thread sink = new Thread(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    byte[] buf = new byte[65536];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        received.addAndGet(n);
                    }
                } catch (Exception ignored) {
                    // the test's assertions report what arrived
                }
            });
            sink.start();
            Socket client = NetNamespace.call(bed.peer, () -> {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(InetAddress.getByName(Testbed.LOCAL_IP), 5001), 5000);
                return s;
            });
            long payload = 0;
            int maxFrame = 0;
            int segments = 0;
            byte[] data = Frames.pattern(total, 9);
            Thread writer = new Thread(() -> {
                try (OutputStream out = client.getOutputStream()) {
                    out.write(data);
                } catch (Exception ignored) {
                    // reported through the byte counts below
                } finally {
                    try {
                        client.close();
                    } catch (Exception ignored) {
                        // closing a socket the test owns
                    }
                }
            });
            writer.start();
            long end = System.nanoTime() + 10_000_000_000L;
            long[] acc = new long[3];
            while (System.nanoTime() < end && (writer.isAlive() || acc[0] < total)) {
                port.receiveBatch(50, b -> {
                    for (int i = 0; i < b.count(); i++) {
                        byte[] a = b.array();
                        int o = b.offset(i);
                        if (Frames.etherType(a, o) != Frames.ETH_IPV4 || Frames.ipProtocol(a, o) != 6) {
                            continue;
                        }
                        assertTrue(Frames.ipv4HeaderChecksumOk(a, o));
                        assertTrue(Frames.l4ChecksumOk(a, o), "TCP checksum of every delivered segment");
                        int l4 = Frames.l4Offset(a, o);
                        int dataLen = Frames.l4Length(a, o) - ((a[l4 + 12] >> 4) & 0x0f) * 4;
                        acc[0] += dataLen;
                        acc[1] = Math.max(acc[1], b.length(i));
                        acc[2]++;
                    }
                });
            }
            writer.join(5000);
            sink.join(5000);
            payload = acc[0];
            maxFrame = (int) acc[1];
            segments = (int) acc[2];
            assertEquals(total, received.get(), "the kernel receiver got everything");
            assertTrue(payload >= total, "the port saw all the payload (" + payload + " of " + total + ") " + port.rxStats());
            assertTrue(maxFrame <= 1514, "no delivered frame exceeds the MTU: " + maxFrame);
            assertTrue(port.rxStats().gsoFramesSplit() > 0, "the peer used TSO and the port split it: " + port.rxStats());
            assertTrue(segments > port.rxStats().gsoFramesSplit());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void ethtoolSwitchesThePeersOffloadsOffAndThenChecksumsArriveComplete() throws Exception {
        boolean tsoBefore = NetNamespace.call(bed.peer, () -> {
            try (NetDevice d = NetDevice.open()) {
                boolean before = Ethtool.get(d, bed.peerDev, Ethtool.Offload.TSO);
                Ethtool.disableOffloads(d, bed.peerDev);
                assertFalse(Ethtool.get(d, bed.peerDev, Ethtool.Offload.TSO));
                assertFalse(Ethtool.get(d, bed.peerDev, Ethtool.Offload.TX_CHECKSUM));
                return before;
            }
        });
        assertTrue(tsoBefore, "veth starts with TSO on");
        if (Sh.onPath("ethtool")) {
            Sh.Result r = bed.inPeer("ethtool", "-k", bed.peerDev);
            String k = r.exit() + ": " + r.output();
            // The legacy ETHTOOL_STSO switches the classic TSO bits; feature bits newer than the
            // ioctl (tx-tcp-accecn-segmentation on 6.18) are out of its reach, see the README.
            assertTrue(k.contains("tx-tcp-segmentation: off"), k);
            assertTrue(k.contains("tx-tcp6-segmentation: off"), k);
            assertTrue(k.contains("tx-checksumming: off"), k);
        }
        try (AfPacketPort port = openLocal(BpfProgram.builder().acceptDestination(INSTANCE_MAC).acceptGroupAddressed(false).build())) {
            bed.inPeer("ip", "neigh", "replace", Testbed.LOCAL_IP, "lladdr", INSTANCE_MAC.toString(), "dev", bed.peerDev, "nud", "permanent");
            Process send = Sh.start(bed.peerCommand("bash", "-c", "echo no-offload > /dev/udp/" + Testbed.LOCAL_IP + "/9999"));
            TinyHost seen = new TinyHost(0, 0);
            seen.listen(port, 800);
            assertEquals(0, send.waitFor());
            byte[] udp = seen.seen.stream().filter(f -> Frames.etherType(f, 0) == Frames.ETH_IPV4 && Frames.ipProtocol(f, 0) == 17)
                    .findFirst().orElseThrow(() -> new AssertionError("the UDP datagram arrives"));
            assertTrue(Frames.l4ChecksumOk(udp, 0));
            assertEquals(0, port.rxStats().checksumsCompleted(), "the peer computed the checksum itself");
        }
    }
}
