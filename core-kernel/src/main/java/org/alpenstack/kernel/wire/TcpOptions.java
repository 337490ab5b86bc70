package org.alpenstack.kernel.wire;

import org.alpenstack.kernel.stack.DropReason;

/**
 * The TCP options the stack understands, in a mutable holder that the TCP layer owns and
 * reuses for every segment (no allocation per segment): MSS (RFC 9293 section 3.7.1), window
 * scale and timestamps (RFC 7323), SACK-permitted and SACK blocks (RFC 2018).
 *
 * <p>{@link #parse} fills a holder from the option bytes of a received header. {@link #emit}
 * writes the options that are present in the layout Linux uses (tcp_options_write), so our
 * segments look like the kernel's to middleboxes and to tests that compare bytes:
 * <pre>
 *   SYN:  MSS | SACK-perm TS (or NOP NOP TS) | NOP WS          (20 bytes with everything)
 *   data: NOP NOP TS | NOP NOP SACK blocks
 * </pre>
 * Every option is padded to a 4-byte boundary with NOPs, so the total is a multiple of 4.
 * A holder is not a value: {@link #equals} compares its current contents, for tests.
 */
public final class TcpOptions {
    public static final int KIND_END_OF_LIST = 0;
    public static final int KIND_NO_OPERATION = 1;
    public static final int KIND_MSS = 2;
    public static final int KIND_WINDOW_SCALE = 3;
    public static final int KIND_SACK_PERMITTED = 4;
    public static final int KIND_SACK = 5;
    public static final int KIND_TIMESTAMPS = 8;

    public static final int LEN_MSS = 4;
    public static final int LEN_WINDOW_SCALE = 3;
    public static final int LEN_SACK_PERMITTED = 2;
    public static final int LEN_TIMESTAMPS = 10;
    /** Kind and length of a SACK option; each block adds 8. */
    public static final int LEN_SACK_BASE = 2;
    public static final int LEN_SACK_BLOCK = 8;

    /** At most 40 bytes of options fit in a header (data offset 15). */
    public static final int MAX_LENGTH = TcpHeader.MAX_HEADER_LEN - TcpHeader.HEADER_LEN;
    /** 2 + 4 * 8 = 34 bytes: more blocks never fit (RFC 2018 section 3). */
    public static final int MAX_SACK_BLOCKS = 4;
    /** RFC 7323 section 2.3: a larger shift received is treated as 14. */
    public static final int MAX_WINDOW_SCALE = 14;
    /** The value of {@link #mss()} and {@link #windowScale()} when the option is absent. */
    public static final int ABSENT = -1;

    private int mss = ABSENT;
    private int windowScale = ABSENT;
    private boolean sackPermitted;
    private boolean timestamps;
    private int tsVal;
    private int tsEcr;
    private int sackBlockCount;
    private final int[] sackLeft = new int[MAX_SACK_BLOCKS];
    private final int[] sackRight = new int[MAX_SACK_BLOCKS];

    /** Removes every option. */
    public TcpOptions clear() {
        mss = ABSENT;
        windowScale = ABSENT;
        sackPermitted = false;
        timestamps = false;
        tsVal = 0;
        tsEcr = 0;
        sackBlockCount = 0;
        return this;
    }

    public TcpOptions copyFrom(TcpOptions o) {
        mss = o.mss;
        windowScale = o.windowScale;
        sackPermitted = o.sackPermitted;
        timestamps = o.timestamps;
        tsVal = o.tsVal;
        tsEcr = o.tsEcr;
        sackBlockCount = o.sackBlockCount;
        System.arraycopy(o.sackLeft, 0, sackLeft, 0, MAX_SACK_BLOCKS);
        System.arraycopy(o.sackRight, 0, sackRight, 0, MAX_SACK_BLOCKS);
        return this;
    }

    /** The maximum segment size announced, or {@link #ABSENT}. */
    public int mss() {
        return mss;
    }

    public boolean hasMss() {
        return mss != ABSENT;
    }

    /** Sets the MSS option (0..65535), or removes it with {@link #ABSENT}. */
    public TcpOptions mss(int mss) {
        if (mss != ABSENT && (mss < 0 || mss > 0xffff)) {
            throw new IllegalArgumentException("MSS " + mss);
        }
        this.mss = mss;
        return this;
    }

    /** The window scale shift count (0..14), or {@link #ABSENT}. */
    public int windowScale() {
        return windowScale;
    }

    public boolean hasWindowScale() {
        return windowScale != ABSENT;
    }

    /** Sets the window scale option (0..14), or removes it with {@link #ABSENT}. */
    public TcpOptions windowScale(int shift) {
        if (shift != ABSENT && (shift < 0 || shift > MAX_WINDOW_SCALE)) {
            throw new IllegalArgumentException("window scale " + shift);
        }
        this.windowScale = shift;
        return this;
    }

    public boolean sackPermitted() {
        return sackPermitted;
    }

