package org.alpenstack.kernel.tcp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Linux's {@code struct tcp_info} (include/uapi/linux/tcp.h) as getsockopt(TCP_INFO) returns it,
 * in host byte order (little-endian on x86-64 and arm64), up to and including
 * {@code tcpi_snd_wnd}: 232 bytes. A caller asking for less gets a prefix, as from the kernel.
 * Units are Linux's: times in microseconds (the "last_*" ages in milliseconds), windows and
 * in-flight counts in segments.
 */
final class TcpInfoStruct {
    static final int SIZE = 232;

    // Offsets of the fields we fill.
    static final int STATE = 0;
    static final int CA_STATE = 1;
    static final int RETRANSMITS = 2;
    static final int PROBES = 3;
    static final int BACKOFF = 4;
    static final int OPTIONS = 5;
    static final int WSCALE = 6;
    static final int RTO = 8;
    static final int ATO = 12;
    static final int SND_MSS = 16;
    static final int RCV_MSS = 20;
    static final int UNACKED = 24;
    static final int SACKED = 28;
    static final int LOST = 32;
    static final int RETRANS = 36;
    static final int LAST_DATA_SENT = 44;
    static final int LAST_DATA_RECV = 52;
    static final int LAST_ACK_RECV = 56;
    static final int PMTU = 60;
    static final int RCV_SSTHRESH = 64;
    static final int RTT = 68;
    static final int RTTVAR = 72;
    static final int SND_SSTHRESH = 76;
    static final int SND_CWND = 80;
    static final int ADVMSS = 84;
    static final int REORDERING = 88;
    static final int RCV_SPACE = 96;
    static final int TOTAL_RETRANS = 100;
    static final int BYTES_ACKED = 120;
    static final int BYTES_RECEIVED = 128;
    static final int SEGS_OUT = 136;
    static final int SEGS_IN = 140;
    static final int NOTSENT_BYTES = 144;
    static final int MIN_RTT = 148;
    static final int DATA_SEGS_IN = 152;
    static final int DATA_SEGS_OUT = 156;
    static final int DELIVERED = 192;
    static final int BYTES_SENT = 200;
    static final int BYTES_RETRANS = 208;
    static final int DSACK_DUPS = 216;
    static final int SND_WND = 228;

    /** TCPI_OPT_* bits of tcpi_options. */
    static final int OPT_TIMESTAMPS = 1;
    static final int OPT_SACK = 2;
    static final int OPT_WSCALE = 4;

    /** Linux TCP_INFINITE_SSTHRESH. */
    static final int INFINITE_SSTHRESH = 0x7fffffff;

    private static final VarHandle U32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private TcpInfoStruct() {
    }

    /** Linux's TCP_ESTABLISHED (1) ... TCP_CLOSING (11) numbering, which differs from the RFC order. */
    static int linuxState(TcpState s) {
        switch (s) {
            case ESTABLISHED: return 1;
            case SYN_SENT: return 2;
            case SYN_RECEIVED: return 3;
            case FIN_WAIT_1: return 4;
            case FIN_WAIT_2: return 5;
            case TIME_WAIT: return 6;
            case CLOSE_WAIT: return 8;
            case LAST_ACK: return 9;
            case LISTEN: return 10;
            case CLOSING: return 11;
            default: return 7;
        }
    }

