package org.alpenstack.link.afpacket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** InternetChecksum against RFC 1071's definition: the sum of 16-bit big-endian words, end-around carry. */
class InternetChecksumTest {
    /** The definition, one 16-bit word at a time (an odd last byte padded with zero on the right). */
    static int reference(long acc, byte[] a, int off, int len) {
        long sum = acc;
        for (int i = 0; i < len; i += 2) {
            int hi = a[off + i] & 0xff;
            int lo = i + 1 < len ? a[off + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return InternetChecksum.fold(sum);
    }

    @Test
    void everyLengthAndAlignmentMatchesTheDefinition() {
        Random random = new Random(1071);
        byte[] a = new byte[1600];
        for (int round = 0; round < 3000; round++) {
            random.nextBytes(a);
            if (round % 3 == 0) {
                // Runs of 0xff push every carry path.
                java.util.Arrays.fill(a, (byte) 0xff);
            }
            int off = random.nextInt(16);
            int len = round < 200 ? round : random.nextInt(a.length - off);
            long acc = random.nextInt(1 << 20);
            assertEquals(reference(acc, a, off, len), InternetChecksum.fold(InternetChecksum.add(acc, a, off, len)),
                    () -> "off " + off + " len " + len);
        }
    }

    @Test
    void evenPiecesAddUpToTheWhole() {
        byte[] a = new byte[1500];
        new Random(793).nextBytes(a);
        long whole = InternetChecksum.add(0, a, 0, a.length);
        long pieces = InternetChecksum.add(InternetChecksum.add(0, a, 0, 54), a, 54, a.length - 54);
        assertEquals(InternetChecksum.fold(whole), InternetChecksum.fold(pieces));
        assertEquals(0xffff, InternetChecksum.fold(whole + InternetChecksum.finish(whole)), "a filled-in checksum sums to all ones");
    }
}
