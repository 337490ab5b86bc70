package org.alpenstack.kernel.link;

/** What a {@link FaultInjector} did to one direction of traffic. */
public final class FaultCounters {
    long frames;
    long lost;
    long duplicated;
    long reordered;
    long corrupted;
    long delayed;
    long delivered;
    long overflowed;

    /** Frames offered to this direction. */
    public long frames() {
        return frames;
    }

    /** Frames dropped on purpose. */
    public long lost() {
        return lost;
    }

    /** Extra copies sent. */
    public long duplicated() {
        return duplicated;
    }

    /** Frames held back to go out after their successor. */
    public long reordered() {
        return reordered;
    }

    /** Frames with one bit flipped. */
    public long corrupted() {
        return corrupted;
    }

    /** Frames that waited in the delay line. */
    public long delayed() {
        return delayed;
    }

    /** Frames passed on (duplicates included). */
    public long delivered() {
        return delivered;
    }

    /** Frames dropped because the delay line was full. */
    public long overflowed() {
        return overflowed;
    }

    @Override
    public String toString() {
        return "FaultCounters[frames=" + frames + ", lost=" + lost + ", duplicated=" + duplicated + ", reordered=" + reordered
                + ", corrupted=" + corrupted + ", delayed=" + delayed + ", delivered=" + delivered + ", overflowed=" + overflowed + "]";
    }
}
