package org.alpenstack.kernel.ip;

import java.util.ArrayList;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.stack.DropReason;
import org.alpenstack.kernel.stack.StackCounter;
import org.alpenstack.kernel.stack.StackCounters;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.time.Timer;
import org.alpenstack.kernel.time.TimerWheel;
import org.alpenstack.kernel.wire.Ipv4Packet;

/**
 * IPv4 reassembly (RFC 791 section 3.2, RFC 1122 section 3.3.2, RFC 815 hole bookkeeping).
 *
 * <p>A datagram in progress is identified by (source, destination, protocol, identification).
 * Its payload is copied straight to its final place in one pooled buffer that grows through
 * the pool's size classes as later offsets arrive; the received ranges are kept sorted and
 * merged, so completion is "one range from 0 to the length the last fragment announced".
 *
 * <p>Resource limits, so that hostile fragments cannot grow memory without bound:
 * <ul>
 * <li>every byte held is accounted as the capacity of the buffers and range arrays; a fragment
 *     that would push the total past {@code memoryLimit} is dropped (and its datagram with it),
 *     as Linux drops fragments above ipfrag_high_thresh;</li>
 * <li>at most {@code maxDatagrams} datagrams at once and {@link #MAX_RANGES} disjoint ranges
 *     per datagram;</li>
 * <li>a datagram not complete within the timeout (RFC 1122 3.3.2: 60..120 s suggested, Linux's
 *     ipfrag_time is 30 s) is discarded, and if its first fragment had arrived the owner may
 *     send ICMP time exceeded, code 1 (RFC 792).</li>
 * </ul>
 *
 * <p>Overlaps: a fragment that partly overlaps data already received makes the whole datagram
 * be discarded, the policy RFC 5722 mandates for IPv6 and Linux applies to IPv4 too (since 4.19,
 * "ip: discard IPv4 datagrams with overlapping segments"): overlaps are how teardrop-style
 * attacks and IDS evasion work, and no correct sender produces them. A fragment that lies wholly
 * inside data we already hold (a duplicated frame, a retransmitted datagram with the same id)
 * is dropped alone and the first copy wins, as Linux does.
 */
public final class Reassembler {
    public static final long DEFAULT_TIMEOUT = Clock.seconds(30);
    /** Linux's net.ipv4.ipfrag_high_thresh. */
    public static final long DEFAULT_MEMORY_LIMIT = 4L * 1024 * 1024;
    public static final int DEFAULT_MAX_DATAGRAMS = 256;
    /** Disjoint received ranges one datagram may have (8-byte fragments out of order could make 4096). */
    public static final int MAX_RANGES = 256;
    /** Room in front of the payload for the first fragment's header (at most 60 bytes). */
    private static final int HEADER_ROOM = Ipv4Packet.MAX_HEADER_LEN;
    /** Accounted per datagram besides its buffer (the object, its header copy). */
    private static final int OVERHEAD = 128;

    /** Told about a datagram that timed out; {@code a[off..off+len)} is its first fragment's header and data. */
    @FunctionalInterface
    public interface TimeoutListener {
        void reassemblyTimedOut(byte[] a, int off, int len);
    }

    private final BufferPool pool;
    private final StackCounters counters;
    private final TimerWheel timers;
    private final Timer timer;
    private final TimeoutListener timeoutListener;
    private long timeout = DEFAULT_TIMEOUT;
    private long memoryLimit = DEFAULT_MEMORY_LIMIT;
    private int maxDatagrams = DEFAULT_MAX_DATAGRAMS;
    /** In order of creation, which is also the order of their deadlines. */
    private final ArrayList<Datagram> datagrams = new ArrayList<>();
    private final ArrayList<Datagram> spare = new ArrayList<>();
    private long memory;
    private long peakMemory;

    private static final class Datagram {
        int source;
        int destination;
        int protocol;
        int identification;
        PacketBuffer buffer;
        int[] ranges = new int[8];
        int rangeCount;
        /** Payload length announced by the last fragment (MF clear), or -1. */
        int totalLength;
        /** Header length of the first fragment, 0 until it arrived. */
        int headerLength;
        long deadline;
        long accounted;
    }

    public Reassembler(BufferPool pool, StackCounters counters, TimerWheel timers, TimeoutListener timeoutListener) {
        this.pool = pool;
        this.counters = counters;
        this.timers = timers;
        this.timeoutListener = timeoutListener;
        this.timer = new Timer(this::expire);
    }

    public void setTimeout(long nanos) {
        if (nanos <= 0) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        this.timeout = nanos;
    }

    public void setMemoryLimit(long bytes) {
        this.memoryLimit = bytes;
    }

    public void setMaxDatagrams(int n) {
        this.maxDatagrams = n;
    }

    public long memoryLimit() {
        return memoryLimit;
    }

    /** Bytes currently held for datagrams in progress (buffer capacities and bookkeeping). */
    public long memoryUsed() {
        return memory;
    }

