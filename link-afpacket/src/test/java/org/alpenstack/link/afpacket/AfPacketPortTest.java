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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    /** The configuration under test: receiving from the socket's queue here, the ring in {@link AfPacketPortRingTest}. */
    AfPacketConfig config() {
        return AfPacketConfig.DEFAULTS;
    }

    AfPacketPort openLocal(BpfProgram filter) {
        return NetNamespace.call(bed.local, () -> AfPacketPort.open(bed.localDev, config(), filter));
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

    @ParameterizedTest(name = "qdisc bypass {0}")
    @ValueSource(booleans = {false, true})
    void handBuiltArpAndEchoRepliesAreAcceptedByTheLinuxPeer(boolean qdiscBypass) throws Exception {
        AfPacketConfig config = config().withQdiscBypass(qdiscBypass);
        BpfProgram filter = BpfProgram.builder().acceptDestination(INSTANCE_MAC).build();
        try (AfPacketPort port = NetNamespace.call(bed.local, () -> AfPacketPort.open(bed.localDev, config, filter))) {
            port.addUnicastMac(INSTANCE_MAC);
            TinyHost host = new TinyHost(INSTANCE_MAC.bits(), LOCAL_IP);
            PeerPing ping = PeerPing.start(bed.peer, Testbed.LOCAL_IP, 3, 200);
            host.serveWhile(port, ping, 20_000);
            assertEquals(3, ping.received(), "echo replies through the AF_PACKET port: " + ping.output()
                    + "\nframes seen: " + host.seen.size());
            assertTrue(host.arpRequests >= 1);
            assertEquals(3, host.echoRequests);
            assertEquals(0, host.seen.stream().filter(f -> Frames.srcMac(f, 0) == INSTANCE_MAC.bits()).count(),
                    "PACKET_IGNORE_OUTGOING: our own replies do not come back into the ring");
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
    void aLoneFrameIsHandedOverAtOnceNotAfterTheBlockTimeout() throws Exception {
        // A request/response exchange sends one frame and waits: with a ring it would sit in an
        // open block until the retire timer (here 3 s); from the socket's queue it comes at once.
        org.junit.jupiter.api.Assumptions.assumeTrue(config().receive() == AfPacketConfig.Receive.SOCKET,
                "a ring hands a lone frame over when its block times out");
        AfPacketConfig c = config();
        AfPacketConfig slowRetire = new AfPacketConfig(c.blockSize(), c.blockCount(), 3000, c.batchBytes(),
                c.batchFrames(), c.txBatchFrames(), c.qdiscBypass(), c.receive());
        try (AfPacketPort port = NetNamespace.call(bed.local, () -> AfPacketPort.open(bed.localDev, slowRetire, null))) {
            AtomicLong firstFrameAt = new AtomicLong();
            Thread rx = new Thread(() -> {
                long end = System.nanoTime() + 10_000_000_000L;
                while (firstFrameAt.get() == 0 && System.nanoTime() < end) {
                    if (port.receiveBatch(5000, b -> { }) > 0) {
                        firstFrameAt.set(System.nanoTime());
                    }
                }
            }, "rx-" + bed.localDev);
            rx.start();
            Thread.sleep(300); // the RX thread is asleep in poll by now
            long sentAt = System.nanoTime();
            // The peer's kernel asks for the address with one ARP request before the datagram.
            NetNamespace.run(bed.peer, () -> {
                try (java.net.DatagramSocket d = new java.net.DatagramSocket()) {
                    d.send(new java.net.DatagramPacket(new byte[1], 1, InetAddress.getByName(Testbed.LOCAL_IP), 9));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            rx.join(12_000);
            assertTrue(firstFrameAt.get() != 0, "a frame from the peer arrived");
            long millis = (firstFrameAt.get() - sentAt) / 1_000_000;
            assertTrue(millis < 1500, "the frame was handed over after " + millis + " ms, not at once");
        }
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
        // Here the local namespace's kernel is the TCP receiver; the port only watches the veth
        // and sees the peer's TSO super-frames before anyone segments them. The ring is small
        // (4 blocks of 128 KiB) and the transfer wraps it many times: frames keep arriving only
        // if every block is handed back to the kernel. The RX loop runs on its own thread, as
        // in the server, and the sender is paced so that loop can keep up.
        Sh.ok("ip", "-n", bed.local, "addr", "add", Testbed.LOCAL_IP + "/24", "dev", bed.localDev);
        AfPacketConfig smallRing = config().withBlocks(128 * 1024, 4);
        long ringBytes = 4 * 128 * 1024;
        int chunk = 60_000;
        int chunks = 40;
        int total = chunk * chunks;
        BpfProgram toLocal = BpfProgram.builder().acceptIpv4Destination(LOCAL_IP).acceptArp(false).acceptGroupAddressed(false).build();
        try (AfPacketPort port = NetNamespace.call(bed.local, () -> AfPacketPort.open(bed.localDev, smallRing, toLocal));
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
                    // the assertions below report what arrived
                }
            });
            sink.start();

            AtomicLong payload = new AtomicLong();
            AtomicLong maxFrame = new AtomicLong();
            AtomicLong segments = new AtomicLong();
            java.util.List<String> problems = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread rx = new Thread(() -> {
                while (!stop.get()) {
                    port.receiveBatch(1000, b -> {
                        for (int i = 0; i < b.count(); i++) {
                            byte[] a = b.array();
                            int o = b.offset(i);
                            if (Frames.etherType(a, o) != Frames.ETH_IPV4 || Frames.ipProtocol(a, o) != 6) {
                                continue;
                            }
                            if (!Frames.ipv4HeaderChecksumOk(a, o) || !Frames.l4ChecksumOk(a, o)) {
                                problems.add("bad checksum in " + org.alpenstack.kernel.wire.Bytes.hex(a, o, 64));
                            }
                            int l4 = Frames.l4Offset(a, o);
                            payload.addAndGet(Frames.l4Length(a, o) - ((a[l4 + 12] >> 4) & 0x0f) * 4);
                            maxFrame.accumulateAndGet(b.length(i), Math::max);
                            segments.incrementAndGet();
                        }
                    });
                }
            }, "rx-" + bed.localDev);
            rx.start();

            byte[] data = Frames.pattern(chunk, 9);
            NetNamespace.run(bed.peer, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getByName(Testbed.LOCAL_IP), 5001), 5000);
                    OutputStream out = s.getOutputStream();
                    for (int i = 0; i < chunks; i++) {
                        out.write(data);
                        out.flush();
                        Thread.sleep(10);
                    }
                } catch (Exception e) {
                    problems.add("sender: " + e);
                }
            });
            sink.join(10_000);
            long end = System.nanoTime() + 3_000_000_000L;
            while (payload.get() < total && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            stop.set(true);
            port.wakeup();
            rx.join(5000);
            assertFalse(rx.isAlive(), "wakeup ends the RX loop");

            assertEquals(java.util.List.of(), problems);
            assertEquals(total, received.get(), "the kernel receiver got everything");
            port.readKernelStatistics();
            RxStats st = port.rxStats();
            System.out.println("GSO transfer: payload " + payload + " of " + total + ", " + st);
            assertTrue(payload.get() >= 3 * ringBytes, "frames kept coming after the ring wrapped: " + payload + " " + st);
            if (st.kernelDrops() == 0) {
                assertTrue(payload.get() >= total, "without ring drops the port saw all the payload (" + payload + " of " + total
                        + ") " + st);
            }
            assertTrue(maxFrame.get() <= 1514, "no delivered frame exceeds the MTU: " + maxFrame);
            assertTrue(st.gsoFramesSplit() > 0, "the peer used TSO and the port split it: " + st);
            assertTrue(segments.get() > st.gsoFramesSplit());
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

    @Test
    void aVlanTagTheKernelStrippedIsPutBackIntoTheFrame() throws Exception {
        String vlanDev = "afv" + bed.peerDev.substring(3);
        Sh.Result add = bed.inPeer("ip", "link", "add", "link", bed.peerDev, "name", vlanDev, "type", "vlan", "id", "5");
        org.junit.jupiter.api.Assumptions.assumeTrue(add.ok(), "this kernel cannot create 802.1Q devices (8021q): " + add.output());
        Sh.ok(bed.peerCommand("ip", "link", "set", vlanDev, "up"));
        bed.inPeer("ip", "addr", "add", "198.51.100.1/24", "dev", vlanDev);
        try (AfPacketPort port = openLocal(null)) {
            TinyHost seen = new TinyHost(0, 0);
            PeerPing ping = PeerPing.start(bed.peer, "198.51.100.2", 1, 200, 800);
            seen.listenWhile(port, ping);
            byte[] tagged = seen.seen.stream().filter(f -> Frames.etherType(f, 0) == 0x8100).findFirst()
                    .orElseThrow(() -> new AssertionError("a tagged ARP request among " + seen.seen.size() + " frames"));
            assertEquals(5, Bytes.u16(tagged, 14) & 0x0fff, "VLAN id");
            assertEquals(Frames.ETH_ARP, Bytes.u16(tagged, 16), "inner EtherType");
            assertEquals(Ipv4Address.parse("198.51.100.2"), Bytes.u32(tagged, 18 + 24), "ARP target behind the tag");
        }
    }
}
