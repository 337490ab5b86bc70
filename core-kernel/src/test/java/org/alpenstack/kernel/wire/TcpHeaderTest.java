package org.alpenstack.kernel.wire;

import static org.alpenstack.kernel.wire.Bytes.fromHex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.alpenstack.kernel.stack.DropReason;
import org.junit.jupiter.api.Test;

class TcpHeaderTest {
    static final int IP_A = 0x0a000001;
    static final int IP_B = 0x0a000002;

    /**
     * Linux's SYN from 10.0.0.1:40000 to 10.0.0.2:80: ISN 0x12345678, window 64240, data
     * offset 10 with MSS 1460, SACK-permitted, timestamps, NOP, window scale 7.
     */
    static final byte[] SYN = fromHex(
            "9c 40 00 50 12 34 56 78 00 00 00 00 a0 02 fa f0 58 94 00 00"
            + " 02 04 05 b4 04 02 08 0a 9c 2b 3f 10 00 00 00 00 01 03 03 07");

    /** 10.0.0.2:80 to 10.0.0.1:40000, PSH|ACK with "abcd", timestamps and one SACK block. */
    static final byte[] DATA = fromHex(
            "00 50 9c 40 87 65 43 21 12 34 56 79 b0 18 01 f6 cb 4a 00 00"
            + " 01 01 08 0a 00 00 10 00 00 00 20 00 01 01 05 0a 87 65 44 00 87 65 48 00"
            + " 61 62 63 64");

    static TcpOptions synOptions() {
        return new TcpOptions().mss(1460).sackPermitted(true).timestamps(0x9c2b3f10, 0).windowScale(7);
    }

    @Test
    void synFieldsReadFromTheView() {
        assertNull(TcpHeader.check(SYN, 0, SYN.length));
        assertTrue(TcpHeader.verifyChecksum(SYN, 0, SYN.length, IP_A, IP_B));
        assertEquals(40000, TcpHeader.sourcePort(SYN, 0));
        assertEquals(80, TcpHeader.destinationPort(SYN, 0));
        assertEquals(0x12345678, TcpHeader.sequenceNumber(SYN, 0));
        assertEquals(0, TcpHeader.acknowledgmentNumber(SYN, 0));
        assertEquals(40, TcpHeader.headerLength(SYN, 0));
        assertEquals(20, TcpHeader.optionsLength(SYN, 0));
        assertEquals(TcpFlags.SYN, TcpHeader.flags(SYN, 0));
        assertTrue(TcpHeader.hasFlags(SYN, 0, TcpFlags.SYN));
        assertFalse(TcpHeader.hasFlags(SYN, 0, TcpFlags.SYN | TcpFlags.ACK));
        assertEquals(64240, TcpHeader.window(SYN, 0));
        assertEquals(0x5894, TcpHeader.checksum(SYN, 0));
        assertEquals(0, TcpHeader.urgentPointer(SYN, 0));
        TcpOptions o = new TcpOptions();
        assertNull(TcpOptions.parse(SYN, TcpHeader.OPTIONS, TcpHeader.optionsLength(SYN, 0), o));
        assertEquals(synOptions(), o);
    }

    @Test
    void synReprParsesAndEmitsByteForByte() {
        TcpRepr syn = new TcpRepr(40000, 80, 0x12345678, 0, TcpFlags.SYN, 64240, 0, synOptions(), 0);
        assertEquals(syn, TcpRepr.parse(SYN, 0, SYN.length));
        assertEquals(40, syn.bufferLen());
        byte[] out = new byte[40];
        syn.emit(out, 0, IP_A, IP_B);
        assertArrayEquals(SYN, out);
    }

