package org.alpenstack.kernel.tcp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.Checksum;
import org.alpenstack.kernel.wire.TcpFlags;

/**
 * One TCP segment as a test writes or reads it, independent of the engine's own parser and
 * emitter (so a bug in those cannot hide itself): fluent to build, {@link #encode} to bytes,
 * {@link #decode} from bytes.
 */
final class Wire {
    int srcPort;
    int dstPort;
    int seq;
    int ack;
    int flags;
    int window = 65535;
    int mss = -1;
    int wscale = -1;
    boolean sackOk;
    boolean ts;
    int tsVal;
    int tsEcr;
    final List<int[]> sacks = new ArrayList<>();
    byte[] data = new byte[0];
    /** The IP TOS byte the segment travelled with (ECN field in the low two bits). */
    int ipTos;
    /** As emitted by the stack: payload bytes per wire segment of a TSO super-segment, or 0. */
    int gsoSize;
    /** Raw option bytes to use instead of the fields above (for malformed-option tests). */
    byte[] rawOptions;

    static Wire seg(int flags) {
        Wire w = new Wire();
        w.flags = flags;
        return w;
    }

    Wire seq(int v) {
        seq = v;
        return this;
    }

    Wire ack(int v) {
        ack = v;
        flags |= TcpFlags.ACK;
        return this;
    }

    Wire win(int v) {
        window = v;
        return this;
    }

    Wire mss(int v) {
        mss = v;
        return this;
    }

    Wire wscale(int v) {
        wscale = v;
        return this;
    }

    Wire sackOk() {
        sackOk = true;
        return this;
    }

    Wire ts(int val, int ecr) {
        ts = true;
        tsVal = val;
        tsEcr = ecr;
        return this;
    }

    Wire sack(int left, int right) {
        sacks.add(new int[] {left, right});
        return this;
    }

    Wire data(byte[] d) {
        data = d;
        return this;
    }

    Wire data(int n) {
        data = new byte[n];
        for (int i = 0; i < n; i++) {
            data[i] = (byte) (seq + i);
        }
        return this;
    }

    Wire ports(int src, int dst) {
        srcPort = src;
        dstPort = dst;
        return this;
    }

    int len() {
        return data.length;
    }

    boolean has(int f) {
        return (flags & f) == f;
    }

    byte[] encode(int srcAddr, int dstAddr) {
        byte[] opts = rawOptions != null ? rawOptions : options();
        int hdr = 20 + opts.length;
        byte[] a = new byte[hdr + data.length];
        Bytes.u16(a, 0, srcPort);
        Bytes.u16(a, 2, dstPort);
        Bytes.u32(a, 4, seq);
        Bytes.u32(a, 8, ack);
        a[12] = (byte) ((hdr / 4) << 4);
        a[13] = (byte) flags;
        Bytes.u16(a, 14, window);
        System.arraycopy(opts, 0, a, 20, opts.length);
        System.arraycopy(data, 0, a, hdr, data.length);
        Bytes.u16(a, 16, Checksum.compute(a, 0, a.length, srcAddr, dstAddr, 6));
        return a;
    }

    private byte[] options() {
        byte[] o = new byte[40];
        int i = 0;
        if (mss >= 0) {
            o[i++] = 2;
            o[i++] = 4;
            Bytes.u16(o, i, mss);
            i += 2;
        }
        if (wscale >= 0) {
            o[i++] = 1;
            o[i++] = 3;
            o[i++] = 3;
            o[i++] = (byte) wscale;
        }
        if (sackOk) {
            o[i++] = 1;
            o[i++] = 1;
            o[i++] = 4;
            o[i++] = 2;
        }
        if (ts) {
            o[i++] = 1;
            o[i++] = 1;
            o[i++] = 8;
            o[i++] = 10;
            Bytes.u32(o, i, tsVal);
            Bytes.u32(o, i + 4, tsEcr);
            i += 8;
        }
        if (!sacks.isEmpty()) {
            o[i++] = 1;
            o[i++] = 1;
            o[i++] = 5;
            o[i++] = (byte) (2 + 8 * sacks.size());
            for (int[] b : sacks) {
                Bytes.u32(o, i, b[0]);
                Bytes.u32(o, i + 4, b[1]);
                i += 8;
            }
        }
        return Arrays.copyOf(o, (i + 3) & ~3);
    }

    /** Parses bytes the stack emitted; checks the checksum. */
    static Wire decode(byte[] a, int off, int len, int srcAddr, int dstAddr) {
        if (!Checksum.verify(a, off, len, srcAddr, dstAddr, 6)) {
            throw new AssertionError("stack emitted a segment with a bad checksum");
        }
        Wire w = new Wire();
        w.srcPort = Bytes.u16(a, off);
        w.dstPort = Bytes.u16(a, off + 2);
        w.seq = Bytes.u32(a, off + 4);
        w.ack = Bytes.u32(a, off + 8);
        int hdr = (Bytes.u8(a, off + 12) >>> 4) * 4;
        w.flags = Bytes.u8(a, off + 13);
        w.window = Bytes.u16(a, off + 14);
        int i = off + 20;
        int end = off + hdr;
        while (i < end) {
            int kind = a[i] & 0xff;
            if (kind == 0) {
                break;
            }
            if (kind == 1) {
                i++;
                continue;
            }
            int olen = a[i + 1] & 0xff;
            switch (kind) {
                case 2 -> w.mss = Bytes.u16(a, i + 2);
                case 3 -> w.wscale = a[i + 2] & 0xff;
                case 4 -> w.sackOk = true;
                case 5 -> {
                    for (int b = 0; b < (olen - 2) / 8; b++) {
                        w.sacks.add(new int[] {Bytes.u32(a, i + 2 + 8 * b), Bytes.u32(a, i + 6 + 8 * b)});
                    }
                }
                case 8 -> {
                    w.ts = true;
                    w.tsVal = Bytes.u32(a, i + 2);
                    w.tsEcr = Bytes.u32(a, i + 6);
                }
                default -> {
                }
            }
            i += olen;
        }
        w.data = Arrays.copyOfRange(a, off + hdr, off + len);
        return w;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(TcpFlags.toString(flags));
        sb.append(' ').append(srcPort).append('>').append(dstPort);
        sb.append(" seq=").append(Integer.toUnsignedString(seq));
        if ((flags & TcpFlags.ACK) != 0) {
            sb.append(" ack=").append(Integer.toUnsignedString(ack));
        }
        sb.append(" win=").append(window).append(" len=").append(data.length);
        if (mss >= 0) {
            sb.append(" mss=").append(mss);
        }
        if (wscale >= 0) {
            sb.append(" ws=").append(wscale);
        }
        if (sackOk) {
            sb.append(" sackOK");
        }
        if (ts) {
            sb.append(" ts=").append(Integer.toUnsignedString(tsVal)).append('/').append(Integer.toUnsignedString(tsEcr));
        }
        for (int[] b : sacks) {
            sb.append(" sack=").append(Integer.toUnsignedString(b[0])).append('-').append(Integer.toUnsignedString(b[1]));
        }
        return sb.toString();
    }
}
