package org.alpenstack.link.afpacket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.link.Link;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.Checksum;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.link.afpacket.sys.VirtioNetHdr;
import org.junit.jupiter.api.Test;

/**
 * Transmit offloads through PACKET_VNET_HDR: the virtio_net_hdr we write for the stack's
 * requests, and (as root, on a veth pair) a TCP super-segment with a partial checksum sent as one
 * frame that the kernel accepts and a packet socket on the other end sees as valid segments.
 */
class TxOffloadTest {
    static final int LOCAL_IP = Ipv4Address.parse(Testbed.LOCAL_IP);
    static final int PEER_IP = Ipv4Address.parse(Testbed.PEER_IP);
    private final BufferPool pool = new BufferPool();

    /** A frame as the stack leaves it: TCP with a partial checksum, cut into {@code gso}-byte segments if non-zero. */
    private PacketBuffer tcpFrame(byte[] payload, int seq, int flags, int gso) {
        byte[] f = Frames.ipv4(0x0200_0000_0077L, 0x0200_0000_0001L, LOCAL_IP, PEER_IP, 6, 1,
                Frames.tcp(40000, 9, seq, 1, flags, payload));
        int tcpLen = 20 + payload.length;
        Bytes.u16(f, 34 + 16, Checksum.fold(Checksum.pseudoHeader(LOCAL_IP, PEER_IP, 6, tcpLen)));
        PacketBuffer b = pool.acquire(f.length);
        b.append(f, 0, f.length);
        b.checksumPartial(34, 16);
        if (gso > 0) {
            b.gsoSize(gso);
        }
        return b;
    }

    @Test
    void theVirtioHeaderSaysWhatTheStackAskedFor() {
        java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(VirtioNetHdr.SIZE).order(java.nio.ByteOrder.nativeOrder());
        PacketBuffer seg = tcpFrame(new byte[3000], 0, 0x10 | 0x80, 1448);
        TxOffload.writeHeader(h, 0, seg);
        assertEquals(VirtioNetHdr.F_NEEDS_CSUM, h.get(VirtioNetHdr.FLAGS));
        assertEquals(VirtioNetHdr.GSO_TCPV4 | VirtioNetHdr.GSO_ECN, h.get(VirtioNetHdr.GSO_TYPE) & 0xff, "CWR set: SKB_GSO_TCP_ECN");
        assertEquals(14 + 20 + 20, h.getShort(VirtioNetHdr.HDR_LEN), "headers every segment repeats");
        assertEquals(1448, h.getShort(VirtioNetHdr.GSO_SIZE));
        assertEquals(34, h.getShort(VirtioNetHdr.CSUM_START));
        assertEquals(16, h.getShort(VirtioNetHdr.CSUM_OFFSET));
        seg.release();

        PacketBuffer plain = tcpFrame(new byte[100], 0, 0x10, 0);
        TxOffload.writeHeader(h, 0, plain);
        assertEquals(VirtioNetHdr.F_NEEDS_CSUM, h.get(VirtioNetHdr.FLAGS));
        assertEquals(VirtioNetHdr.GSO_NONE, h.get(VirtioNetHdr.GSO_TYPE));
        assertEquals(0, h.getShort(VirtioNetHdr.GSO_SIZE));
        plain.clearOffload();
        TxOffload.writeHeader(h, 0, plain);
        for (int i = 0; i < VirtioNetHdr.SIZE; i++) {
            assertEquals(0, h.get(i), "a complete frame asks for nothing");
        }
        plain.release();
        pool.assertNoLeaks();
    }