    @Test
    void dataSegmentReprEmitsInFrontOfItsPayload() {
        TcpOptions options = new TcpOptions().timestamps(0x1000, 0x2000);
        options.addSackBlock(0x87654400, 0x87654800);
        TcpRepr r = new TcpRepr(80, 40000, 0x87654321, 0x12345679, TcpFlags.PSH | TcpFlags.ACK, 502, 0, options, 4);
        assertEquals(r, TcpRepr.parse(DATA, 0, DATA.length));
        assertTrue(TcpHeader.verifyChecksum(DATA, 0, DATA.length, IP_B, IP_A));
        // (Swapping source and destination would not be noticed: the sum is commutative.)
        assertFalse(TcpHeader.verifyChecksum(DATA, 0, DATA.length, IP_B, 0x0a000003));
        byte[] out = new byte[DATA.length];
        System.arraycopy(DATA, 44, out, 44, 4);
        r.emit(out, 0, IP_B, IP_A);
        assertArrayEquals(DATA, out);
    }

    @Test
    void hotPathEmitWithoutOptionsWritesATwentyByteHeader() {
        byte[] a = new byte[20 + 2];
        a[20] = 'o';
        a[21] = 'k';
        int headerLen = TcpHeader.emit(a, 0, 80, 40000, 1001, 2002, TcpFlags.ACK | TcpFlags.FIN, 1024, 0, null, 2, IP_B, IP_A);
        assertEquals(20, headerLen);
        assertNull(TcpHeader.check(a, 0, a.length));
        assertTrue(TcpHeader.verifyChecksum(a, 0, a.length, IP_B, IP_A));
        assertEquals(new TcpRepr(80, 40000, 1001, 2002, TcpFlags.ACK | TcpFlags.FIN, 1024, 0, null, 2),
                TcpRepr.parse(a, 0, a.length));
    }

    @Test
    void ecnAndNsFlagsLiveBesideTheDataOffset() {
        int all = TcpFlags.ALL;
        byte[] a = new byte[20];
        TcpHeader.headerLengthAndFlags(a, 0, 20, all);
        assertEquals(0x51, a[12] & 0xff);
        assertEquals(0xff, a[13] & 0xff);
        assertEquals(all, TcpHeader.flags(a, 0));
        assertEquals(20, TcpHeader.headerLength(a, 0));
        TcpHeader.headerLengthAndFlags(a, 0, 60, TcpFlags.ECE | TcpFlags.CWR | TcpFlags.SYN);
        assertEquals(0xf0, a[12] & 0xff);
        assertEquals(60, TcpHeader.headerLength(a, 0));
        assertTrue(TcpHeader.hasFlags(a, 0, TcpFlags.ECE | TcpFlags.CWR));
        assertFalse(TcpHeader.hasFlags(a, 0, TcpFlags.NS));
        assertEquals("SYN|ECE|CWR", TcpFlags.toString(TcpHeader.flags(a, 0)));
        assertEquals("FIN|SYN|RST|PSH|ACK|URG|ECE|CWR|NS", TcpFlags.toString(all));
        assertEquals("none", TcpFlags.toString(0));
    }

    @Test
    void reprRoundTripsEveryFlagAndExtremeField() {
        TcpOptions options = new TcpOptions().windowScale(14);
        options.addSackBlock(-1, 0);
        TcpRepr r = new TcpRepr(0xffff, 0, -1, 0x80000000, TcpFlags.ALL, 0xffff, 0xffff, options, 3);
        byte[] a = new byte[5 + r.bufferLen() + 3];
        a[a.length - 1] = 9;
        r.emit(a, 5, 0xffffffff, 0);
        assertTrue(TcpHeader.verifyChecksum(a, 5, r.bufferLen() + 3, 0xffffffff, 0));
        assertEquals(r, TcpRepr.parse(a, 5, r.bufferLen() + 3));
    }

