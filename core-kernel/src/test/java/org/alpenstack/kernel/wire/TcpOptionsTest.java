package org.alpenstack.kernel.wire;

import static org.alpenstack.kernel.wire.Bytes.fromHex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.alpenstack.kernel.stack.DropReason;
import org.junit.jupiter.api.Test;

class TcpOptionsTest {
    /** Linux's SYN: MSS 1460, SACK-permitted, TSval 0x9c2b3f10 TSecr 0, NOP, window scale 7. */
    static final byte[] LINUX_SYN_OPTIONS = fromHex("02 04 05 b4 04 02 08 0a 9c 2b 3f 10 00 00 00 00 01 03 03 07");
    /** Linux's data segment: NOP NOP TS, then NOP NOP SACK with one block. */
    static final byte[] LINUX_DATA_OPTIONS = fromHex(
            "01 01 08 0a 00 00 10 00 00 00 20 00 01 01 05 0a 87 65 44 00 87 65 48 00");

    static TcpOptions parsed(byte[] options) {
        TcpOptions o = new TcpOptions();
        assertNull(TcpOptions.parse(options, 0, options.length, o), () -> "options " + Bytes.hex(options, 0, options.length));
        return o;
    }

    static byte[] emitted(TcpOptions o) {
        byte[] out = new byte[TcpOptions.MAX_LENGTH];
        int n = o.emit(out, 0);
        assertEquals(o.bufferLen(), n);
        return Arrays.copyOf(out, n);
    }

    @Test
    void linuxSynOptionsParse() {
        TcpOptions o = parsed(LINUX_SYN_OPTIONS);
        assertEquals(1460, o.mss());
        assertTrue(o.sackPermitted());
        assertTrue(o.hasTimestamps());
        assertEquals(0x9c2b3f10, o.tsVal());
        assertEquals(0, o.tsEcr());
        assertEquals(7, o.windowScale());
        assertEquals(0, o.sackBlockCount());
    }

    @Test
    void linuxSynOptionsEmitByteForByte() {
        TcpOptions o = new TcpOptions().mss(1460).sackPermitted(true).timestamps(0x9c2b3f10, 0).windowScale(7);
        assertEquals(20, o.bufferLen());
        assertArrayEquals(LINUX_SYN_OPTIONS, emitted(o));
    }

    @Test
    void synWithoutTimestampsPadsSackPermittedWithTwoNops() {
        // Linux with net.ipv4.tcp_timestamps=0: MSS, NOP NOP SACK-perm, NOP WS.
        TcpOptions o = new TcpOptions().mss(1460).sackPermitted(true).windowScale(7);
        assertArrayEquals(fromHex("02 04 05 b4 01 01 04 02 01 03 03 07"), emitted(o));
        assertEquals(o, parsed(emitted(o)));
    }

    @Test
    void synWithTimestampsButNoSackUsesNopNopTs() {
        TcpOptions o = new TcpOptions().mss(536).timestamps(1, 2);
        assertArrayEquals(fromHex("02 04 02 18 01 01 08 0a 00 00 00 01 00 00 00 02"), emitted(o));
    }

    @Test
    void linuxDataSegmentOptionsParseAndEmit() {
        TcpOptions o = parsed(LINUX_DATA_OPTIONS);
        assertFalse(o.hasMss());
        assertFalse(o.hasWindowScale());
        assertFalse(o.sackPermitted());
        assertEquals(0x1000, o.tsVal());
        assertEquals(0x2000, o.tsEcr());
        assertEquals(1, o.sackBlockCount());
        assertEquals(0x87654400, o.sackLeft(0));
        assertEquals(0x87654800, o.sackRight(0));

        TcpOptions built = new TcpOptions().timestamps(0x1000, 0x2000);
        built.addSackBlock(0x87654400, 0x87654800);
        assertEquals(o, built);
        assertArrayEquals(LINUX_DATA_OPTIONS, emitted(built));
    }