    public TcpOptions sackPermitted(boolean permitted) {
        this.sackPermitted = permitted;
        return this;
    }

    public boolean hasTimestamps() {
        return timestamps;
    }

    public int tsVal() {
        return tsVal;
    }

    public int tsEcr() {
        return tsEcr;
    }

    public TcpOptions timestamps(int tsVal, int tsEcr) {
        this.timestamps = true;
        this.tsVal = tsVal;
        this.tsEcr = tsEcr;
        return this;
    }

    public TcpOptions noTimestamps() {
        this.timestamps = false;
        this.tsVal = 0;
        this.tsEcr = 0;
        return this;
    }

    public int sackBlockCount() {
        return sackBlockCount;
    }

    /** Left edge of SACK block {@code i}: the first sequence number of the block. */
    public int sackLeft(int i) {
        checkBlock(i);
        return sackLeft[i];
    }

    /** Right edge of SACK block {@code i}: the sequence number after the last one (RFC 2018 section 3). */
    public int sackRight(int i) {
        checkBlock(i);
        return sackRight[i];
    }

    /** Appends a block; false (and nothing changes) when four are already held. */
    public boolean addSackBlock(int left, int right) {
        if (sackBlockCount == MAX_SACK_BLOCKS) {
            return false;
        }
        sackLeft[sackBlockCount] = left;
        sackRight[sackBlockCount] = right;
        sackBlockCount++;
        return true;
    }

    public TcpOptions clearSackBlocks() {
        sackBlockCount = 0;
        return this;
    }

    private void checkBlock(int i) {
        if (i < 0 || i >= sackBlockCount) {
            throw new IndexOutOfBoundsException("SACK block " + i + " of " + sackBlockCount);
        }
    }

    /**
     * Fills {@code into} from the {@code len} option bytes at {@code off} (the header from
     * offset 20 to its data offset). Returns null, or {@link DropReason#TCP_BAD_OPTIONS} when an
     * option is malformed: a length below 2, a length running past the options, a known kind
     * with the wrong length, or SACK blocks that are not whole. RFC 9293 section 3.1 (MUST-7)
     * requires handling an illegal option length without crashing and suggests giving up on
     * the segment; we drop it (Linux stops parsing instead and keeps the options read so far).
     * On failure {@code into} is cleared. Unknown kinds are skipped by their length; EOL ends
     * the list; a repeated option overwrites the earlier one; a window scale above 14 is
     * taken as 14 (RFC 7323 section 2.3).
     */
    public static DropReason parse(byte[] a, int off, int len, TcpOptions into) {
        into.clear();
        int i = off;
        int end = off + len;
        while (i < end) {
            int kind = a[i] & 0xff;
            if (kind == KIND_END_OF_LIST) {
                break;
            }
            if (kind == KIND_NO_OPERATION) {
                i++;
                continue;
            }
            if (end - i < 2) {
                return malformed(into);
            }
            int size = a[i + 1] & 0xff;
            if (size < 2 || size > end - i) {
                return malformed(into);
            }
            switch (kind) {
                case KIND_MSS:
                    if (size != LEN_MSS) {
                        return malformed(into);
                    }
                    into.mss = Bytes.u16(a, i + 2);
                    break;
                case KIND_WINDOW_SCALE:
                    if (size != LEN_WINDOW_SCALE) {
                        return malformed(into);
                    }
                    into.windowScale = Math.min(a[i + 2] & 0xff, MAX_WINDOW_SCALE);
                    break;
                case KIND_SACK_PERMITTED:
                    if (size != LEN_SACK_PERMITTED) {
                        return malformed(into);
                    }
                    into.sackPermitted = true;
                    break;
                case KIND_SACK:
                    int blocks = (size - LEN_SACK_BASE) / LEN_SACK_BLOCK;
                    if (blocks == 0 || blocks > MAX_SACK_BLOCKS || (size - LEN_SACK_BASE) % LEN_SACK_BLOCK != 0) {
                        return malformed(into);
                    }
                    into.sackBlockCount = blocks;
                    for (int b = 0; b < blocks; b++) {
                        into.sackLeft[b] = Bytes.u32(a, i + LEN_SACK_BASE + b * LEN_SACK_BLOCK);
                        into.sackRight[b] = Bytes.u32(a, i + LEN_SACK_BASE + b * LEN_SACK_BLOCK + 4);
                    }
                    break;
                case KIND_TIMESTAMPS:
                    if (size != LEN_TIMESTAMPS) {
                        return malformed(into);
                    }
                    into.timestamps = true;
                    into.tsVal = Bytes.u32(a, i + 2);
                    into.tsEcr = Bytes.u32(a, i + 6);
                    break;
                default:
                    // Unknown kinds (TCP-AO, MPTCP, TFO cookies ...) are skipped (RFC 9293 section 3.2).
                    break;
            }
            i += size;
        }
        return null;
    }

    private static DropReason malformed(TcpOptions into) {
        into.clear();
        return DropReason.TCP_BAD_OPTIONS;
    }

