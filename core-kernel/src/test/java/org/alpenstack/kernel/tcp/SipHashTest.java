package org.alpenstack.kernel.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SipHashTest {
    /** The reference key 00 01 02 ... 0f as little-endian words. */
    static final long K0 = 0x0706050403020100L;
    static final long K1 = 0x0f0e0d0c0b0a0908L;

    private static byte[] counting(int n) {
        byte[] m = new byte[n];
        for (int i = 0; i < n; i++) {
            m[i] = (byte) i;
        }
        return m;
    }

    @Test
    void referenceVectors() {
        assertEquals(0x726fdb47dd0e0e31L, SipHash.hash(K0, K1, counting(0), 0, 0));
        assertEquals(0x74f839c593dc67fdL, SipHash.hash(K0, K1, counting(1), 0, 1));
        assertEquals(0x93f5f5799a932462L, SipHash.hash(K0, K1, counting(8), 0, 8));
        assertEquals(0xa129ca6149be45e5L, SipHash.hash(K0, K1, counting(15), 0, 15), "the paper's example");
    }

    @Test
    void twoWordFormEqualsTheByteForm() {
        byte[] m = counting(16);
        long m0 = 0x0706050403020100L;
        long m1 = 0x0f0e0d0c0b0a0908L;
        assertEquals(SipHash.hash(K0, K1, m, 0, 16), SipHash.hash(K0, K1, m0, m1));
        assertEquals(SipHash.hash(3, 4, new byte[16], 0, 16), SipHash.hash(3, 4, 0, 0));
    }

    @Test
    void honoursTheOffset() {
        byte[] padded = new byte[20];
        System.arraycopy(counting(15), 0, padded, 5, 15);
        assertEquals(0xa129ca6149be45e5L, SipHash.hash(K0, K1, padded, 5, 15));
    }
}
