package org.alpenstack.kernel.wire;

/**
 * What a TSO engine writes into each wire segment it cuts from a TCP super-segment, on byte
 * arrays, for both software segmenters: core-kernel's SoftwareOffload (our own TSO request
 * meeting a link that cannot do it) and link-afpacket's GsoSegmenter (a peer's GSO frame). Each
 * segment is the super-segment's headers followed by its slice of the payload ({@link #copy});
 * then the IPv4 header ({@link #ipv4}) and the TCP header ({@link #tcp}) are fixed up. The
 * caller passes the pseudo-header sum ({@link Checksum#pseudoHeader} for IPv4), so an IPv6
 * caller fixes its own header and uses the same TCP rewrite.
 *
 * <p>Static methods without allocation: they run once per wire segment on the send path of a
 * link without offloads and on the receive thread of an AF_PACKET link. They are kept small and
 * separate on purpose: a combined IPv4+TCP method measured about 40% slower per 64 KiB, as C2
 * compiled it on its own (too big to inline) instead of into the caller's loop.
 */
public final class TcpSegmentation {
    private TcpSegmentation() {
    }

    /**
     * Writes segment headers and payload: the {@code headers} bytes at {@code src[from]} (link,
     * IP and TCP headers of the super-segment), then {@code length} payload bytes starting
     * {@code payloadAt} bytes into the super-segment's payload, to {@code dst[to]}.
     */
    public static void copy(byte[] src, int from, int headers, int payloadAt, int length, byte[] dst, int to) {
        System.arraycopy(src, from, dst, to, headers);
        System.arraycopy(src, from + headers + payloadAt, dst, to + headers, length);
    }

    /**
     * The TCP flags (the byte at {@link TcpHeader#FLAGS}) of one segment of a super-segment
     * sent with {@code flags}: FIN and PSH only on the last segment, as the super-segment's data
     * ends there; CWR only on the first (RFC 3168 section 6.1.2: CWR marks the first new data
     * sent after the window was reduced, and a TSO engine must not repeat it). ECE and the rest
     * stay on every segment.
     */
    public static int flags(int flags, boolean first, boolean last) {
        int f = flags;
        if (!last) {
            f &= ~(TcpFlags.FIN | TcpFlags.PSH);
        }
        if (!first) {
            f &= ~TcpFlags.CWR;
        }
        return f & 0xff;
    }

    /**
     * Fixes the copied IPv4 header at {@code ip} for one segment: total length, identification
     * (the super-segment's plus the segment's index, as Linux TSO; RFC 6864 section 4.1 allows
     * any value for atomic datagrams) and a recomputed header checksum.
     */
    public static void ipv4(byte[] a, int ip, int totalLength, int identification) {
        Bytes.u16(a, ip + Ipv4Packet.TOTAL_LENGTH, totalLength);
        Bytes.u16(a, ip + Ipv4Packet.IDENTIFICATION, identification & 0xffff);
        // The header is 20 to 60 bytes in 32-bit words: a plain word loop sums it. Checksum.partial
        // (unrolled for payloads) here as well made GsoSegmenter's compiled loop about 4% slower
        // per 64 KiB, too much inlined code for one method; RFC 1071 allows any word size.
        int ihl = Ipv4Packet.headerLength(a, ip);
        Bytes.u16(a, ip + Ipv4Packet.CHECKSUM, 0);
        long sum = 0;
        for (int i = 0; i < ihl; i += 4) {
            sum += Bytes.u32(a, ip + i) & 0xffffffffL;
        }
        Bytes.u16(a, ip + Ipv4Packet.CHECKSUM, Checksum.finish(sum));
    }

    /**
     * Fixes the copied TCP header at {@code tcp} of a {@code length}-byte segment (header and
     * payload): sequence number, the flags byte ({@link #flags}; the data offset byte with its
     * AE/NS bit stays as copied) and a complete checksum over {@code pseudoHeader} (the
     * unfolded pseudo-header sum, IPv4 {@link Checksum#pseudoHeader} or IPv6) and the segment.
     */
    public static void tcp(byte[] a, int tcp, int length, int sequence, int flags, long pseudoHeader) {
        TcpHeader.sequenceNumber(a, tcp, sequence);
        a[tcp + TcpHeader.FLAGS] = (byte) flags;
        Bytes.u16(a, tcp + TcpHeader.CHECKSUM, 0);
        Bytes.u16(a, tcp + TcpHeader.CHECKSUM, Checksum.finish(pseudoHeader + Checksum.partial(a, tcp, length)));
    }
}
