package org.alpenstack.tenant.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.socket.RecvMeta;
import org.alpenstack.kernel.stack.NetStack;
import org.alpenstack.kernel.tcp.TcpSocket;
import org.alpenstack.kernel.udp.UdpSocket;
import org.alpenstack.kernel.wire.ArpPacket;
import org.alpenstack.kernel.wire.EtherType;
import org.alpenstack.kernel.wire.EthernetFrame;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.MacAddress;
import org.alpenstack.tenant.StackInstance;
import org.alpenstack.tenant.service.ServiceSpec;
import org.alpenstack.tenant.service.Services;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Four instances on one shared port with nothing behind it: two in MAC mode, two in IP mode.
 * Everything they say to each other is switched inside the process; only group-addressed frames
 * (ARP requests) reach the wire.
 */
class HairpinTest {
    Vertx vertx;
    MemoryPort port;
    SharedNic nic;
    StackInstance a;
    StackInstance b;
    StackInstance c;
    StackInstance d;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        port = new MemoryPort();
        nic = SharedNic.open("mem", port);
        a = instance("a", MacAddress.parse("02:00:00:00:00:0a"), false, "192.0.2.10");
        b = instance("b", MacAddress.parse("02:00:00:00:00:0b"), false, "192.0.2.11");
        c = instance("c", null, true, "192.0.2.20");
        d = instance("d", null, true, "192.0.2.21");
    }

    @AfterEach
    void stop() throws Exception {
        for (StackInstance i : new StackInstance[] {a, b, c, d}) {
            if (i != null) {
                await(i.stop());
            }
        }
        nic.close();
        await(vertx.close());
    }

    StackInstance instance(String name, MacAddress mac, boolean ipMode, String ip) throws Exception {
        StackInstance inst = await(StackInstance.start(vertx, name));
        await(inst.call(stack -> {
            NicAttachment att = nic.attach(inst, mac, ipMode, new int[] {Ipv4Address.parse(ip)});
            inst.addInterface("eth0", att, att.mac());
            assertEquals(0, stack.addAddress("eth0", Ipv4Address.parse(ip), 24));
            Services.start(inst, List.of(ServiceSpec.parse("echo")));
            return null;
        }));
        return inst;
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Polls {@code f} on the instance's context until it returns non-null. */
    static <T> T until(StackInstance inst, Function<NetStack, T> f) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            T v = await(inst.query(f));
            if (v != null) {
                return v;
            }
            Thread.sleep(2);
        }
        throw new AssertionError("timed out");
    }

    String udpEcho(StackInstance from, String to, String text) throws Exception {
        UdpSocket s = await(from.call(stack -> {
            UdpSocket u = stack.openUdp();
            assertEquals(text.length(), u.sendTo(text.getBytes(), 0, text.length(), 0, InetEndpoint.of(to, 7)));
            return u;
        }));
        return until(from, stack -> {
            byte[] buf = new byte[1500];
            int n = s.recvFrom(buf, 0, buf.length, 0, new RecvMeta());
            return n < 0 ? null : new String(buf, 0, n);
        });
    }

    @Test
    void udpEchoBetweenEveryKindOfPairStaysInTheProcess() throws Exception {
        assertEquals("b to a", udpEcho(b, "192.0.2.10", "b to a"), "MAC mode to MAC mode");
        assertEquals("d to c", udpEcho(d, "192.0.2.20", "d to c"), "IP mode to IP mode");
        assertEquals("a to c", udpEcho(a, "192.0.2.20", "a to c"), "MAC mode to IP mode");
        assertEquals("c to b", udpEcho(c, "192.0.2.11", "c to b"), "IP mode to MAC mode");
        for (byte[] f : port.sent()) {
            assertTrue(MacAddress.isBroadcast(EthernetFrame.destination(f, 0)), "only broadcasts may reach the wire");
            assertEquals(EtherType.ARP, EthernetFrame.etherType(f, 0));
        }
        long requests = port.sent().stream().filter(f -> ArpPacket.senderProtocolAddress(f, 14) != ArpPacket.targetProtocolAddress(f, 14))
                .count();
        assertEquals(4, requests, "one ARP request per pair besides the gratuitous announcements, and nothing else");
    }

    @Test
    void tcpEchoOfAQuarterMegabyteBetweenInstances() throws Exception {
        byte[] data = new byte[256 * 1024];
        new Random(7).nextBytes(data);
        TcpSocket s = await(d.call(stack -> {
            TcpSocket t = stack.openTcp();
            assertEquals(-Errno.EINPROGRESS, t.connect(InetEndpoint.of("192.0.2.10", 7)));
            return t;
        }));
        byte[] got = new byte[data.length];
        int[] progress = new int[2]; // written, read
        until(d, stack -> {
            if (progress[0] < data.length) {
                int w = s.write(data, progress[0], data.length - progress[0]);
                if (w > 0) {
                    progress[0] += w;
                }
            }
            int r = s.read(got, progress[1], got.length - progress[1]);
            if (r > 0) {
                progress[1] += r;
            }
            return progress[1] == data.length ? Boolean.TRUE : null;
        });
        assertArrayEquals(data, got);
        await(d.execute(stack -> s.close()));
        for (byte[] f : port.sent()) {
            assertTrue(MacAddress.isBroadcast(EthernetFrame.destination(f, 0)), "no TCP segment may reach the wire");
        }
    }

    @Test
    void aFrameTapSeesBothDirectionsOfAHairpinExchangeUntilRemoved() throws Exception {
        NicAttachment bb = owner("b");
        List<String> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        FrameTap tap = (outbound, f, off, len) -> {
            String what = EthernetFrame.etherType(f, off) == EtherType.ARP ? "arp"
                    : Ipv4Address.toString(org.alpenstack.kernel.wire.Bytes.u32(f, off + 14 + 12)) + ">"
                    + Ipv4Address.toString(org.alpenstack.kernel.wire.Bytes.u32(f, off + 14 + 16));
            seen.add((outbound ? "out " : "in ") + what);
        };
        await(b.execute(stack -> bb.addTap(tap)));
        assertEquals("tapped", udpEcho(b, "192.0.2.10", "tapped"));
        assertTrue(seen.contains("out 192.0.2.11>192.0.2.10"), "the request b sent: " + seen);
        assertTrue(seen.contains("in 192.0.2.10>192.0.2.11"), "the echo b received: " + seen);
        await(b.execute(stack -> bb.removeTap(tap)));
        assertEquals(0, (int) await(b.query(stack -> bb.tapCount())));
        int before = seen.size();
        assertEquals("untapped", udpEcho(b, "192.0.2.10", "untapped"));
        assertEquals(before, seen.size(), "a removed tap sees nothing more: " + seen);
        assertThrows(IllegalStateException.class, () -> bb.addTap(tap), "taps change on the owner's context only");
    }

    @Test
    void demuxFollowsModes() {
        Demux dm = nic.demux();
        NicAttachment aa = owner("a");
        NicAttachment cc = owner("c");
        NicAttachment dd = owner("d");
        byte[] toA = ipv4Frame(MacAddress.parse("02:00:00:00:00:0a").bits(), "192.0.2.10");
        assertSame(aa, dm.unicastOwner(toA, 0, toA.length), "MAC mode: by destination MAC");
        byte[] toC = ipv4Frame(MemoryPort.MAC.bits(), "192.0.2.20");
        assertSame(cc, dm.unicastOwner(toC, 0, toC.length), "IP mode: the NIC's MAC, then the destination address");
        byte[] toNobody = ipv4Frame(MemoryPort.MAC.bits(), "192.0.2.99");
        assertNull(dm.unicastOwner(toNobody, 0, toNobody.length), "the host's own traffic is nobody's here");
        byte[] whoHasC = arpRequest("192.0.2.20");
        assertTrue(dm.groupWants(cc, whoHasC, 0, whoHasC.length), "the owner of the target address sees the request");
        assertFalse(dm.groupWants(dd, whoHasC, 0, whoHasC.length), "another IP-mode instance shares the MAC and must not");
        assertTrue(dm.groupWants(aa, whoHasC, 0, whoHasC.length), "MAC-mode instances see broadcasts");
    }

    NicAttachment owner(String name) {
        for (NicAttachment x : nic.attachments()) {
            if (x.owner().name().equals(name)) {
                return x;
            }
        }
        throw new AssertionError(name);
    }

    static byte[] ipv4Frame(long dstMac, String dstIp) {
        byte[] f = new byte[14 + 20 + 8];
        EthernetFrame.destination(f, 0, dstMac);
        EthernetFrame.source(f, 0, 0x020000000099L);
        EthernetFrame.etherType(f, 0, EtherType.IPV4);
        f[14] = 0x45;
        byte[] ip = Ipv4Address.toBytes(Ipv4Address.parse(dstIp));
        System.arraycopy(ip, 0, f, 14 + 16, 4);
        return f;
    }

    static byte[] arpRequest(String target) {
        byte[] f = new byte[14 + ArpPacket.PACKET_LEN];
        EthernetFrame.destination(f, 0, MacAddress.BROADCAST.bits());
        EthernetFrame.source(f, 0, 0x020000000099L);
        EthernetFrame.etherType(f, 0, EtherType.ARP);
        ArpPacket.emit(f, 14, ArpPacket.OP_REQUEST, 0x020000000099L, Ipv4Address.parse("192.0.2.1"), 0,
                Ipv4Address.parse(target));
        return f;
    }
}