    /** The most memory ever held at once: tests assert it never passed the limit. */
    public long peakMemory() {
        return peakMemory;
    }

    public int datagramsInProgress() {
        return datagrams.size();
    }

    /**
     * Takes one checked fragment (the IPv4 header at {@code off}, total length already
     * validated, checksum verified). Returns the reassembled datagram (header with MF and offset
     * cleared and the full total length, then the payload), owned by the caller; or null when
     * the datagram is not complete yet or the fragment was dropped (and counted).
     */
    public PacketBuffer add(byte[] a, int off, long now) {
        counters.inc(StackCounter.IP_REASM_REQDS);
        int hl = Ipv4Packet.headerLength(a, off);
        int payloadLen = Ipv4Packet.totalLength(a, off) - hl;
        int fo = Ipv4Packet.fragmentOffset(a, off);
        boolean mf = Ipv4Packet.moreFragments(a, off);
        int end = fo + payloadLen;
        if (end + hl > Ipv4Packet.MAX_TOTAL_LENGTH) {
            // Ping-of-death: a datagram that would reassemble to more than 65535 bytes.
            return dropFragment(DropReason.IPV4_FRAG_TOO_BIG);
        }
        if (payloadLen == 0 || (mf && (payloadLen & 7) != 0)) {
            // RFC 791: every fragment but the last carries a multiple of 8 octets.
            return dropFragment(DropReason.IPV4_FRAG_BAD_OFFSET);
        }
        int src = Ipv4Packet.source(a, off);
        int dst = Ipv4Packet.destination(a, off);
        int proto = Ipv4Packet.protocol(a, off);
        int id = Ipv4Packet.identification(a, off);
        Datagram d = find(src, dst, proto, id);
        if (d == null) {
            if (datagrams.size() >= maxDatagrams || memory + OVERHEAD + 2048 > memoryLimit) {
                return dropFragment(DropReason.IPV4_FRAG_MEMORY_LIMIT);
            }
            d = create(src, dst, proto, id, now);
        }
        for (int i = 0; i < d.rangeCount; i++) {
            int rs = d.ranges[2 * i];
            int re = d.ranges[2 * i + 1];
            if (fo < re && end > rs) {
                if (fo >= rs && end <= re) {
                    // Wholly inside data we hold: a duplicate (Linux inet_frag_queue_insert's
                    // IPFRAG_DUP against a run of fragments); the first copy wins.
                    return dropFragment(DropReason.IPV4_FRAG_DUPLICATE);
                }
                return discard(d, DropReason.IPV4_FRAG_OVERLAP);
            }
        }
        if (!mf) {
            if ((d.totalLength >= 0 && d.totalLength != end) || (d.rangeCount > 0 && d.ranges[2 * d.rangeCount - 1] > end)) {
                // Two different "last" fragments, or data beyond the end: inconsistent.
                return discard(d, DropReason.IPV4_FRAG_BAD_OFFSET);
            }
            d.totalLength = end;
        } else if (d.totalLength >= 0 && end > d.totalLength) {
            return discard(d, DropReason.IPV4_FRAG_BAD_OFFSET);
        }
        if (!ensureCapacity(d, HEADER_ROOM + end)) {
            return discard(d, DropReason.IPV4_FRAG_MEMORY_LIMIT);
        }
        if (!insertRange(d, fo, end)) {
            return discard(d, DropReason.IPV4_FRAG_MEMORY_LIMIT);
        }
        System.arraycopy(a, off + hl, d.buffer.array(), HEADER_ROOM + fo, payloadLen);
        if (fo == 0) {
            d.headerLength = hl;
            System.arraycopy(a, off, d.buffer.array(), HEADER_ROOM - hl, hl);
        }
        if (d.totalLength >= 0 && d.headerLength != 0 && d.rangeCount == 1 && d.ranges[0] == 0 && d.ranges[1] == d.totalLength) {
            return complete(d);
        }
        return null;
    }

    /** Drops everything in progress (stack shutdown). */
    public void clear() {
        while (!datagrams.isEmpty()) {
            release(datagrams.get(0));
        }
        timers.cancel(timer);
    }

    private PacketBuffer complete(Datagram d) {
        PacketBuffer b = d.buffer;
        d.buffer = null;
        byte[] arr = b.array();
        int h = HEADER_ROOM - d.headerLength;
        Ipv4Packet.totalLength(arr, h, d.headerLength + d.totalLength);
        // Keep DF as the first fragment had it; clear MF and the offset.
        Ipv4Packet.flagsAndFragmentOffset(arr, h, Ipv4Packet.flagsAndFragmentOffset(arr, h) & Ipv4Packet.FLAG_DONT_FRAGMENT);
        Ipv4Packet.fillChecksum(arr, h);
        b.setBounds(h, HEADER_ROOM + d.totalLength);
        release(d);
        counters.inc(StackCounter.IP_REASM_OKS);
        return b;
    }

