package org.alpenstack.kernel.socket;

import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.ip.IpPacketInfo;

/**
 * A datagram socket's receive queue: whole datagrams with their source, bounded by the socket's
 * receive buffer. Each datagram is charged at the capacity of the pooled buffer holding it (the
 * role of Linux's skb truesize), and, as in Linux's __udp_enqueue_schedule_skb, a datagram is
 * admitted while the memory already queued does not exceed the limit.
 *
 * <p>The queue is a ring of parallel arrays that grows by doubling; steady-state traffic
 * allocates nothing but the pooled buffers.
 */
public final class DatagramQueue {
    private PacketBuffer[] bufs = new PacketBuffer[8];
    private int[] srcAddr = new int[8];
    private int[] srcPort = new int[8];
    private int[] dstAddr = new int[8];
    private int[] ifIndex = new int[8];
    private int[] ttlTos = new int[8];
    private int head;
    private int count;
    private long memory;

    public int size() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** Bytes charged for queued datagrams. */
    public long memory() {
        return memory;
    }

    /**
     * Copies {@code a[off..off+len)} in as one datagram from {@code source:port}; false (nothing
     * queued) when {@code limit} is already exceeded.
     */
    public boolean offer(BufferPool pool, byte[] a, int off, int len, int source, int port, IpPacketInfo ip, long limit) {
        if (memory > limit) {
            return false;
        }
        PacketBuffer b = pool.acquire(0, len);
        b.append(a, off, len);
        if (count == bufs.length) {
            grow();
        }
        int i = (head + count) & (bufs.length - 1);
        bufs[i] = b;
        srcAddr[i] = source;
        srcPort[i] = port;
        dstAddr[i] = ip == null ? 0 : ip.destination;
        ifIndex[i] = ip == null ? 0 : ip.interfaceIndex;
        ttlTos[i] = ip == null ? 0 : (ip.ttl << 8) | ip.tos;
        count++;
        memory += b.capacity();
        return true;
    }

    /** Length of the next datagram (FIONREAD on a datagram socket), or -1 if empty. */
    public int peekLength() {
        return count == 0 ? -1 : bufs[head].length();
    }

    /**
     * Copies the next datagram into {@code dst} (at most {@code len} bytes) and, unless
     * {@code peek}, removes it. Fills {@code meta} if given. Returns the datagram's full length
     * (more than {@code len} when it was truncated), or -1 if the queue is empty.
     */
    public int take(byte[] dst, int off, int len, boolean peek, RecvMeta meta) {
        if (count == 0) {
            return -1;
        }
        int i = head;
        PacketBuffer b = bufs[i];
        int full = b.length();
        int n = Math.min(full, len);
        if (n > 0) {
            System.arraycopy(b.array(), b.start(), dst, off, n);
        }
        if (meta != null) {
            meta.sourceAddress = srcAddr[i];
            meta.sourcePort = srcPort[i];
            meta.destinationAddress = dstAddr[i];
            meta.interfaceIndex = ifIndex[i];
            meta.ttl = ttlTos[i] >>> 8;
            meta.tos = ttlTos[i] & 0xff;
            meta.flags = full > len ? SocketOptions.MSG_TRUNC : 0;
        }
        if (!peek) {
            bufs[i] = null;
            head = (head + 1) & (bufs.length - 1);
            count--;
            memory -= b.capacity();
            b.release();
        }
        return full;
    }

    /** Releases every queued datagram. */
    public void clear() {
        while (count > 0) {
            PacketBuffer b = bufs[head];
            bufs[head] = null;
            head = (head + 1) & (bufs.length - 1);
            count--;
            b.release();
        }
        memory = 0;
    }

    private void grow() {
        int n = bufs.length;
        PacketBuffer[] nb = new PacketBuffer[n * 2];
        int[] a1 = new int[n * 2];
        int[] a2 = new int[n * 2];
        int[] a3 = new int[n * 2];
        int[] a4 = new int[n * 2];
        int[] a5 = new int[n * 2];
        for (int k = 0; k < count; k++) {
            int i = (head + k) & (n - 1);
            nb[k] = bufs[i];
            a1[k] = srcAddr[i];
            a2[k] = srcPort[i];
            a3[k] = dstAddr[i];
            a4[k] = ifIndex[i];
            a5[k] = ttlTos[i];
        }
        bufs = nb;
        srcAddr = a1;
        srcPort = a2;
        dstAddr = a3;
        ifIndex = a4;
        ttlTos = a5;
        head = 0;
    }
}