    @Test
    void aSuperSegmentLeavesAsOneFrameAndArrivesAsValidSegments() throws Exception {
        Privileges.assumeNetworkTestsCanRun();
        try (Testbed bed = Testbed.create();
                AfPacketPort local = NetNamespace.call(bed.local, () -> AfPacketPort.open(bed.localDev, AfPacketConfig.DEFAULTS,
                        BpfProgram.dropAll()));
                AfPacketPort peer = NetNamespace.call(bed.peer, () -> AfPacketPort.open(bed.peerDev, AfPacketConfig.DEFAULTS,
                        BpfProgram.builder().acceptIpv4Destination(PEER_IP).acceptArp(false).acceptGroupAddressed(false).build()))) {
            assertEquals(Link.OFFLOAD_TSO | Link.OFFLOAD_TX_CHECKSUM, local.txOffloads());
            FrameTransmitter tx = local.newTransmitter();
            byte[] big = Frames.pattern(20_000, 5);
            byte[] small = Frames.pattern(700, 6);
            assertTrue(tx.transmit(tcpFrame(big, 1000, 0x18, 1448)));
            assertTrue(tx.transmit(tcpFrame(small, 1000 + big.length, 0x18, 0)));
            assertEquals(2, tx.flush(), "two frames, one system call: " + tx.stats());
            pool.assertNoLeaks();

            expectSegments(peer, big, small);
        }
    }

    /** Receives on {@code port} the wire segments of {@code big} then {@code small} and checks them. */
    private static void expectSegments(AfPacketPort port, byte[] big, byte[] small) {
        List<byte[]> seen = new ArrayList<>();
        long end = System.nanoTime() + 5_000_000_000L;
        while (seen.size() < 15 && System.nanoTime() < end) {
            port.receiveBatch(200, b -> {
                for (int i = 0; i < b.count(); i++) {
                    byte[] f = new byte[b.length(i)];
                    System.arraycopy(b.array(), b.offset(i), f, 0, f.length);
                    if (Frames.etherType(f, 0) == Frames.ETH_IPV4 && Frames.ipProtocol(f, 0) == 6) {
                        seen.add(f);
                    }
                }
            });
        }
        assertEquals(15, seen.size(), "ceil(20000 / 1448) = 14 segments and the small frame");
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (byte[] f : seen) {
            assertTrue(f.length <= 1514, "wire-sized: " + f.length);
            assertTrue(Frames.ipv4HeaderChecksumOk(f, 0));
            assertTrue(Frames.l4ChecksumOk(f, 0), "the TCP checksum the kernel completed");
            int l4 = Frames.l4Offset(f, 0);
            assertEquals(1000 + data.size(), Bytes.u32(f, l4 + 4), "sequence numbers follow the payload");
            data.write(f, l4 + 20, Frames.l4Length(f, 0) - 20);
        }
        byte[] all = new byte[big.length + small.length];
        System.arraycopy(big, 0, all, 0, big.length);
        System.arraycopy(small, 0, all, big.length, small.length);
        assertArrayEquals(all, data.toByteArray());
    }

    @Test
    void aTapWithAVirtioHeaderTakesASuperSegmentTooAndTheHostSeesValidSegments() {
        Privileges.assumeNetworkTestsCanRun();
        String ns = Testbed.namespace("tso");
        try {
            String name = Testbed.uniqueDeviceName("alpt");
            // The tap's host side has the peer's address; a packet socket on it sees what we write.
            try (TapPort tap = NetNamespace.call(ns, () -> TapPort.open(TapDevice.createWithAddress(name, true, PEER_IP, 24)));
                    AfPacketPort host = NetNamespace.call(ns, () -> AfPacketPort.open(name, AfPacketConfig.DEFAULTS,
                            BpfProgram.builder().acceptIpv4Destination(PEER_IP).acceptArp(false).acceptGroupAddressed(false).build()))) {
                assertEquals(Link.OFFLOAD_TSO | Link.OFFLOAD_TX_CHECKSUM, tap.txOffloads());
                FrameTransmitter tx = tap.newTransmitter();
                byte[] big = Frames.pattern(20_000, 7);
                byte[] small = Frames.pattern(700, 8);
                assertTrue(tx.transmit(tcpFrame(big, 1000, 0x18, 1448)), tx.stats().toString());
                assertTrue(tx.transmit(tcpFrame(small, 1000 + big.length, 0x18, 0)), tx.stats().toString());
                pool.assertNoLeaks();
                expectSegments(host, big, small);
            }
        } finally {
            Testbed.deleteNamespace(ns);
        }
    }
}
