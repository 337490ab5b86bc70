package org.alpenstack.kernel.wire;

/**
 * The checked form of an IPv4 header without options (RFC 791). Received options are skipped
 * by {@link #parse}; {@link #emit} always writes a 20-byte header, as Linux does unless a
 * socket sets IP_OPTIONS.
 *
 * @param payloadLength bytes after the header (total length minus IHL)
 * @param tos the whole TOS byte, DSCP and ECN
 * @param fragmentOffset in bytes, a multiple of 8
 */
public record Ipv4Repr(int source, int destination, int protocol, int payloadLength, int ttl, int tos,
                       int identification, boolean dontFragment, boolean moreFragments, int fragmentOffset) {

    public Ipv4Repr {
        if (protocol < 0 || protocol > 255 || ttl < 0 || ttl > 255 || tos < 0 || tos > 255) {
            throw new IllegalArgumentException("protocol, TTL and TOS are single bytes");
        }
        if (payloadLength < 0 || payloadLength > Ipv4Packet.MAX_TOTAL_LENGTH - Ipv4Packet.HEADER_LEN) {
            throw new IllegalArgumentException("payload length " + payloadLength);
        }
        if (identification < 0 || identification > 0xffff) {
            throw new IllegalArgumentException("identification " + identification);
        }
        if (fragmentOffset < 0 || (fragmentOffset & 7) != 0 || fragmentOffset > Ipv4Packet.FRAGMENT_OFFSET_MASK << 3) {
            throw new IllegalArgumentException("fragment offset " + fragmentOffset + " is not a multiple of 8 in range");
        }
    }

    /** An unfragmented datagram with TOS 0, identification 0 and DF clear. */
    public static Ipv4Repr of(int source, int destination, int protocol, int payloadLength, int ttl) {
        return new Ipv4Repr(source, destination, protocol, payloadLength, ttl, 0, 0, false, false, 0);
    }

    /**
     * The header at {@code off}, or null when {@link Ipv4Packet#check} gives a reason to drop
     * the packet. The header checksum is not verified here: see {@link Ipv4Packet#verifyChecksum}.
     */
    public static Ipv4Repr parse(byte[] a, int off, int len) {
        if (Ipv4Packet.check(a, off, len) != null) {
            return null;
        }
        return new Ipv4Repr(Ipv4Packet.source(a, off), Ipv4Packet.destination(a, off), Ipv4Packet.protocol(a, off),
                Ipv4Packet.payloadLength(a, off), Ipv4Packet.ttl(a, off), Ipv4Packet.tos(a, off),
                Ipv4Packet.identification(a, off), Ipv4Packet.dontFragment(a, off),
                Ipv4Packet.moreFragments(a, off), Ipv4Packet.fragmentOffset(a, off));
    }

    public int bufferLen() {
        return Ipv4Packet.HEADER_LEN;
    }

    public int totalLength() {
        return Ipv4Packet.HEADER_LEN + payloadLength;
    }

    /** Writes the 20-byte header with its checksum at {@code off}; the payload follows it. */
    public void emit(byte[] a, int off) {
        Ipv4Packet.emit(a, off, source, destination, protocol, payloadLength, ttl, tos, identification,
                (dontFragment ? Ipv4Packet.FLAG_DONT_FRAGMENT : 0)
                        | (moreFragments ? Ipv4Packet.FLAG_MORE_FRAGMENTS : 0) | (fragmentOffset >>> 3));
    }
}
