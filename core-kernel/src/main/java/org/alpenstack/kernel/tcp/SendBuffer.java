package org.alpenstack.kernel.tcp;

/**
 * The send queue of one connection: a byte ring the application writes into, addressed by
 * sequence number. It holds every data byte from SND.UNA (the oldest unacknowledged) to the
 * last byte written; bytes between SND.UNA and SND.NXT are in flight and kept for
 * retransmission, the rest are not yet sent. The engine copies any range
 * {@code [seq, seq+len)} into an outgoing segment with {@link #copyOut} and frees space with
 * {@link #ack}.
 *
 * <p>Sequence numbers here are those of data bytes only. SYN and FIN occupy sequence space but
 * no buffer space: the engine calls {@link #reset} with ISS + 1, and {@link #ack} clamps an
 * acknowledgment that also covers the FIN to {@link #endSeq()}.
 *
 * <p>Memory follows use: {@link #capacity()} is the limit the application sees (SO_SNDBUF), but
 * the ring behind it starts empty and doubles only when bytes need the room, so a connection
 * that never sends holds no data buffer at all (an idle Linux socket holds no skb either), and
 * one that sends a line at a time holds a few KiB. In steady state the ring has reached its size
 * and nothing is allocated.
 *
 * <p>Not thread-safe; allocates only when the bytes held outgrow the ring.
 */
public final class SendBuffer {
    /** The smallest ring allocated once a byte is written. */
    static final int MIN_RING = Rings.MIN_RING;
    private static final byte[] EMPTY = new byte[0];

    /** Holds the bytes; its length is the modulus of the ring, at most {@link #capacity}. */
    private byte[] ring = EMPTY;
    private int capacity;
    private final int maxCapacity;
    private int head;
    private int length;
    /** Sequence number of the byte at {@code head}. */
    private int startSeq;

    public SendBuffer(int capacity) {
        this(capacity, capacity);
    }

    /**
     * @param capacity    initial size (Linux tcp_wmem default, or SO_SNDBUF)
     * @param maxCapacity limit for {@link #grow} (tcp_wmem max)
     */
    public SendBuffer(int capacity, int maxCapacity) {
        if (capacity <= 0 || maxCapacity < capacity) {
            throw new IllegalArgumentException("bad send buffer size " + capacity + " (max " + maxCapacity + ")");
        }
        this.capacity = capacity;
        this.maxCapacity = maxCapacity;
    }

    /** Empties the buffer; the next byte written gets sequence number {@code firstSeq} (ISS + 1). */
    public void reset(int firstSeq) {
        head = 0;
        length = 0;
        startSeq = firstSeq;
    }

    public int capacity() {
        return capacity;
    }

    public int maxCapacity() {
        return maxCapacity;
    }

    /** Bytes held: unacknowledged plus unsent (tcp_info send queue, SIOCOUTQ). */
    public int length() {
        return length;
    }

    public boolean isEmpty() {
        return length == 0;
    }

    /** Room for the application's next write (POLLOUT when large enough). */
    public int free() {
        return capacity - length;
    }

    /** Sequence number of the oldest byte held (SND.UNA once the SYN is acknowledged). */
    public int startSeq() {
        return startSeq;
    }

    /** One past the sequence number of the newest byte held: where a FIN would go. */
    public int endSeq() {
        return startSeq + length;
    }

    /** Bytes held at or after {@code seq}: for {@code seq = SND.NXT}, the data not yet sent. */
    public int bytesFrom(int seq) {
        int d = SeqNum.diff(startSeq, seq);
        if (d <= 0) {
            return length;
        }
        return Math.max(0, length - d);
    }

    /** Appends up to {@code len} bytes; returns how many fit (0 when full: EAGAIN for the caller). */
    public int write(byte[] src, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, src.length);
        int n = Math.min(len, free());
        if (length + n > ring.length) {
            resize(length + n);
        }
        int pos = wrap(head + length);
        int first = Math.min(n, ring.length - pos);
        System.arraycopy(src, off, ring, pos, first);
        System.arraycopy(src, off + first, ring, 0, n - first);
        length += n;
        return n;
    }

    /**
     * Copies the held bytes of {@code [seq, seq+len)} into {@code dst} at {@code off}; returns how
     * many were copied (fewer if the range runs past {@link #endSeq()}, 0 if it starts outside).
     */
    public int copyOut(int seq, byte[] dst, int off, int len) {
        int from = SeqNum.diff(startSeq, seq);
        if (from < 0 || from >= length || len <= 0) {
            return 0;
        }
        int n = Math.min(len, length - from);
        java.util.Objects.checkFromIndexSize(off, n, dst.length);
        int pos = wrap(head + from);
        int first = Math.min(n, ring.length - pos);
        System.arraycopy(ring, pos, dst, off, first);
        System.arraycopy(ring, 0, dst, off + first, n - first);
        return n;
    }

    /**
     * The peer acknowledged everything before {@code upTo}: frees those bytes and returns how many.
     * An acknowledgment beyond {@link #endSeq()} (it covers our FIN) frees everything; one at or
     * before {@link #startSeq()} frees nothing.
     */
    public int ack(int upTo) {
        int d = SeqNum.diff(startSeq, upTo);
        if (d <= 0) {
            return 0;
        }
        int n = Math.min(d, length);
        head = wrap(head + n);
        length -= n;
        startSeq += n;
        return n;
    }

    /**
     * Raises the capacity up to {@link #maxCapacity()} (the ring itself grows when bytes arrive);
     * returns the capacity now in effect.
     */
    public int grow(int newCapacity) {
        int target = Math.min(newCapacity, maxCapacity);
        if (target > capacity) {
            capacity = target;
        }
        return capacity;
    }

    /** Bytes of heap the ring takes now (0 until the first write). */
    public int allocated() {
        return ring.length;
    }

    /** A ring of at least {@code need} bytes (doubling, at most the capacity), the held bytes moved to its start. */
    private void resize(int need) {
        ring = Rings.grown(ring, head, length, need, capacity);
        head = 0;
    }

    private int wrap(int i) {
        return i >= ring.length ? i - ring.length : i;
    }

    @Override
    public String toString() {
        return "SendBuffer{start=" + Integer.toUnsignedString(startSeq) + ", length=" + length + ", capacity=" + capacity
                + ", allocated=" + ring.length + "}";
    }
}