    /**
     * Encodes the connection ({@code null} for a socket without one, e.g. listening) into
     * {@code out[off, off+len)}; returns the bytes written, {@code min(len, SIZE)}.
     */
    static int encode(TcpConnection c, TcpState state, long now, byte[] out, int off, int len) {
        byte[] b = new byte[SIZE];
        b[STATE] = (byte) linuxState(state);
        if (c != null) {
            int mss = Math.max(1, c.sndMss);
            b[CA_STATE] = (byte) (c.rtoRecovery || c.rxtShift > 0 ? 4 : c.inRecovery ? 3 : c.dupAcks > 0 ? 1 : 0);
            b[RETRANSMITS] = (byte) Math.min(255, c.rxtShift);
            b[PROBES] = (byte) Math.min(255, c.keepaliveProbes);
            b[BACKOFF] = (byte) Math.min(255, c.rtt.backoffs());
            b[OPTIONS] = (byte) ((c.timestamps ? OPT_TIMESTAMPS : 0) | (c.sackPermitted ? OPT_SACK : 0)
                    | (c.windowScaling ? OPT_WSCALE : 0));
            b[WSCALE] = (byte) ((c.windowScaling ? c.sndScale & 0xf : 0) | ((c.windowScaling ? c.rcvScale & 0xf : 0) << 4));
            u32(b, RTO, c.rtt.rto() / 1000);
            u32(b, ATO, c.layer.tunables.delayedAckNanos() / 1000);
            u32(b, SND_MSS, c.sndMss);
            u32(b, RCV_MSS, c.rcvMss);
            u32(b, UNACKED, (c.sndMax - c.sndUna + mss - 1) / mss);
            if (c.sackPermitted) {
                u32(b, SACKED, c.scoreboard.sackedBytes() / mss);
                u32(b, LOST, c.scoreboard.lostBytes() / mss);
            }
            u32(b, RETRANS, c.inRecovery || c.rxtShift > 0 ? 1 : 0);
            u32(b, LAST_DATA_SENT, c.lastSent == 0 ? 0 : (now - c.lastSent) / 1_000_000);
            u32(b, LAST_DATA_RECV, c.lastReceived == 0 ? 0 : (now - c.lastReceived) / 1_000_000);
            u32(b, LAST_ACK_RECV, c.lastReceived == 0 ? 0 : (now - c.lastReceived) / 1_000_000);
            u32(b, PMTU, c.layer.ip.pathMtu(c.remoteAddress));
            u32(b, RCV_SSTHRESH, Math.max(0, c.rcvAdv - c.rcvNxt));
            u32(b, RTT, c.rtt.srtt() / 1000);
            u32(b, RTTVAR, c.rtt.rttvar() / 1000);
            int ssthresh = c.cc.ssthresh();
            u32(b, SND_SSTHRESH, ssthresh == Integer.MAX_VALUE ? INFINITE_SSTHRESH : ssthresh / mss);
            u32(b, SND_CWND, c.cc.cwnd() / mss);
            u32(b, ADVMSS, c.advertisedMss);
            u32(b, REORDERING, c.layer.tunables.reordering());
            u32(b, RCV_SPACE, c.receiveBuffer != null ? c.receiveBuffer.capacity() : c.rcvBufSize);
            u32(b, TOTAL_RETRANS, c.totalRetransmits);
            U64.set(b, BYTES_ACKED, c.bytesAcked);
            U64.set(b, BYTES_RECEIVED, c.bytesReceived);
            u32(b, SEGS_OUT, c.segmentsOut);
            u32(b, SEGS_IN, c.segmentsIn);
            u32(b, NOTSENT_BYTES, Math.max(0, c.sendBuffered() - (c.sndMax - c.sndUna)));
            u32(b, MIN_RTT, c.rtt.hasSample() ? c.rtt.minRtt() / 1000 : 0);
            u32(b, DATA_SEGS_IN, c.segmentsIn);
            u32(b, DATA_SEGS_OUT, c.segmentsOut);
            u32(b, DELIVERED, c.bytesAcked / mss);
            U64.set(b, BYTES_SENT, c.bytesSentTotal);
            U64.set(b, BYTES_RETRANS, c.bytesRetransmitted);
            u32(b, DSACK_DUPS, c.sackPermitted ? c.scoreboard.dsackBlocksReceived() : 0);
            u32(b, SND_WND, c.sndWnd);
        }
        int n = Math.max(0, Math.min(len, SIZE));
        System.arraycopy(b, 0, out, off, n);
        return n;
    }

    private static void u32(byte[] b, int off, long v) {
        U32.set(b, off, (int) Math.min(v, 0xffffffffL));
    }
}
