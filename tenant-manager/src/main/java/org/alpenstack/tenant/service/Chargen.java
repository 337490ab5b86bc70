package org.alpenstack.tenant.service;

/**
 * The character generator pattern of RFC 864: lines of 72 printable ASCII characters (the 95
 * characters from ' ' to '~'), each line starting one character further along the ring, ended by
 * CR LF. {@link #fill} continues the stream from any offset, so a TCP sender can resume exactly
 * where a short write stopped.
 */
public final class Chargen {
    public static final int LINE = 74;
    private static final int RING = 95;
    /** The pattern repeats after 95 lines. */
    public static final int PERIOD = LINE * RING;
    private static final byte[] PATTERN = new byte[PERIOD];

    static {
        for (int line = 0; line < RING; line++) {
            for (int i = 0; i < 72; i++) {
                PATTERN[line * LINE + i] = (byte) (' ' + (line + i) % RING);
            }
            PATTERN[line * LINE + 72] = '\r';
            PATTERN[line * LINE + 73] = '\n';
        }
    }

    private Chargen() {
    }

    /** Writes {@code len} bytes of the stream starting at stream offset {@code position}. */
    public static void fill(byte[] dst, int off, int len, long position) {
        int p = (int) (position % PERIOD);
        while (len > 0) {
            int n = Math.min(len, PERIOD - p);
            System.arraycopy(PATTERN, p, dst, off, n);
            off += n;
            len -= n;
            p = 0;
        }
    }
}
