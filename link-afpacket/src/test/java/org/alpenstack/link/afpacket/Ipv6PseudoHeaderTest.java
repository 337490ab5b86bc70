package org.alpenstack.link.afpacket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.alpenstack.kernel.wire.Checksum;
import org.junit.jupiter.api.Test;

/** The IPv6 pseudo-header sum against RFC 8200 section 8.1's layout, one 16-bit word at a time. */
class Ipv6PseudoHeaderTest {
    /** The 40-byte pseudo-header written out and summed word by word with end-around carry. */
    private static int reference(byte[] a, int ip, int nextHeader, int l4Length) {
        byte[] p = new byte[40];
        System.arraycopy(a, ip + 8, p, 0, 32); // source, destination
        p[32] = (byte) (l4Length >>> 24);
        p[33] = (byte) (l4Length >>> 16);
        p[34] = (byte) (l4Length >>> 8);
        p[35] = (byte) l4Length;
        p[39] = (byte) nextHeader; // three zero bytes, then next header
        long sum = 0;
        for (int i = 0; i < 40; i += 2) {
            sum += ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    @Test
    void sumsAddressesLengthAndNextHeaderAsTheRfcLaysThemOut() {
        Random random = new Random(8200);
        byte[] a = new byte[60];
        for (int round = 0; round < 1000; round++) {
            random.nextBytes(a);
            if (round % 4 == 0) {
                java.util.Arrays.fill(a, (byte) 0xff); // every carry
            }
            int ip = random.nextInt(20);
            int next = round % 2 == 0 ? 6 : 17;
            int len = round < 10 ? 0x1_0000 + round : random.nextInt(0x10_0000); // jumbograms too
            assertEquals(reference(a, ip, next, len), Checksum.fold(Ipv6PseudoHeader.sum(a, ip, next, len)),
                    "ip " + ip + " len " + len);
        }
    }
}
