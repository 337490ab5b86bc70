package org.alpenstack.link.afpacket;

/**
 * Counters of one transmitter, written by its owning thread only. Other threads may read them
 * (64-bit fields do not tear on the LP64 JVMs this module runs on) and see slightly old values.
 */
public final class TxStats {
    long framesSent;
    long bytesSent;
    long droppedNoBuffer;
    long droppedTooLong;
    long droppedMalformed;
    long droppedError;
    long droppedClosed;
    int lastErrno;

    public long framesSent() {
        return framesSent;
    }

    public long bytesSent() {
        return bytesSent;
    }

    /** The kernel had no room (EAGAIN / ENOBUFS): the qdisc or the device queue was full. */
    public long droppedNoBuffer() {
        return droppedNoBuffer;
    }

    /** Longer than the device MTU plus the Ethernet (and one VLAN) header. */
    public long droppedTooLong() {
        return droppedTooLong;
    }

    /** Shorter than an Ethernet header. */
    public long droppedMalformed() {
        return droppedMalformed;
    }

    /** Any other error from the kernel (the device went down, was removed ...); see {@link #lastErrno()}. */
    public long droppedError() {
        return droppedError;
    }

    public long droppedClosed() {
        return droppedClosed;
    }

    public int lastErrno() {
        return lastErrno;
    }

    @Override
    public String toString() {
        return "TxStats[sent=" + framesSent + ", bytes=" + bytesSent + ", noBuffer=" + droppedNoBuffer + ", tooLong="
                + droppedTooLong + ", malformed=" + droppedMalformed + ", error=" + droppedError + ", closed="
                + droppedClosed + ", lastErrno=" + lastErrno + "]";
    }
}