    @Test
    void sackBlocksAreLimitedToWhatFitsBesideTheOtherOptions() {
        TcpOptions o = new TcpOptions();
        for (int b = 0; b < 4; b++) {
            assertTrue(o.addSackBlock(1000 * b, 1000 * b + 500));
        }
        assertFalse(o.addSackBlock(9000, 9500), "a fifth block does not fit");
        // Without timestamps: NOP NOP SACK(34) = 36 bytes, all four blocks.
        assertEquals(4, o.sackBlocksThatFit());
        assertEquals(36, o.bufferLen());
        assertEquals(o, parsed(emitted(o)));
        // With timestamps only three fit (12 + 4 + 24 = 40), as in Linux.
        o.timestamps(5, 6);
        assertEquals(3, o.sackBlocksThatFit());
        assertEquals(40, o.bufferLen());
        TcpOptions back = parsed(emitted(o));
        assertEquals(3, back.sackBlockCount());
        assertEquals(2000, back.sackLeft(2));
        assertEquals(2500, back.sackRight(2));
    }

    @Test
    void everyCombinationEmitsAMultipleOfFourThatParsesBack() {
        for (int mask = 0; mask < 16; mask++) {
            for (int blocks = 0; blocks <= 4; blocks++) {
                TcpOptions o = new TcpOptions();
                if ((mask & 1) != 0) {
                    o.mss(1400 + mask);
                }
                if ((mask & 2) != 0) {
                    o.windowScale(mask % 15);
                }
                if ((mask & 4) != 0) {
                    o.sackPermitted(true);
                }
                if ((mask & 8) != 0) {
                    o.timestamps(0x80000000 + mask, -mask);
                }
                for (int b = 0; b < blocks; b++) {
                    o.addSackBlock(b * 100, b * 100 + 50);
                }
                byte[] out = emitted(o);
                assertEquals(0, out.length % 4, o.toString());
                assertTrue(out.length <= TcpOptions.MAX_LENGTH, o.toString());
                TcpOptions back = parsed(out);
                int fit = o.sackBlocksThatFit();
                assertEquals(fit, back.sackBlockCount());
                while (o.sackBlockCount() > fit) {
                    // What did not fit is not sent; everything else survives.
                    TcpOptions trimmed = new TcpOptions().copyFrom(o).clearSackBlocks();
                    for (int b = 0; b < fit; b++) {
                        trimmed.addSackBlock(o.sackLeft(b), o.sackRight(b));
                    }
                    o = trimmed;
                }
                assertEquals(o, back);
            }
        }
    }

    @Test
    void noOptionsIsEmpty() {
        TcpOptions o = new TcpOptions();
        assertEquals(0, o.bufferLen());
        assertEquals(0, o.emit(new byte[0], 0));
        assertEquals(new TcpOptions(), parsed(new byte[0]));
        // Padding after the last option: NOPs, or EOL followed by zeros.
        assertEquals(new TcpOptions(), parsed(fromHex("01 01 01 01")));
        assertEquals(new TcpOptions(), parsed(fromHex("00 00 00 00")));
    }

    @Test
    void unknownOptionsAreSkippedByTheirLength() {
        // An MPTCP option (kind 30, length 12) and a TFO cookie (kind 34, length 10) before MSS.
        TcpOptions o = parsed(fromHex("1e 0c 00 81 11 22 33 44 55 66 77 88 22 0a 01 02 03 04 05 06 07 08 02 04 05 78"));
        assertEquals(1400, o.mss());
        assertEquals(new TcpOptions().mss(1400), o);
    }

    @Test
    void endOfListStopsParsingEvenBeforeGarbage() {
        TcpOptions o = parsed(fromHex("02 04 05 b4 00 02 01 ff"));
        assertEquals(new TcpOptions().mss(1460), o);
    }

