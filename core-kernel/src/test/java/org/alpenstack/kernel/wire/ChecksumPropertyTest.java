package org.alpenstack.kernel.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ChecksumPropertyTest {

    @Property(tries = 1000)
    void fastSumEqualsTheWordByWordReference(@ForAll @Size(max = 300) byte[] data, @ForAll @IntRange(max = 9) int off) {
        byte[] a = new byte[off + data.length];
        System.arraycopy(data, 0, a, off, data.length);
        assertEquals(ChecksumTest.referenceSum(a, off, data.length), Checksum.fold(Checksum.partial(a, off, data.length)));
    }

    @Property(tries = 1000)
    void aComputedChecksumVerifies(@ForAll @Size(min = 2, max = 300) byte[] data, @ForAll int source,
                                   @ForAll int destination, @ForAll @IntRange(max = 255) int protocol) {
        // The checksum field is the first word, zeroed before computing (as for ICMP).
        data[0] = 0;
        data[1] = 0;
        Bytes.u16(data, 0, Checksum.compute(data, 0, data.length));
        assertTrue(Checksum.verify(data, 0, data.length));
        Bytes.u16(data, 0, 0);
        Bytes.u16(data, 0, Checksum.compute(data, 0, data.length, source, destination, protocol));
        assertTrue(Checksum.verify(data, 0, data.length, source, destination, protocol));
    }

    @Property(tries = 1000)
    void piecewiseSumsAddUpWhenEveryPieceButTheLastIsEven(@ForAll @Size(max = 200) byte[] data,
                                                         @ForAll @IntRange(max = 100) int half) {
        int cut = Math.min(2 * half, data.length);
        long whole = Checksum.partial(data, 0, data.length);
        long pieces = Checksum.partial(data, 0, cut) + Checksum.partial(data, cut, data.length - cut);
        assertEquals(Checksum.fold(whole), Checksum.fold(pieces));
    }

    @Property(tries = 1000)
    void incrementalUpdateEqualsRecomputation(@ForAll @Size(value = 20) byte[] header,
                                              @ForAll @IntRange(min = 1, max = 9) int field, @ForAll int newValue) {
        // Word 0 of an IPv4 header (version 4) is never zero; see Checksum.update16 on the all-zero case.
        header[0] = 0x45;
        Bytes.u16(header, 10, 0);
        Bytes.u16(header, 10, Checksum.compute(header, 0, 20));
        int at = field < 5 ? 2 * field : 12 + 2 * (field - 5) % 8; // any 16-bit word but the checksum
        int old = Bytes.u16(header, at);
        int updated = Checksum.update16(Bytes.u16(header, 10), old, newValue & 0xffff);
        Bytes.u16(header, at, newValue);
        Bytes.u16(header, 10, updated);
        assertTrue(Checksum.verify(header, 0, 20));

        int oldAddress = Bytes.u32(header, 12);
        Bytes.u16(header, 10, Checksum.update32(Bytes.u16(header, 10), oldAddress, newValue));
        Bytes.u32(header, 12, newValue);
        assertTrue(Checksum.verify(header, 0, 20));
    }
}
