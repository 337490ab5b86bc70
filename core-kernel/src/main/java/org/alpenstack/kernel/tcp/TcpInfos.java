package org.alpenstack.kernel.tcp;

/** Builds the {@link TcpInfo} snapshot of a connection (getsockopt TCP_INFO, ss -ti). */
final class TcpInfos {
    private TcpInfos() {
    }

    static TcpInfo snapshot(TcpConnection c) {
        int rcvWnd = Math.max(0, c.rcvAdv - c.rcvNxt);
        return new TcpInfo(
                c.state.name(),
                c.cc.name(),
                c.rtt.srtt(),
                c.rtt.rttvar(),
                c.rtt.hasSample() ? c.rtt.minRtt() : 0,
                c.rtt.rto(),
                c.rtt.backoffs(),
                c.rxtShift,
                c.cc.cwnd(),
                c.cc.ssthresh(),
                c.sndMss,
                c.rcvMss,
                c.layer.ip.pathMtu(c.remoteAddress),
                c.sndWnd,
                rcvWnd,
                c.windowScaling ? c.sndScale : -1,
                c.windowScaling ? c.rcvScale : -1,
                c.timestamps,
                c.sackPermitted,
                false,
                c.bytesSentTotal,
                c.bytesRetransmitted,
                c.bytesAcked,
                c.bytesReceived,
                c.segmentsOut,
                c.segmentsIn,
                c.totalRetransmits,
                c.sndMax - c.sndUna,
                c.sackPermitted ? c.scoreboard.sackedBytes() : 0,
                c.sackPermitted ? c.scoreboard.lostBytes() : 0,
                c.sendBuffered(),
                c.readable(),
                c.layer.tunables.reordering());
    }
}
