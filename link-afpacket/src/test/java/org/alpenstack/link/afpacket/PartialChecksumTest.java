package org.alpenstack.link.afpacket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.Checksum;
import org.junit.jupiter.api.Test;

/** Completing CHECKSUM_PARTIAL frames as skb_checksum_help() does. */
class PartialChecksumTest {
    /** What a Linux sender with tx checksum offload leaves in the field: the folded pseudo-header sum. */
    static byte[] partialUdp(byte[] payload) {
        byte[] f = Frames.ipv4(2, 1, 0xc0000201, 0xc0000202, 17, 1, Frames.udp(1111, 2222, payload));
        int len = 8 + payload.length;
        Bytes.u16(f, 34 + 6, Checksum.fold(Frames.pseudoHeaderV4(f, 14, 17, len)));
        return f;
    }

    @Test
    void completesAUdpChecksumFromThePseudoHeaderSum() {
        byte[] f = partialUdp(Frames.pattern(333, 5));
        assertFalse(Frames.l4ChecksumOk(f, 0), "a partial checksum does not verify");
        assertTrue(PartialChecksum.complete(f, 0, f.length, 34, 6));
        assertTrue(Frames.l4ChecksumOk(f, 0));
    }

    @Test
    void ethernetPaddingIsNotSummed() {
        byte[] f = partialUdp(new byte[] {1, 2, 3});
        byte[] padded = Arrays.copyOf(f, 60);
        Arrays.fill(padded, f.length, 60, (byte) 0x5a);
        assertTrue(PartialChecksum.complete(padded, 0, padded.length, 34, 6));
        assertTrue(Frames.l4ChecksumOk(padded, 0));
    }

    @Test
    void offsetsOutsideThePacketChangeNothing() {
        byte[] f = partialUdp(new byte[10]);
        byte[] before = f.clone();
        assertFalse(PartialChecksum.complete(f, 0, f.length, 34, 200));
        assertFalse(PartialChecksum.complete(f, 0, f.length, 4, 6));
        assertEquals(Arrays.toString(before), Arrays.toString(f));
    }
}