    /** Bytes of every option but the SACK blocks, each padded to 4 as Linux pads them. */
    private int lengthWithoutSackBlocks() {
        int n = 0;
        if (hasMss()) {
            n += 4;
        }
        if (timestamps) {
            n += 12; // SACK-permitted rides in the two bytes Linux would otherwise fill with NOPs.
        } else if (sackPermitted) {
            n += 4;
        }
        if (hasWindowScale()) {
            n += 4;
        }
        return n;
    }

    /**
     * How many of the held SACK blocks {@link #emit} writes: as many as fit in the 40 bytes
     * after the other options (three with timestamps, four without; Linux's
     * tcp_established_options).
     */
    public int sackBlocksThatFit() {
        if (sackBlockCount == 0) {
            return 0;
        }
        int room = MAX_LENGTH - lengthWithoutSackBlocks() - 4;
        return Math.max(0, Math.min(sackBlockCount, room / LEN_SACK_BLOCK));
    }

    /** The bytes {@link #emit} writes: a multiple of 4, at most 40. */
    public int bufferLen() {
        int blocks = sackBlocksThatFit();
        return lengthWithoutSackBlocks() + (blocks == 0 ? 0 : 4 + blocks * LEN_SACK_BLOCK);
    }

    /** Writes the options in Linux's order and padding at {@code off}; returns {@link #bufferLen()}. */
    public int emit(byte[] a, int off) {
        int i = off;
        if (hasMss()) {
            a[i] = KIND_MSS;
            a[i + 1] = LEN_MSS;
            Bytes.u16(a, i + 2, mss);
            i += 4;
        }
        if (timestamps) {
            if (sackPermitted) {
                a[i] = KIND_SACK_PERMITTED;
                a[i + 1] = LEN_SACK_PERMITTED;
            } else {
                a[i] = KIND_NO_OPERATION;
                a[i + 1] = KIND_NO_OPERATION;
            }
            a[i + 2] = KIND_TIMESTAMPS;
            a[i + 3] = LEN_TIMESTAMPS;
            Bytes.u32(a, i + 4, tsVal);
            Bytes.u32(a, i + 8, tsEcr);
            i += 12;
        } else if (sackPermitted) {
            a[i] = KIND_NO_OPERATION;
            a[i + 1] = KIND_NO_OPERATION;
            a[i + 2] = KIND_SACK_PERMITTED;
            a[i + 3] = LEN_SACK_PERMITTED;
            i += 4;
        }
        if (hasWindowScale()) {
            a[i] = KIND_NO_OPERATION;
            a[i + 1] = KIND_WINDOW_SCALE;
            a[i + 2] = LEN_WINDOW_SCALE;
            a[i + 3] = (byte) windowScale;
            i += 4;
        }
        int blocks = sackBlocksThatFit();
        if (blocks > 0) {
            a[i] = KIND_NO_OPERATION;
            a[i + 1] = KIND_NO_OPERATION;
            a[i + 2] = KIND_SACK;
            a[i + 3] = (byte) (LEN_SACK_BASE + blocks * LEN_SACK_BLOCK);
            i += 4;
            for (int b = 0; b < blocks; b++) {
                Bytes.u32(a, i, sackLeft[b]);
                Bytes.u32(a, i + 4, sackRight[b]);
                i += LEN_SACK_BLOCK;
            }
        }
        return i - off;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TcpOptions t)) {
            return false;
        }
        if (mss != t.mss || windowScale != t.windowScale || sackPermitted != t.sackPermitted
                || timestamps != t.timestamps || tsVal != t.tsVal || tsEcr != t.tsEcr
                || sackBlockCount != t.sackBlockCount) {
            return false;
        }
        for (int b = 0; b < sackBlockCount; b++) {
            if (sackLeft[b] != t.sackLeft[b] || sackRight[b] != t.sackRight[b]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = mss * 31 + windowScale;
        h = h * 31 + (sackPermitted ? 1 : 0);
        h = h * 31 + (timestamps ? tsVal * 31 + tsEcr : 0);
        for (int b = 0; b < sackBlockCount; b++) {
            h = h * 31 + sackLeft[b] * 17 + sackRight[b];
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        if (hasMss()) {
            sb.append(" mss ").append(mss);
        }
        if (sackPermitted) {
            sb.append(" sackOK");
        }
        if (timestamps) {
            sb.append(" TS val ").append(Integer.toUnsignedString(tsVal)).append(" ecr ").append(Integer.toUnsignedString(tsEcr));
        }
        if (hasWindowScale()) {
            sb.append(" wscale ").append(windowScale);
        }
        if (sackBlockCount > 0) {
            sb.append(" sack");
            for (int b = 0; b < sackBlockCount; b++) {
                sb.append(' ').append(Integer.toUnsignedString(sackLeft[b])).append(':').append(Integer.toUnsignedString(sackRight[b]));
            }
        }
        return sb.append(" ]").toString();
    }
}
