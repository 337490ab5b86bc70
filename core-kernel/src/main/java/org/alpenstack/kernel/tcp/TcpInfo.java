package org.alpenstack.kernel.tcp;

/**
 * A snapshot of one connection's internals, mirroring the Linux {@code struct tcp_info}
 * fields ({@code ss -ti}, getsockopt(TCP_INFO)) that the connections table and the TCP_INFO
 * socket option need. Immutable; built by the engine on the owner thread and safe to hand to
 * any other thread. Unlike Linux, windows and SACK/loss counts are in bytes, times in
 * nanoseconds; the TCP_INFO encoder converts (segments = bytes / sndMss, microseconds).
 *
 * @param state             RFC 9293 state name, e.g. "ESTABLISHED" (tcpi_state)
 * @param congestionControl algorithm name, e.g. "cubic" (TCP_CONGESTION)
 * @param srttNanos         smoothed RTT, 0 before the first sample (tcpi_rtt)
 * @param rttVarNanos       RTT variation (tcpi_rttvar)
 * @param minRttNanos       smallest RTT seen, 0 before the first sample (tcpi_min_rtt)
 * @param rtoNanos          current retransmission timeout including backoff (tcpi_rto)
 * @param backoff           timer expiries since the last valid RTT sample (tcpi_backoff)
 * @param retransmits       consecutive retransmissions of the oldest unacknowledged data (tcpi_retransmits)
 * @param cwndBytes         congestion window (tcpi_snd_cwnd, in bytes)
 * @param ssthreshBytes     slow-start threshold, Integer.MAX_VALUE while unset (tcpi_snd_ssthresh)
 * @param sndMss            sender MSS (tcpi_snd_mss)
 * @param rcvMss            MSS advertised by / estimated for the peer's sends (tcpi_rcv_mss)
 * @param pmtu              path MTU (tcpi_pmtu)
 * @param sndWnd            peer's advertised window, scaled (tcpi_snd_wnd)
 * @param rcvWnd            window we advertise, scaled (tcpi_rcv_wnd)
 * @param sndWscale         shift applied to the peer's windows, -1 without window scaling (tcpi_snd_wscale)
 * @param rcvWscale         shift applied to our windows, -1 without window scaling (tcpi_rcv_wscale)
 * @param timestamps        RFC 7323 timestamps negotiated (TCPI_OPT_TIMESTAMPS)
 * @param sack              SACK permitted both ways (TCPI_OPT_SACK)
 * @param ecn               ECN negotiated (TCPI_OPT_ECN)
 * @param bytesSent         data bytes sent, retransmissions included (tcpi_bytes_sent)
 * @param bytesRetrans      data bytes retransmitted (tcpi_bytes_retrans)
 * @param bytesAcked        data bytes acknowledged by the peer (tcpi_bytes_acked)
 * @param bytesReceived     data bytes received in order (tcpi_bytes_received)
 * @param segsOut           segments sent (tcpi_segs_out)
 * @param segsIn            segments received (tcpi_segs_in)
 * @param totalRetrans      segments retransmitted over the connection's life (tcpi_total_retrans)
 * @param unackedBytes      bytes in flight, SND.NXT - SND.UNA (tcpi_unacked)
 * @param sackedBytes       bytes SACKed above SND.UNA (tcpi_sacked)
 * @param lostBytes         bytes deemed lost by RFC 6675 IsLost (tcpi_lost)
 * @param sendQueueBytes    bytes in the send buffer, unacknowledged plus unsent (SIOCOUTQ)
 * @param receiveQueueBytes bytes readable by the application (SIOCINQ)
 * @param reordering        DupThresh in use (tcpi_reordering)
 */
public record TcpInfo(
        String state,
        String congestionControl,
        long srttNanos,
        long rttVarNanos,
        long minRttNanos,
        long rtoNanos,
        int backoff,
        int retransmits,
        int cwndBytes,
        int ssthreshBytes,
        int sndMss,
        int rcvMss,
        int pmtu,
        int sndWnd,
        int rcvWnd,
        int sndWscale,
        int rcvWscale,
        boolean timestamps,
        boolean sack,
        boolean ecn,
        long bytesSent,
        long bytesRetrans,
        long bytesAcked,
        long bytesReceived,
        long segsOut,
        long segsIn,
        long totalRetrans,
        int unackedBytes,
        int sackedBytes,
        int lostBytes,
        int sendQueueBytes,
        int receiveQueueBytes,
        int reordering) {
}
