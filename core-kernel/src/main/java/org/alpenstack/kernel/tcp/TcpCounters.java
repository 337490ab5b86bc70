package org.alpenstack.kernel.tcp;

import org.alpenstack.kernel.stack.DropReason;

/**
 * The TCP layer's counters (the MIB of RFC 4022 and Linux's TcpExt names where they exist).
 * Plain fields: the layer runs on one thread; snapshots copy them.
 */
public final class TcpCounters {
    public long segmentsIn;
    public long segmentsOut;
    public long retransmittedSegments;
    public long resetsSent;
    public long resetsReceived;
    public long activeOpens;
    public long passiveOpens;
    public long establishedResets;
    public long challengeAcks;
    public long fastRetransmits;
    public long tailLossProbes;
    public long ecnCeReceived;
    public long ecnReductions;
    public long tailLossProbeRecoveries;
    public long retransmitTimeouts;
    public long timeouts;
    public long windowProbes;
    public long keepaliveProbes;
    public long delayedAcks;
    public long windowUpdates;
    public long dsacksReceived;
    /** ACKs on which RACK (RFC 8985) marked segments lost. */
    public long rackLossMarks;
    /** Retransmissions of segments RACK deemed lost (lost retransmissions among them). */
    public long rackRetransmits;
    /** Receivers found to have discarded SACKed data (Linux TcpExtTCPSACKReneging). */
    public long sackRenegings;
    public long reassembled;
    public long synCookiesSent;
    public long synCookiesAccepted;
    public long timeWaitRecycled;
    public long bytesReceived;
    public long bytesSent;
    public long drops;
    /** Segments the IP layer refused to send (no route, EMSGSIZE, ENOBUFS). */
    public long sendErrors;
    private final long[] dropsByReason = new long[DropReason.values().length];

    void drop(DropReason reason) {
        drops++;
        dropsByReason[reason.ordinal()]++;
    }

    public long drops(DropReason reason) {
        return dropsByReason[reason.ordinal()];
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TcpCounters{in=").append(segmentsIn).append(" out=").append(segmentsOut)
                .append(" retrans=").append(retransmittedSegments).append(" rstOut=").append(resetsSent)
                .append(" rstIn=").append(resetsReceived).append(" fastRetrans=").append(fastRetransmits)
                .append(" rto=").append(retransmitTimeouts).append(" tlp=").append(tailLossProbes)
                .append(" rack=").append(rackRetransmits).append(" dsack=").append(dsacksReceived);
        for (DropReason r : DropReason.values()) {
            if (dropsByReason[r.ordinal()] != 0) {
                sb.append(' ').append(r).append('=').append(dropsByReason[r.ordinal()]);
            }
        }
        return sb.append('}').toString();
    }
}
