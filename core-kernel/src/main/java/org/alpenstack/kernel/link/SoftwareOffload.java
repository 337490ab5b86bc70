package org.alpenstack.kernel.link;

import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.Checksum;
import org.alpenstack.kernel.wire.EtherType;
import org.alpenstack.kernel.wire.EthernetFrame;
import org.alpenstack.kernel.wire.IpProtocol;
import org.alpenstack.kernel.wire.Ipv4Packet;
import org.alpenstack.kernel.wire.TcpHeader;
import org.alpenstack.kernel.wire.TcpSegmentation;

/**
 * Does in software the transmit offloads a packet asked for ({@link PacketBuffer#checksumPartial()},
 * {@link PacketBuffer#gsoSize()}) when the packet meets something that cannot do them: a link
 * without {@link Link#txOffloads()}, a fault injector that damages wire frames, another instance
 * on the same NIC. Linux does the same in validate_xmit_skb (skb_gso_segment and
 * skb_checksum_help) for devices lacking the features.
 *
 * <p>Segmentation rewrites what a TSO engine rewrites: the IPv4 total length, identification
 * (incremented per segment, as Linux TSO; RFC 6864 4.1 allows any value for atomic datagrams) and
 * header checksum; the TCP sequence number; FIN and PSH on the last segment only and CWR on the
 * first only (RFC 3168 6.1.2); and a complete TCP checksum per segment. The per-segment rewrite
 * is {@link TcpSegmentation}'s, shared with link-afpacket's splitting of a peer's GSO frames, so
 * both cut a super-segment into the same bytes.
 */
public final class SoftwareOffload {
    /** Where finished packets go; the sink owns each one it is given. */
    public interface Sink {
        void accept(PacketBuffer packet);
    }

    private SoftwareOffload() {
    }

    /**
     * Finishes {@code p}, an IPv4 packet whose header starts {@code l3Offset} bytes after its
     * start (0 for a bare IP packet, 14 for an Ethernet frame): one complete packet, or the
     * segments of a super-segment, each given to {@code out}. Takes ownership of {@code p}.
     * Returns the number of packets given to {@code out}.
     */
    public static int finish(PacketBuffer p, int l3Offset, BufferPool pool, Sink out) {
        if (!p.hasOffload()) {
            out.accept(p);
            return 1;
        }
        if (p.gsoSize() == 0) {
            finishChecksum(p);
            out.accept(p);
            return 1;
        }
        return segment(p, l3Offset, pool, out);
    }

    /** {@link #finish} for an Ethernet II frame (one 802.1Q tag allowed). */
    public static int finishFrame(PacketBuffer frame, BufferPool pool, Sink out) {
        int l3 = EthernetFrame.HEADER_LEN;
        if (frame.hasOffload() && frame.length() >= EthernetFrame.VLAN_HEADER_LEN
                && Bytes.u16(frame.array(), frame.start() + EthernetFrame.ETHER_TYPE) == EtherType.VLAN) {
            l3 = EthernetFrame.VLAN_HEADER_LEN;
        }
        return finish(frame, l3, pool, out);
    }

    /**
     * Cuts a received TCP super-packet ({@link PacketBuffer#receivedGsoSize()}: a local sender's
     * TSO frame the link driver handed over whole) back into the wire frames it stands for, each
     * with a complete checksum, for whatever must see wire frames (a fault injector damaging
     * received traffic). {@code lent} stays the caller's; the segments, taken from {@code pool},
     * go to {@code out}. Returns how many.
     */
    public static int splitReceived(PacketBuffer lent, BufferPool pool, Sink out) {
        byte[] a = lent.array();
        int l3 = EthernetFrame.HEADER_LEN;
        if (lent.length() >= EthernetFrame.VLAN_HEADER_LEN
                && Bytes.u16(a, lent.start() + EthernetFrame.ETHER_TYPE) == EtherType.VLAN) {
            l3 = EthernetFrame.VLAN_HEADER_LEN;
        }
        PacketBuffer p = lent.copy(pool, BufferPool.DEFAULT_HEADROOM);
        if (lent.receivedGsoSize() == 0 || p.length() < l3 + Ipv4Packet.HEADER_LEN + TcpHeader.HEADER_LEN) {
            out.accept(p);
            return 1;
        }
        int l4 = l3 + Ipv4Packet.headerLength(p.array(), p.start() + l3);
        if (l4 + TcpHeader.HEADER_LEN > p.length()) {
            out.accept(p);
            return 1;
        }
        // As the sender's TSO request: the segmenter sums every segment from scratch.
        p.checksumPartial(l4, TcpHeader.CHECKSUM).gsoSize(lent.receivedGsoSize());
        return finish(p, l3, pool, out);
    }

    /**
     * Completes a partial checksum in place: the field holds the pseudo-header sum, so the sum
     * from the transport header to the end, complemented, is the checksum.
     */
    public static void finishChecksum(PacketBuffer p) {
        if (!p.checksumPartial()) {
            return;
        }
        byte[] a = p.array();
        int from = p.start() + p.checksumStart();
        int field = from + p.checksumOffset();
        int sum = Checksum.finish(Checksum.partial(a, from, p.end() - from));
        // UDP (RFC 768): a computed zero is sent as all ones; TCP has no such rule but 0xffff is
        // the same number in one's complement, so writing it there is harmless too.
        Bytes.u16(a, field, sum == 0 ? 0xffff : sum);
        p.clearOffload();
    }

    private static int segment(PacketBuffer p, int l3Offset, BufferPool pool, Sink out) {
        byte[] a = p.array();
        int l3 = p.start() + l3Offset;
        int l4 = p.start() + p.checksumStart();
        int gso = p.gsoSize();
        int tcpHeader = TcpHeader.headerLength(a, l4);
        int headers = l4 + tcpHeader - p.start();
        int payload = p.length() - headers;
        if (Bytes.u8(a, l3 + Ipv4Packet.PROTOCOL) != IpProtocol.TCP || payload <= 0) {
            // Nothing to cut (or not TCP): a checksum is all that is missing.
            p.gsoSize(0);
            finishChecksum(p);
            out.accept(p);
            return 1;
        }
        int source = Bytes.u32(a, l3 + Ipv4Packet.SOURCE);
        int destination = Bytes.u32(a, l3 + Ipv4Packet.DESTINATION);
        int id = Bytes.u16(a, l3 + Ipv4Packet.IDENTIFICATION);
        int seq = TcpHeader.sequenceNumber(a, l4);
        int flags = Bytes.u8(a, l4 + TcpHeader.FLAGS);
        int ihlOffset = l4 - l3;
        int n = 0;
        try {
            for (int at = 0; at < payload; at += gso) {
                int len = Math.min(gso, payload - at);
                PacketBuffer s = pool.acquire(BufferPool.DEFAULT_HEADROOM, headers + len);
                byte[] b = s.array();
                int o = s.append(headers + len);
                TcpSegmentation.copy(a, p.start(), headers, at, len, b, o);
                int sl3 = o + l3Offset;
                TcpSegmentation.ipv4(b, sl3, ihlOffset + tcpHeader + len, id + n);
                TcpSegmentation.tcp(b, sl3 + ihlOffset, tcpHeader + len, seq + at,
                        TcpSegmentation.flags(flags, n == 0, at + len >= payload),
                        Checksum.pseudoHeader(source, destination, IpProtocol.TCP, tcpHeader + len));
                n++;
                out.accept(s);
            }
        } finally {
            p.release();
        }
        return n;
    }
}