    @Test
    void windowScaleAboveFourteenIsTakenAsFourteen() {
        assertEquals(14, parsed(fromHex("01 03 03 0f")).windowScale());
        assertEquals(14, parsed(fromHex("01 03 03 ff")).windowScale());
        assertEquals(0, parsed(fromHex("01 03 03 00")).windowScale());
    }

    @Test
    void laterDuplicateOptionWins() {
        assertEquals(1200, parsed(fromHex("02 04 05 b4 02 04 04 b0")).mss());
    }

    @Test
    void malformedOptionsAreReportedAndClearTheHolder() {
        String[] malformed = {
            "02 00",                                     // length 0
            "08 01 00 00",                               // length 1
            "02",                                        // a kind with no length byte
            "01 01 01 02",                               // the same, after NOPs
            "08 0a 00 00 00 01 00 00",                   // timestamps running past the options
            "1e 09 00 00",                               // unknown kind running past the options
            "02 03 05",                                  // MSS with length 3
            "02 05 05 b4 00",                            // MSS with length 5
            "03 04 07 00",                               // window scale with length 4
            "03 02",                                     // window scale with length 2
            "04 03 00",                                  // SACK-permitted with length 3
            "08 08 00 00 00 01 00 00",                   // timestamps with length 8
            "05 02",                                     // SACK without a block
            "05 09 00 00 00 01 00 00 00 02 00",          // SACK with half a block
            "05 0b 00 00 00 01 00 00 00 02 00 00 00",    // SACK with a block and three stray bytes
        };
        for (String hex : malformed) {
            byte[] bytes = fromHex(hex);
            TcpOptions o = new TcpOptions().mss(1).windowScale(2).timestamps(3, 4).sackPermitted(true);
            o.addSackBlock(5, 6);
            assertEquals(DropReason.TCP_BAD_OPTIONS, TcpOptions.parse(bytes, 0, bytes.length, o), hex);
            assertEquals(new TcpOptions(), o, hex);
        }
    }

    @Test
    void fiveSackBlocksInAnOversizedRangeAreMalformed() {
        byte[] bytes = new byte[42];
        bytes[0] = TcpOptions.KIND_SACK;
        bytes[1] = 42;
        assertEquals(DropReason.TCP_BAD_OPTIONS, TcpOptions.parse(bytes, 0, bytes.length, new TcpOptions()));
    }

    @Test
    void parseLooksOnlyAtItsRange() {
        // Options at an offset; the MSS after the range end must not be read.
        byte[] a = fromHex("ff ff 01 03 03 05 02 04 05 b4");
        TcpOptions o = parsed(Arrays.copyOfRange(a, 2, 6));
        assertEquals(new TcpOptions().windowScale(5), o);
        TcpOptions p = new TcpOptions();
        assertNull(TcpOptions.parse(a, 2, 4, p));
        assertEquals(o, p);
        // A truncated range makes the MSS overrun.
        assertEquals(DropReason.TCP_BAD_OPTIONS, TcpOptions.parse(a, 2, 7, p));
    }

    @Test
    void reusedHolderForgetsThePreviousSegment() {
        TcpOptions o = parsed(LINUX_SYN_OPTIONS);
        assertNull(TcpOptions.parse(LINUX_DATA_OPTIONS, 0, LINUX_DATA_OPTIONS.length, o));
        assertFalse(o.hasMss());
        assertFalse(o.sackPermitted());
        assertFalse(o.hasWindowScale());
    }

    @Test
    void settersRejectImpossibleValues() {
        TcpOptions o = new TcpOptions();
        assertThrows(IllegalArgumentException.class, () -> o.mss(65536));
        assertThrows(IllegalArgumentException.class, () -> o.windowScale(15));
        assertThrows(IndexOutOfBoundsException.class, () -> o.sackLeft(0));
        o.mss(1460).mss(TcpOptions.ABSENT);
        assertFalse(o.hasMss());
    }
}
