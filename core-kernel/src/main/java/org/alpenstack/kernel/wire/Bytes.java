package org.alpenstack.kernel.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Network-order (big-endian) absolute accessors on byte arrays: the one place the stack turns
 * wire bytes into numbers. Unsigned fields come back widened (u8 and u16 as int, u32 as the
 * int bit pattern; use {@link Integer#toUnsignedLong} where a comparison needs it).
 */
public final class Bytes {
    private static final VarHandle U16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle U32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle U64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Bytes() {
    }

    public static int u8(byte[] a, int off) {
        return a[off] & 0xff;
    }

    public static void u8(byte[] a, int off, int v) {
        a[off] = (byte) v;
    }

    public static int u16(byte[] a, int off) {
        return ((short) U16.get(a, off)) & 0xffff;
    }

    public static void u16(byte[] a, int off, int v) {
        U16.set(a, off, (short) v);
    }

    public static int u32(byte[] a, int off) {
        return (int) U32.get(a, off);
    }

    public static void u32(byte[] a, int off, int v) {
        U32.set(a, off, v);
    }

    public static long u64(byte[] a, int off) {
        return (long) U64.get(a, off);
    }

    public static void u64(byte[] a, int off, long v) {
        U64.set(a, off, v);
    }

    /** A 48-bit field (a MAC address) as the low bits of a long. */
    public static long u48(byte[] a, int off) {
        return ((long) u16(a, off) << 32) | (u32(a, off + 2) & 0xffffffffL);
    }

    public static void u48(byte[] a, int off, long v) {
        u16(a, off, (int) (v >>> 32));
        u32(a, off + 2, (int) v);
    }

    /** Hex dump for test failure messages and logs. */
    public static String hex(byte[] a, int off, int len) {
        StringBuilder sb = new StringBuilder(len * 3);
        for (int i = 0; i < len; i++) {
            if (i > 0) {
                sb.append(i % 16 == 0 ? '\n' : ' ');
            }
            sb.append(Character.forDigit((a[off + i] >> 4) & 0xf, 16)).append(Character.forDigit(a[off + i] & 0xf, 16));
        }
        return sb.toString();
    }

    /** Parses "45 00 00 1c ..." (whitespace ignored) into bytes; for fixtures in tests. */
    public static byte[] fromHex(String s) {
        String h = s.replaceAll("\\s+", "");
        if (h.length() % 2 != 0) {
            throw new IllegalArgumentException("odd number of hex digits");
        }
        byte[] out = new byte[h.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
