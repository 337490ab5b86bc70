package org.alpenstack.link.afpacket;

/**
 * Counters of a port's receive path, written by the RX thread only (see {@link TxStats} on
 * reading them elsewhere). Nothing the port receives disappears without being counted here.
 */
public final class RxStats {
    long batches;
    long framesDelivered;
    long bytesDelivered;
    long checksumsCompleted;
    long gsoFramesSplit;
    long gsoSegments;
    long gsoFramesWhole;
    long droppedTruncated;
    long droppedGsoUnsupported;
    long droppedBadOffload;
    long droppedTooLarge;
    long kernelPackets;
    long kernelDrops;
    long kernelFreezes;

    public long batches() {
        return batches;
    }

    public long framesDelivered() {
        return framesDelivered;
    }

    public long bytesDelivered() {
        return bytesDelivered;
    }

    /** Frames with a partial checksum (NEEDS_CSUM / CHECKSUM_PARTIAL) that the port completed. */
    public long checksumsCompleted() {
        return checksumsCompleted;
    }

    /** GSO super-frames split into MTU-sized segments. */
    public long gsoFramesSplit() {
        return gsoFramesSplit;
    }

    /** Segments produced from GSO super-frames. */
    public long gsoSegments() {
        return gsoSegments;
    }

    /** TCP super-frames handed over whole ({@link FramePort#setReceiveTcpSuperFrames}), not split. */
    public long gsoFramesWhole() {
        return gsoFramesWhole;
    }

    /** The ring held only part of the frame (a GSO frame larger than a ring block). */
    public long droppedTruncated() {
        return droppedTruncated;
    }

    /** A GSO type the port cannot split (UFO, or IPv6 with extension headers). */
    public long droppedGsoUnsupported() {
        return droppedGsoUnsupported;
    }

    /** Offload metadata that does not fit the frame (checksum offset outside it, gso_size 0 ...). */
    public long droppedBadOffload() {
        return droppedBadOffload;
    }

    /** A frame larger than a whole batch. */
    public long droppedTooLarge() {
        return droppedTooLarge;
    }

    /** Packets the kernel put into the ring (PACKET_STATISTICS, summed over reads). */
    public long kernelPackets() {
        return kernelPackets;
    }

    /** Packets the kernel dropped because the ring was full (PACKET_STATISTICS). */
    public long kernelDrops() {
        return kernelDrops;
    }

    public long kernelFreezes() {
        return kernelFreezes;
    }

    @Override
    public String toString() {
        return "RxStats[batches=" + batches + ", frames=" + framesDelivered + ", bytes=" + bytesDelivered
                + ", csumCompleted=" + checksumsCompleted + ", gsoSplit=" + gsoFramesSplit + ", gsoSegments="
                + gsoSegments + ", truncated=" + droppedTruncated + ", gsoUnsupported=" + droppedGsoUnsupported
                + ", badOffload=" + droppedBadOffload + ", tooLarge=" + droppedTooLarge + ", kernelPackets="
                + kernelPackets + ", kernelDrops=" + kernelDrops + ", kernelFreezes=" + kernelFreezes + "]";
    }
}