    @Test
    void reprKeepsItsOwnCopyOfTheOptions() {
        TcpOptions options = new TcpOptions().mss(1460);
        TcpRepr r = new TcpRepr(1, 2, 3, 4, TcpFlags.SYN, 5, 0, options, 0);
        options.mss(536);
        assertEquals(1460, r.options().mss());
        r.options().mss(1);
        assertEquals(1460, r.options().mss());
        assertNotSame(r.options(), r.options());
        assertEquals(new TcpOptions(), new TcpRepr(1, 2, 3, 4, 0, 5, 0, null, 0).options());
    }

    @Test
    void malformedHeadersGiveTheirDropReasons() {
        assertEquals(DropReason.TCP_TRUNCATED, TcpHeader.check(SYN, 0, 19));
        assertEquals(DropReason.TCP_TRUNCATED, TcpHeader.check(SYN, 0, 0));
        // Data offset 4 words: shorter than the fixed header.
        assertEquals(DropReason.TCP_BAD_DATA_OFFSET, TcpHeader.check(with(SYN, 12, 0x40), 0, 40));
        assertEquals(DropReason.TCP_BAD_DATA_OFFSET, TcpHeader.check(with(SYN, 12, 0x00), 0, 40));
        // Data offset 10 words, but only 39 bytes arrived; and 15 words in a 40-byte segment.
        assertEquals(DropReason.TCP_BAD_DATA_OFFSET, TcpHeader.check(SYN, 0, 39));
        assertEquals(DropReason.TCP_BAD_DATA_OFFSET, TcpHeader.check(with(SYN, 12, 0xf0), 0, 40));
        assertNull(TcpRepr.parse(SYN, 0, 39));
        // Bad options make the whole segment unparseable.
        assertNull(TcpRepr.parse(with(SYN, 21, 3), 0, 40));
        // A flipped bit anywhere fails the checksum.
        for (int i = 0; i < SYN.length; i++) {
            byte[] corrupt = SYN.clone();
            corrupt[i] ^= 0x04;
            assertFalse(TcpHeader.verifyChecksum(corrupt, 0, corrupt.length, IP_A, IP_B), "bit flipped in byte " + i);
        }
    }

    @Test
    void reprRejectsImpossibleFields() {
        assertThrows(IllegalArgumentException.class, () -> new TcpRepr(65536, 0, 0, 0, 0, 0, 0, null, 0));
        assertThrows(IllegalArgumentException.class, () -> new TcpRepr(0, 0, 0, 0, 0x200, 0, 0, null, 0));
        assertThrows(IllegalArgumentException.class, () -> new TcpRepr(0, 0, 0, 0, 0, 65536, 0, null, 0));
    }

    @Test
    void tightlyPackedOptionsParseEvenIfLinuxLayoutCannotHoldThemAll() {
        // TS (10) + WS (3) + three SACK blocks (26) = 39 bytes, one EOL: legal, but with Linux's
        // NOP padding only two blocks fit beside TS and WS.
        byte[] segment = new byte[60];
        segment[12] = (byte) 0xf0;
        byte[] options = fromHex("08 0a 00 00 00 01 00 00 00 02 03 03 07 05 1a"
                + " 00 00 00 10 00 00 00 20 00 00 00 30 00 00 00 40 00 00 00 50 00 00 00 60 00");
        System.arraycopy(options, 0, segment, 20, 40);
        TcpRepr r = TcpRepr.parse(segment, 0, 60);
        assertEquals(3, r.options().sackBlockCount());
        assertEquals(2, r.options().sackBlocksThatFit());
        byte[] out = new byte[r.bufferLen()];
        r.emit(out, 0, IP_A, IP_B);
        TcpRepr back = TcpRepr.parse(out, 0, out.length);
        assertEquals(2, back.options().sackBlockCount());
        assertEquals(0x30, back.options().sackLeft(1));
        assertEquals(7, back.options().windowScale());
        assertTrue(back.options().hasTimestamps());
    }

    static byte[] with(byte[] packet, int index, int value) {
        byte[] copy = packet.clone();
        copy[index] = (byte) value;
        return copy;
    }
}
