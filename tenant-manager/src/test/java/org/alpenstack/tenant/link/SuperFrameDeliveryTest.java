package org.alpenstack.tenant.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.alpenstack.kernel.stack.DropReason;
import org.alpenstack.kernel.stack.StackCounter;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.EtherType;
import org.alpenstack.kernel.wire.EthernetFrame;
import org.alpenstack.kernel.wire.IpProtocol;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.Ipv4Packet;
import org.alpenstack.kernel.wire.MacAddress;
import org.alpenstack.kernel.wire.TcpFlags;
import org.alpenstack.kernel.wire.TcpHeader;
import org.alpenstack.tenant.StackInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A shared NIC asks its port for TCP super-frames whole, and a super-frame's marks (checksum
 * verified, wire segment size) travel through the instance's inbox to its stack, which takes it
 * above the MTU as one packet; the same bytes without the marks are dropped as too long.
 */
class SuperFrameDeliveryTest {
    static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:0a");
    static final MacAddress PEER = MacAddress.parse("02:00:00:00:00:77");
    static final int ADDR = Ipv4Address.parse("192.0.2.10");
    static final int PEER_ADDR = Ipv4Address.parse("192.0.2.77");

    Vertx vertx;
    MemoryPort port;
    SharedNic nic;
    StackInstance inst;
    NicAttachment att;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        port = new MemoryPort();
        nic = SharedNic.open("mem", port);
        inst = await(StackInstance.start(vertx, "gro"));
        att = await(inst.call(stack -> {
            NicAttachment a = nic.attach(inst, MAC, false, new int[] {ADDR});
            inst.addInterface("eth0", a, a.mac());
            assertEquals(0, stack.addAddress("eth0", ADDR, 24));
            return a;
        }));
    }

    @AfterEach
    void stop() throws Exception {
        await(inst.stop());
        nic.close();
        await(vertx.close());
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A 20,000-byte TCP ACK segment to a closed port in one frame, as a local sender's TSO hands it. */
    static byte[] superFrame() {
        int payload = 20_000;
        byte[] f = new byte[EthernetFrame.HEADER_LEN + Ipv4Packet.HEADER_LEN + TcpHeader.HEADER_LEN + payload];
        int ip = EthernetFrame.HEADER_LEN;
        int tcp = ip + Ipv4Packet.HEADER_LEN;
        Bytes.u16(f, 0, (int) (MAC.bits() >>> 32));
        Bytes.u32(f, 2, (int) MAC.bits());
        Bytes.u16(f, 6, (int) (PEER.bits() >>> 32));
        Bytes.u32(f, 8, (int) PEER.bits());
        Bytes.u16(f, EthernetFrame.ETHER_TYPE, EtherType.IPV4);
        Bytes.u8(f, ip, 0x45);
        Bytes.u16(f, ip + Ipv4Packet.TOTAL_LENGTH, f.length - ip);
        Bytes.u8(f, ip + Ipv4Packet.TTL, 64);
        Bytes.u8(f, ip + Ipv4Packet.PROTOCOL, IpProtocol.TCP);
        Bytes.u32(f, ip + Ipv4Packet.SOURCE, PEER_ADDR);
        Bytes.u32(f, ip + Ipv4Packet.DESTINATION, ADDR);
        Ipv4Packet.fillChecksum(f, ip);
        // The checksum field is left as a TSO sender leaves it: not the checksum (the mark vouches).
        TcpHeader.emit(f, tcp, 40000, 9, 1000, 77, TcpFlags.ACK, 65535, 0, null, payload, PEER_ADDR, ADDR);
        Bytes.u16(f, tcp + TcpHeader.CHECKSUM, 0x1234);
        return f;
    }

    long counter(StackCounter c) throws Exception {
        return await(inst.query(stack -> stack.counters().get(c)));
    }

    long tooLong() throws Exception {
        return await(inst.query(stack -> stack.counters().drops(DropReason.IPV4_LONGER_THAN_MTU)));
    }

    void waitForInput(long frames) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counter(StackCounter.ETH_IN_FRAMES) < frames) {
            assertTrue(System.nanoTime() < deadline, "the frame never reached the stack");
            Thread.sleep(2);
        }
    }

    @Test
    void theNicAsksItsPortForWholeSuperFrames() {
        assertTrue(port.receivesTcpSuperFrames());
    }

    @Test
    void aMarkedSuperFrameReachesTcpAndAnUnmarkedOneIsDropped() throws Exception {
        long in = counter(StackCounter.ETH_IN_FRAMES);
        byte[] f = superFrame();
        att.offer(f, 0, f.length, true, 1448);
        att.flushInbox();
        waitForInput(in + 1);
        assertEquals(0, tooLong());
        assertEquals(1, counter(StackCounter.IP_IN_DELIVERS), "IPv4 delivered it to TCP whole");
        assertEquals(0L, (long) await(inst.query(stack -> stack.tcp().counters().drops(DropReason.TCP_BAD_CHECKSUM))),
                "its checksum taken on the port's word");

        att.offer(f, 0, f.length, true, 0);
        att.flushInbox();
        waitForInput(in + 2);
        assertEquals(1, tooLong(), "without its segment size it is an oversize frame");
        assertEquals(1, counter(StackCounter.IP_IN_DELIVERS));
    }
}
