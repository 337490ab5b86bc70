package org.alpenstack.kernel.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SendBufferTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String copy(SendBuffer sb, int seq, int len) {
        byte[] out = new byte[len];
        int n = sb.copyOut(seq, out, 0, len);
        return new String(out, 0, n, StandardCharsets.US_ASCII);
    }

    @Test
    void bytesStayUntilAcknowledged() {
        SendBuffer sb = new SendBuffer(10);
        sb.reset(1001); // ISS = 1000
        assertEquals(10, sb.write(b("0123456789abc"), 0, 13), "only what fits");
        assertEquals(0, sb.free());
        assertEquals("012", copy(sb, 1001, 3), "first segment");
        assertEquals("345", copy(sb, 1004, 3), "second segment");
        assertEquals("012", copy(sb, 1001, 3), "a retransmission reads the same bytes again");
        assertEquals(3, sb.ack(1004));
        assertEquals(1004, sb.startSeq());
        assertEquals(3, sb.free());
        assertEquals("", copy(sb, 1001, 3), "acknowledged bytes are gone");
        assertEquals("789", copy(sb, 1008, 10), "a range past the end is cut short");
        assertEquals(1011, sb.endSeq());
    }

    @Test
    void ackIgnoresOldAcksAndClampsOverTheFin() {
        SendBuffer sb = new SendBuffer(16);
        sb.reset(1);
        sb.write(b("abcd"), 0, 4);
        assertEquals(0, sb.ack(1), "the ACK of the SYN frees no data");
        assertEquals(0, sb.ack(0), "an old ACK frees nothing");
        assertEquals(4, sb.ack(6), "ACK of data and FIN");
        assertEquals(0, sb.length());
        assertEquals(5, sb.startSeq(), "the FIN occupies no buffer space");
    }

    @Test
    void unsentBytesFromSndNxt() {
        SendBuffer sb = new SendBuffer(16);
        sb.reset(100);
        sb.write(b("abcdefgh"), 0, 8);
        assertEquals(8, sb.bytesFrom(100));
        assertEquals(3, sb.bytesFrom(105));
        assertEquals(0, sb.bytesFrom(108));
        assertEquals(0, sb.bytesFrom(120));
    }

    @Test
    void wrapsInTheRingAndAcrossSequenceZero() {
        SendBuffer sb = new SendBuffer(8);
        sb.reset(0xFFFF_FFFC);
        sb.write(b("abcdef"), 0, 6);
        assertEquals(5, sb.ack(1)); // 0xFFFFFFFC + 5 wraps to 1
        sb.write(b("ghijklm"), 0, 7);
        assertEquals(8, sb.length());
        assertEquals("fghijklm", copy(sb, 1, 8));
        assertEquals("jk", copy(sb, 5, 2));
    }

    @Test
    void growKeepsTheBytesAndTheirSequenceNumbers() {
        SendBuffer sb = new SendBuffer(8, 64);
        sb.reset(500);
        sb.write(b("abcdefgh"), 0, 8);
        sb.ack(505);
        sb.write(b("ijklm"), 0, 5);
        assertEquals(32, sb.grow(32));
        assertEquals(24, sb.free());
        byte[] more = new byte[24];
        Arrays.fill(more, (byte) 'z');
        assertEquals(24, sb.write(more, 0, 24));
        assertEquals("fghijklmzz", copy(sb, 505, 10));
        byte[] all = new byte[32];
        assertEquals(32, sb.copyOut(505, all, 0, 32));
        assertArrayEquals(b("fghijklm"), Arrays.copyOf(all, 8));
    }

    @Test
    void storageGrowsWithWritesAndKeepsWrappedBytes() {
        SendBuffer sb = new SendBuffer(16 * 1024, 4 * 1024 * 1024);
        sb.reset(1000);
        assertEquals(0, sb.allocated(), "nothing allocated before the application writes");
        assertEquals(16 * 1024, sb.free());
        assertEquals(4 * 1024 * 1024, sb.grow(8 * 1024 * 1024));
        assertEquals(0, sb.allocated(), "autotuning raises the limit, not the storage");
        byte[] a = new byte[1500];
        Arrays.fill(a, (byte) 'a');
        sb.write(a, 0, 1500);
        assertEquals(SendBuffer.MIN_RING, sb.allocated());
        sb.ack(1000 + 1400);
        byte[] c = new byte[1000];
        Arrays.fill(c, (byte) 'c');
        sb.write(c, 0, 1000); // wraps around the 2 KiB ring
        byte[] d = new byte[5000];
        Arrays.fill(d, (byte) 'd');
        assertEquals(5000, sb.write(d, 0, 5000)); // the ring grows to hold 6,100 bytes
        assertEquals(6100, sb.length());
        assertEquals(6100, sb.allocated(), "doubled, or to what the write needs if that is more");
        byte[] all = new byte[6100];
        assertEquals(6100, sb.copyOut(2400, all, 0, 6100));
        byte[] want = new byte[6100];
        Arrays.fill(want, 0, 100, (byte) 'a');
        Arrays.fill(want, 100, 1100, (byte) 'c');
        Arrays.fill(want, 1100, 6100, (byte) 'd');
        assertArrayEquals(want, all);
    }
}
