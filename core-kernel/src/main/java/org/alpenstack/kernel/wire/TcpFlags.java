package org.alpenstack.kernel.wire;

/**
 * TCP control bits as one int: the eight flags of byte 13 (RFC 9293 section 3.1, ECE and CWR
 * from RFC 3168) plus NS, the low bit of byte 12 (RFC 3540, now historic per RFC 8311; kept so
 * a received bit is not lost), as bit 8.
 */
public final class TcpFlags {
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;
    public static final int NS = 0x100;
    public static final int ALL = 0x1ff;

    private static final String[] NAMES = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "NS"};

    private TcpFlags() {
    }

    public static boolean has(int flags, int flag) {
        return (flags & flag) == flag;
    }

    /** "SYN|ACK" style, in the order tcpdump prints; "none" for no flag. */
    public static String toString(int flags) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < NAMES.length; i++) {
            if ((flags & (1 << i)) != 0) {
                if (sb.length() > 0) {
                    sb.append('|');
                }
                sb.append(NAMES[i]);
            }
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }
}
