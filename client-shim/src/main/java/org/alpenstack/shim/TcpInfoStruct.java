package org.alpenstack.shim;

import io.netty.buffer.ByteBuf;
import org.alpenstack.kernel.tcp.TcpInfo;

/**
 * Linux {@code struct tcp_info} (include/uapi/linux/tcp.h) for getsockopt(TCP_INFO), filled
 * from the stack's {@link TcpInfo}: times in microseconds, windows and losses in segments of
 * the sender MSS, as Linux reports them. Fields the stack does not track are 0.
 */
final class TcpInfoStruct {
    /** Up to and including tcpi_rcv_wnd (Linux 5.x); callers get min(optlen, this). */
    static final int LEN = 236;
    static final int TCPI_OPT_TIMESTAMPS = 1;
    static final int TCPI_OPT_SACK = 2;
    static final int TCPI_OPT_WSCALE = 4;
    static final int TCPI_OPT_ECN = 8;

    private TcpInfoStruct() {
    }

    /** Linux's TCP_* state numbers (include/net/tcp_states.h). */
    static int linuxState(String state) {
        switch (state) {
            case "ESTABLISHED": return 1;
            case "SYN_SENT": return 2;
            case "SYN_RECEIVED": return 3;
            case "FIN_WAIT_1": return 4;
            case "FIN_WAIT_2": return 5;
            case "TIME_WAIT": return 6;
            case "CLOSE_WAIT": return 8;
            case "LAST_ACK": return 9;
            case "LISTEN": return 10;
            case "CLOSING": return 11;
            default: return 7; // TCP_CLOSE
        }
    }

    /** Writes min(optlen, LEN) bytes; returns how many. {@code info} null: a socket without a connection. */
    static int write(TcpInfo info, boolean listening, int optlen, ByteBuf out) {
        int len = Math.max(0, Math.min(optlen, LEN));
        ByteBuf b = out.alloc().buffer(LEN).writeZero(LEN);
        if (info == null) {
            b.setByte(0, listening ? 10 : 7);
        } else {
            int mss = Math.max(1, info.sndMss());
            b.setByte(0, linuxState(info.state()));
            b.setByte(2, info.retransmits());
            b.setByte(4, info.backoff());
            int opts = (info.timestamps() ? TCPI_OPT_TIMESTAMPS : 0) | (info.sack() ? TCPI_OPT_SACK : 0)
                    | (info.sndWscale() >= 0 ? TCPI_OPT_WSCALE : 0) | (info.ecn() ? TCPI_OPT_ECN : 0);
            b.setByte(5, opts);
            if (info.sndWscale() >= 0) {
                b.setByte(6, (info.sndWscale() & 0xf) | (Math.max(info.rcvWscale(), 0) & 0xf) << 4);
            }
            b.setIntLE(8, micros(info.rtoNanos()));
            b.setIntLE(16, info.sndMss());
            b.setIntLE(20, info.rcvMss());
            b.setIntLE(24, info.unackedBytes() / mss);
            b.setIntLE(28, info.sackedBytes() / mss);
            b.setIntLE(32, info.lostBytes() / mss);
            b.setIntLE(60, info.pmtu());
            b.setIntLE(68, micros(info.srttNanos()));
            b.setIntLE(72, micros(info.rttVarNanos()));
            b.setIntLE(76, info.ssthreshBytes() == Integer.MAX_VALUE ? 0x7fffffff : info.ssthreshBytes() / mss);
            b.setIntLE(80, info.cwndBytes() / mss);
            b.setIntLE(84, info.sndMss());
            b.setIntLE(88, info.reordering());
            b.setIntLE(100, (int) info.totalRetrans());
            b.setLongLE(120, info.bytesAcked());
            b.setLongLE(128, info.bytesReceived());
            b.setIntLE(136, (int) info.segsOut());
            b.setIntLE(140, (int) info.segsIn());
            b.setIntLE(148, micros(info.minRttNanos()));
            b.setLongLE(200, info.bytesSent());
            b.setLongLE(208, info.bytesRetrans());
            b.setIntLE(228, info.sndWnd());
            b.setIntLE(232, info.rcvWnd());
        }
        out.writeBytes(b, 0, len);
        b.release();
        return len;
    }

    private static int micros(long nanos) {
        return (int) Math.min(Integer.MAX_VALUE, nanos / 1000);
    }
}
