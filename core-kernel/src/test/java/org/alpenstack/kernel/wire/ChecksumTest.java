package org.alpenstack.kernel.wire;

import static org.alpenstack.kernel.wire.Bytes.fromHex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ChecksumTest {

    /** The straightforward RFC 1071 loop over 16-bit words, as a reference for the fast sum. */
    static int referenceSum(byte[] a, int off, int len) {
        long sum = 0;
        for (int i = 0; i < len; i += 2) {
            int hi = a[off + i] & 0xff;
            int lo = i + 1 < len ? a[off + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    @Test
    void rfc1071NumericalExampleSumsToDdf2() {
        // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2 (before complementing).
        byte[] a = fromHex("00 01 f2 03 f4 f5 f6 f7");
        assertEquals(0xddf2, Checksum.fold(Checksum.partial(a, 0, a.length)));
        assertEquals(0x220d, Checksum.compute(a, 0, a.length));
    }

    @Test
    void knownIpv4HeaderChecksumIsB861() {
        byte[] header = fromHex("45 00 00 73 00 00 40 00 40 11 00 00 c0 a8 00 01 c0 a8 00 c7");
        assertEquals(0xb861, Checksum.compute(header, 0, header.length));
        Bytes.u16(header, 10, 0xb861);
        assertTrue(Checksum.verify(header, 0, header.length));
        Bytes.u16(header, 10, 0xb862);
        assertFalse(Checksum.verify(header, 0, header.length));
    }

    @Test
    void oddTrailingByteIsPaddedWithZeroOnTheRight() {
        byte[] a = fromHex("ab");
        assertEquals(0xab00, Checksum.fold(Checksum.partial(a, 0, 1)));
        byte[] b = fromHex("12 34 56");
        assertEquals(0x1234 + 0x5600, Checksum.fold(Checksum.partial(b, 0, 3)));
    }

    @Test
    void fastSumEqualsReferenceForEveryLengthAndAlignment() {
        Random random = new Random(1071);
        byte[] a = new byte[300];
        for (int round = 0; round < 20; round++) {
            random.nextBytes(a);
            for (int off = 0; off < 9; off++) {
                for (int len = 0; len <= a.length - off; len += (len < 80 ? 1 : 37)) {
                    assertEquals(referenceSum(a, off, len), Checksum.fold(Checksum.partial(a, off, len)),
                            "off " + off + " len " + len);
                }
            }
        }
    }

    @Test
    void allOnesInputFoldsWithoutLosingCarries() {
        byte[] a = new byte[1500];
        java.util.Arrays.fill(a, (byte) 0xff);
        assertEquals(0xffff, Checksum.fold(Checksum.partial(a, 0, a.length)));
        assertEquals(0, Checksum.compute(a, 0, a.length));
    }

    @Test
    void pseudoHeaderSumsSourceDestinationProtocolAndLength() {
        // 10.0.0.1 -> 10.0.0.2, UDP, 14 bytes: 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 17 + 14
        assertEquals(0x0a00 + 1 + 0x0a00 + 2 + 17 + 14,
                Checksum.fold(Checksum.pseudoHeader(0x0a000001, 0x0a000002, IpProtocol.UDP, 14)));
        // High addresses must not sign-extend.
        assertEquals(Checksum.fold(0xffffL * 4 + 6 + 20),
                Checksum.fold(Checksum.pseudoHeader(0xffffffff, 0xffffffff, 6, 20)));
    }

    @Test
    void rfc1624Equation3GivesPositiveZeroWhereEquation2WouldGiveFfff() {
        // RFC 1624 section 4: m = 0x5555 becomes 0x3285, HC = 0xdd2f; the right answer is 0x0000.
        assertEquals(0x0000, Checksum.update16(0xdd2f, 0x5555, 0x3285));
    }

    @Test
    void incrementalUpdateCannotKnowThatEverythingBecameZero() {
        // An all-zero ICMP echo request's checksum is ~0x0800; turning it into a reply (type 0)
        // makes every word zero, whose checksum must be 0xffff. RFC 1624 equation 3 gives 0.
        assertEquals(0xf7ff, Checksum.compute(new byte[] {8, 0, 0, 0}, 0, 4));
        assertEquals(0x0000, Checksum.update16(0xf7ff, 0x0800, 0x0000));
        assertEquals(0xffff, Checksum.compute(new byte[4], 0, 4));
    }

    @Test
    void incrementalUpdateMatchesRecomputation() {
        Random random = new Random(1624);
        byte[] header = fromHex("45 00 00 54 3a 5c 40 00 40 01 00 00 0a 00 00 01 0a 00 00 02");
        for (int i = 0; i < 2000; i++) {
            random.nextBytes(header);
            header[0] = 0x45;
            Bytes.u16(header, 10, 0);
            int before = Checksum.compute(header, 0, 20);
            Bytes.u16(header, 10, before);

            int oldWord = Bytes.u16(header, 8);
            int newWord = random.nextInt(0x10000);
            Bytes.u16(header, 8, newWord);
            int updated = Checksum.update16(before, oldWord, newWord);
            Bytes.u16(header, 10, updated);
            assertTrue(Checksum.verify(header, 0, 20), () -> "16-bit update " + Bytes.hex(header, 0, 20));

            int oldAddress = Bytes.u32(header, 12);
            int newAddress = random.nextInt();
            Bytes.u32(header, 12, newAddress);
            Bytes.u16(header, 10, Checksum.update32(updated, oldAddress, newAddress));
            assertTrue(Checksum.verify(header, 0, 20), () -> "32-bit update " + Bytes.hex(header, 0, 20));
        }
    }

    @Test
    void checksumWithPseudoHeaderVerifiesAKnownUdpDatagram() {
        byte[] udp = fromHex("cf 84 00 07 00 0e d8 67 68 65 6c 6c 6f 0a");
        assertTrue(Checksum.verify(udp, 0, udp.length, 0x0a000001, 0x0a000002, IpProtocol.UDP));
        assertFalse(Checksum.verify(udp, 0, udp.length, 0x0a000001, 0x0a000003, IpProtocol.UDP));
        Bytes.u16(udp, 6, 0);
        assertEquals(0xd867, Checksum.compute(udp, 0, udp.length, 0x0a000001, 0x0a000002, IpProtocol.UDP));
    }
}
