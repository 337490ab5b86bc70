package org.alpenstack.kernel.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.time.ManualClock;
import org.alpenstack.kernel.wire.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapWriterTest {
    private static final long MAC_A = 0x02_00_00_00_00_01L;
    private static final long MAC_B = 0x02_00_00_00_00_02L;
    private static final int IP_A = 0x0a00_0001; // 10.0.0.1
    private static final int IP_B = 0x0a00_0002; // 10.0.0.2
    /** 2023-11-14T22:13:20.123456789Z */
    private static final long T0 = 1_700_000_000_123_456_789L;

    @TempDir
    Path dir;

    // ---- frames built by hand, byte by byte, with their checksums ----

    private static int ethernet(byte[] f, long dst, long src, int type) {
        Bytes.u48(f, 0, dst);
        Bytes.u48(f, 6, src);
        Bytes.u16(f, 12, type);
        return 14;
    }

    /** RFC 826 request: who has 10.0.0.2? tell 10.0.0.1. */
    static byte[] arpRequest() {
        byte[] f = new byte[42];
        int o = ethernet(f, 0xffff_ffff_ffffL, MAC_A, 0x0806);
        Bytes.u16(f, o, 1); // hardware: Ethernet
        Bytes.u16(f, o + 2, 0x0800); // protocol: IPv4
        Bytes.u8(f, o + 4, 6);
        Bytes.u8(f, o + 5, 4);
        Bytes.u16(f, o + 6, 1); // request
        Bytes.u48(f, o + 8, MAC_A);
        Bytes.u32(f, o + 14, IP_A);
        Bytes.u48(f, o + 18, 0);
        Bytes.u32(f, o + 24, IP_B);
        return f;
    }

    /** RFC 1071 Internet checksum of {@code a[off, off+len)} plus an initial partial sum. */
    static int checksum(byte[] a, int off, int len, long initial) {
        long sum = initial;
        for (int i = 0; i + 1 < len; i += 2) {
            sum += Bytes.u16(a, off + i);
        }
        if ((len & 1) != 0) {
            sum += (a[off + len - 1] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static int ipv4(byte[] f, int o, int protocol, int payloadLen) {
        Bytes.u8(f, o, 0x45); // version 4, IHL 5
        Bytes.u8(f, o + 1, 0);
        Bytes.u16(f, o + 2, 20 + payloadLen);
        Bytes.u16(f, o + 4, 0x1c46); // identification
        Bytes.u16(f, o + 6, 0x4000); // DF
        Bytes.u8(f, o + 8, 64); // TTL
        Bytes.u8(f, o + 9, protocol);
        Bytes.u32(f, o + 12, IP_A);
        Bytes.u32(f, o + 16, IP_B);
        Bytes.u16(f, o + 10, checksum(f, o, 20, 0)); // RFC 791 3.1
        return o + 20;
    }

    /** RFC 792 echo request, id 0x1234, sequence 1, 10 bytes of data. */
    static byte[] icmpEchoRequest() {
        byte[] data = "alpenstack".getBytes(StandardCharsets.US_ASCII);
        byte[] f = new byte[14 + 20 + 8 + data.length];
        int o = ipv4(f, ethernet(f, MAC_B, MAC_A, 0x0800), 1, 8 + data.length);
        Bytes.u8(f, o, 8); // echo request
        Bytes.u8(f, o + 1, 0);
        Bytes.u16(f, o + 4, 0x1234);
        Bytes.u16(f, o + 6, 1);
        System.arraycopy(data, 0, f, o + 8, data.length);
        Bytes.u16(f, o + 2, checksum(f, o, 8 + data.length, 0));
        return f;
    }

    /** RFC 768 datagram 10.0.0.1:40000 -> 10.0.0.2:5001 carrying "hello", checksum over the pseudo-header. */
    static byte[] udpDatagram() {
        byte[] data = "hello".getBytes(StandardCharsets.US_ASCII);
        int udpLen = 8 + data.length;
        byte[] f = new byte[14 + 20 + udpLen];
        int o = ipv4(f, ethernet(f, MAC_B, MAC_A, 0x0800), 17, udpLen);
        Bytes.u16(f, o, 40000);
        Bytes.u16(f, o + 2, 5001);
        Bytes.u16(f, o + 4, udpLen);
        System.arraycopy(data, 0, f, o + 8, data.length);
        long pseudo = (IP_A >>> 16) + (IP_A & 0xffff) + (IP_B >>> 16) + (IP_B & 0xffff) + 17 + udpLen;
        int c = checksum(f, o, udpLen, pseudo);
        Bytes.u16(f, o + 6, c == 0 ? 0xffff : c); // RFC 768: a computed zero is sent as all ones
        return f;
    }

    // ---- the file format itself ----

    @Test
    void writesTheClassicGlobalHeaderAndOneRecordPerFrame() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PcapWriter w = new PcapWriter(out);
        byte[] arp = arpRequest();
        w.write(T0, arp, 0, arp.length);
        byte[] p = out.toByteArray();
        assertEquals(24 + 16 + 42, p.length);
        assertEquals(0xa1b2c3d4, Bytes.u32(p, 0));
        assertEquals(2, Bytes.u16(p, 4));
        assertEquals(4, Bytes.u16(p, 6));
        assertEquals(65535, Bytes.u32(p, 16));
        assertEquals(1, Bytes.u32(p, 20)); // LINKTYPE_ETHERNET
        assertEquals(1_700_000_000, Bytes.u32(p, 24));
        assertEquals(123_456, Bytes.u32(p, 28)); // microseconds, truncated
        assertEquals(42, Bytes.u32(p, 32));
        assertEquals(42, Bytes.u32(p, 36));
        assertEquals(1, w.frames());
    }

    @Test
    void cutsFramesLongerThanTheSnaplenButKeepsTheirLength() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PcapWriter w = new PcapWriter(out);
        w.write(0, new byte[70_000], 0, 70_000);
        byte[] p = out.toByteArray();
        assertEquals(65535, Bytes.u32(p, 32));
        assertEquals(70_000, Bytes.u32(p, 36));
        assertEquals(24 + 16 + 65535, p.length);
    }

    // ---- tcpdump reads what we wrote ----

    private static Path tcpdump() {
        for (String p : List.of("/usr/bin/tcpdump", "/usr/sbin/tcpdump")) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        return null;
    }

    private static List<String> run(Path tcpdump, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(tcpdump.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "tcpdump hung");
        assertEquals(0, p.exitValue(), "tcpdump failed:\n" + out);
        return out.lines().filter(l -> !l.startsWith("reading from file")).toList();
    }

    @Test
    void tcpdumpDecodesArpIcmpAndUdpWithTheRightAddressesAndChecksums() throws Exception {
        Path tcpdump = tcpdump();
        assumeTrue(tcpdump != null, "tcpdump is missing (looked in /usr/bin and /usr/sbin): cannot check the pcap with a real reader");
        Path file = dir.resolve("handmade.pcap");
        try (OutputStream out = Files.newOutputStream(file)) {
            PcapWriter w = new PcapWriter(out);
            byte[][] frames = {arpRequest(), icmpEchoRequest(), udpDatagram()};
            for (int i = 0; i < frames.length; i++) {
                w.write(T0 + i * 1_000_000L, frames[i], 0, frames[i].length);
            }
        }
        List<String> lines = run(tcpdump, "-nn", "-tt", "-r", file.toString());
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("1700000000.123456 ARP, Request who-has 10.0.0.2 tell 10.0.0.1"), lines.get(0));
        assertTrue(lines.get(1).startsWith("1700000000.124456 IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 4660, seq 1"), lines.get(1));
        assertTrue(lines.get(2).startsWith("1700000000.125456 IP 10.0.0.1.40000 > 10.0.0.2.5001: UDP, length 5"), lines.get(2));

        List<String> verbose = run(tcpdump, "-nn", "-vv", "-r", file.toString());
        String all = String.join("\n", verbose);
        assertFalse(all.toLowerCase().contains("bad") || all.contains("incorrect"), "tcpdump found a wrong checksum:\n" + all);
        assertTrue(all.contains("udp sum ok"), all);
    }

    @Test
    void aTapRecordsBothDirectionsWithTheClocksTime() throws Exception {
        BufferPool pool = new BufferPool(64, true);
        ManualClock clock = new ManualClock(T0);
        VirtualSwitch sw = new VirtualSwitch("sw");
        ByteArrayOutputStream capture = new ByteArrayOutputStream();
        PcapTap tap = new PcapTap(sw.newPort("a", 1500), new PcapWriter(capture), clock);
        SwitchPort b = sw.newPort("b", 1500);
        TestFrames.Recorder atA = new TestFrames.Recorder();
        tap.attach(atA);
        b.attach(frame -> {
            // B answers every frame with a UDP datagram back to A
            byte[] reply = udpDatagram();
            Bytes.u48(reply, 0, MAC_A);
            Bytes.u48(reply, 6, MAC_B);
            PacketBuffer r = pool.acquire(reply.length);
            r.append(reply, 0, reply.length);
            b.transmit(r);
        });
        byte[] arp = arpRequest();
        PacketBuffer f = pool.acquire(arp.length);
        f.append(arp, 0, arp.length);
        tap.transmit(f);
        sw.poll(clock.nanos());
        clock.advance(2_000_000);
        sw.poll(clock.nanos());
        assertEquals(1, atA.frames.size());
        pool.assertNoLeaks();

        byte[] p = capture.toByteArray();
        int second = 24 + 16 + arp.length;
        assertEquals(123_456, Bytes.u32(p, 28), "transmitted frame stamped when sent");
        assertEquals(125_456, Bytes.u32(p, second + 4), "received frame stamped when delivered");
        assertEquals(0x0806, Bytes.u16(p, 24 + 16 + 12));
        assertEquals(0x0800, Bytes.u16(p, second + 16 + 12));

        Path tcpdump = tcpdump();
        assumeTrue(tcpdump != null, "tcpdump is missing (looked in /usr/bin and /usr/sbin)");
        Path file = dir.resolve("tap.pcap");
        Files.write(file, p);
        List<String> lines = run(tcpdump, "-nn", "-r", file.toString());
        assertEquals(2, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).contains("ARP, Request who-has 10.0.0.2 tell 10.0.0.1"), lines.get(0));
        assertTrue(lines.get(1).contains("10.0.0.1.40000 > 10.0.0.2.5001: UDP, length 5"), lines.get(1));
    }

    @Test
    void anIoFailureSurfacesUnchecked() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }
        };
        org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class, () -> new PcapWriter(broken));
    }
}