    private PacketBuffer dropFragment(DropReason r) {
        counters.drop(r);
        return null;
    }

    private PacketBuffer discard(Datagram d, DropReason r) {
        counters.drop(r);
        counters.inc(StackCounter.IP_REASM_FAILS);
        release(d);
        return null;
    }

    private Datagram find(int src, int dst, int proto, int id) {
        for (int i = 0; i < datagrams.size(); i++) {
            Datagram d = datagrams.get(i);
            if (d.identification == id && d.source == src && d.destination == dst && d.protocol == proto) {
                return d;
            }
        }
        return null;
    }

    private Datagram create(int src, int dst, int proto, int id, long now) {
        Datagram d = spare.isEmpty() ? new Datagram() : spare.remove(spare.size() - 1);
        d.source = src;
        d.destination = dst;
        d.protocol = proto;
        d.identification = id;
        d.rangeCount = 0;
        d.totalLength = -1;
        d.headerLength = 0;
        d.deadline = now + timeout;
        d.buffer = pool.acquire(0, 2048);
        d.accounted = OVERHEAD + d.buffer.capacity() + 4L * d.ranges.length;
        charge(d.accounted);
        datagrams.add(d);
        if (!timer.isScheduled()) {
            timers.schedule(timer, d.deadline);
        }
        return d;
    }

    private boolean ensureCapacity(Datagram d, int need) {
        PacketBuffer old = d.buffer;
        if (old.capacity() >= need) {
            return true;
        }
        if (need > BufferPool.maxCapacity()) {
            return false;
        }
        // The pool rounds up to its next size class; charge what it really hands out.
        PacketBuffer grown = pool.acquire(0, need);
        long extra = grown.capacity() - old.capacity();
        if (memory + extra > memoryLimit) {
            grown.release();
            return false;
        }
        System.arraycopy(old.array(), 0, grown.array(), 0, old.capacity());
        old.release();
        d.buffer = grown;
        d.accounted += extra;
        charge(extra);
        return true;
    }

    /** Inserts [start, end) (known not to overlap) keeping ranges sorted and merging neighbours. */
    private boolean insertRange(Datagram d, int start, int end) {
        int n = d.rangeCount;
        int[] r = d.ranges;
        int i = 0;
        while (i < n && r[2 * i] < start) {
            i++;
        }
        boolean mergePrev = i > 0 && r[2 * i - 1] == start;
        boolean mergeNext = i < n && r[2 * i] == end;
        if (mergePrev && mergeNext) {
            r[2 * i - 1] = r[2 * i + 1];
            System.arraycopy(r, 2 * i + 2, r, 2 * i, 2 * (n - i - 1));
            d.rangeCount = n - 1;
            return true;
        }
        if (mergePrev) {
            r[2 * i - 1] = end;
            return true;
        }
        if (mergeNext) {
            r[2 * i] = start;
            return true;
        }
        if (n == MAX_RANGES) {
            return false;
        }
        if (2 * (n + 1) > r.length) {
            int[] g = new int[r.length * 2];
            System.arraycopy(r, 0, g, 0, 2 * n);
            long extra = 4L * (g.length - r.length);
            if (memory + extra > memoryLimit) {
                return false;
            }
            charge(extra);
            d.accounted += extra;
            d.ranges = g;
            r = g;
        }
        System.arraycopy(r, 2 * i, r, 2 * i + 2, 2 * (n - i));
        r[2 * i] = start;
        r[2 * i + 1] = end;
        d.rangeCount = n + 1;
        return true;
    }

    private void charge(long n) {
        memory += n;
        if (memory > peakMemory) {
            peakMemory = memory;
        }
    }

    private void release(Datagram d) {
        if (d.buffer != null) {
            d.buffer.release();
            d.buffer = null;
        }
        memory -= d.accounted;
        d.accounted = 0;
        datagrams.remove(d);
        if (d.ranges.length > 8) {
            d.ranges = new int[8];
        }
        if (spare.size() < 16) {
            spare.add(d);
        }
        if (datagrams.isEmpty()) {
            timers.cancel(timer);
        }
    }

    private void expire(long now) {
        while (!datagrams.isEmpty() && datagrams.get(0).deadline <= now) {
            Datagram d = datagrams.get(0);
            counters.drop(DropReason.IPV4_FRAG_TIMEOUT);
            counters.inc(StackCounter.IP_REASM_TIMEOUT);
            counters.inc(StackCounter.IP_REASM_FAILS);
            if (d.headerLength != 0 && timeoutListener != null) {
                int h = HEADER_ROOM - d.headerLength;
                int avail = d.ranges[1];
                timeoutListener.reassemblyTimedOut(d.buffer.array(), h, d.headerLength + Math.min(avail, 8));
            }
            release(d);
        }
        if (!datagrams.isEmpty()) {
            timers.schedule(timer, datagrams.get(0).deadline);
        }
    }
}
