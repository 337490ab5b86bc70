package org.alpenstack.link.afpacket;

import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.Checksum;
import org.alpenstack.kernel.wire.TcpSegmentation;
import org.alpenstack.link.afpacket.sys.VirtioNetHdr;

/**
 * Splits a GSO super-frame into wire-sized segments, the job a NIC does for TSO/USO and the
 * kernel's skb_segment() does in software. A veth or TAP peer with TSO on hands AF_PACKET one
 * frame of up to 64 KiB plus (through PACKET_VNET_HDR) gso_type and gso_size, the payload
 * bytes per segment (the MSS for TCP).
 *
 * <p>Each segment gets a copy of the headers with the fields a segmentation engine rewrites:
 * IPv4 total length, identification (incremented per segment, as Linux TSO does; RFC 6864
 * section 4.1 allows it for atomic datagrams) and header checksum; IPv6 payload length; TCP
 * sequence number, FIN and PSH only on the last segment and CWR only on the first (RFC 3168
 * section 6.1.2: CWR marks the first new data after a window reduction); UDP length for UDP GSO;
 * and a complete transport checksum over the RFC 793 / RFC 768 / RFC 8200 pseudo-header. The
 * TCP and IPv4 rewrite is core-kernel's {@link TcpSegmentation}, the same code that cuts our own
 * super-segments for links without TSO, so both produce the same wire segments; the IPv6 and
 * UDP fields are done here.
 *
 * <p>Not split: UFO ({@link VirtioNetHdr#GSO_UDP}, IPv4 fragmentation, which Linux senders have
 * not produced since 4.14) and IPv6 with extension headers between the fixed header and TCP/UDP.
 */
public final class GsoSegmenter {
    /** The GSO type or the packet layout is not one this class splits. */
    public static final int UNSUPPORTED = -1;
    /** Headers do not fit the frame, or gso_size is 0. */
    public static final int MALFORMED = -2;
    /** The batch has no room for all segments; deliver it and try again. */
    public static final int NO_ROOM = -3;

    private GsoSegmenter() {
    }

    /**
     * Splits {@code s[off, off+len)} into {@code out}. Returns the number of segments written, or
     * {@link #UNSUPPORTED}, {@link #MALFORMED}, {@link #NO_ROOM}; nothing is written unless all
     * segments fit.
     */
    public static int segment(byte[] s, int off, int len, int gsoType, int gsoSize, FrameBatch out) {
        if (gsoSize <= 0 || len < 14) {
            return MALFORMED;
        }
        int type = Bytes.u16(s, off + 12);
        int l3 = 14;
        if (type == 0x8100 || type == 0x88a8) {
            if (len < 18) {
                return MALFORMED;
            }
            type = Bytes.u16(s, off + 16);
            l3 = 18;
        }
        boolean v4;
        int protocol;
        int l4;
        int ihl = 0;
        if (type == 0x0800) {
            if (len < l3 + 20) {
                return MALFORMED;
            }
            ihl = (s[off + l3] & 0x0f) * 4;
            if (ihl < 20 || l3 + ihl > len) {
                return MALFORMED;
            }
            v4 = true;
            protocol = s[off + l3 + 9] & 0xff;
            l4 = l3 + ihl;
        } else if (type == 0x86dd) {
            if (len < l3 + 40) {
                return MALFORMED;
            }
            v4 = false;
            protocol = s[off + l3 + 6] & 0xff;
            l4 = l3 + 40;
        } else {
            return UNSUPPORTED;
        }
        int base = gsoType & ~VirtioNetHdr.GSO_ECN;
        boolean tcp;
        int hdrEnd;
        if ((base == VirtioNetHdr.GSO_TCPV4 && v4) || (base == VirtioNetHdr.GSO_TCPV6 && !v4)) {
            if (protocol != 6) {
                return v4 ? MALFORMED : UNSUPPORTED;
            }
            if (len < l4 + 20) {
                return MALFORMED;
            }
            int thl = ((s[off + l4 + 12] >> 4) & 0x0f) * 4;
            if (thl < 20) {
                return MALFORMED;
            }
            tcp = true;
            hdrEnd = l4 + thl;
        } else if (base == VirtioNetHdr.GSO_UDP_L4) {
            if (protocol != 17) {
                return v4 ? MALFORMED : UNSUPPORTED;
            }
            tcp = false;
            hdrEnd = l4 + 8;
        } else {
            return UNSUPPORTED;
        }
        if (hdrEnd > len) {
            return MALFORMED;
        }
        int payload = len - hdrEnd;
        int n = payload == 0 ? 1 : (payload + gsoSize - 1) / gsoSize;
        if (out.freeSlots() < n || out.freeBytes() < (long) n * (hdrEnd + 8) + payload) {
            return NO_ROOM;
        }
        int ipId = v4 ? Bytes.u16(s, off + l3 + 4) : 0;
        int source = v4 ? Bytes.u32(s, off + l3 + 12) : 0;
        int destination = v4 ? Bytes.u32(s, off + l3 + 16) : 0;
        int seq = tcp ? Bytes.u32(s, off + l4 + 4) : 0;
        int tcpFlags = tcp ? s[off + l4 + 13] & 0xff : 0;
        byte[] a = out.array();
        for (int i = 0; i < n; i++) {
            int chunk = Math.min(gsoSize, payload - i * gsoSize);
            int segLen = hdrEnd + chunk;
            int o = out.reserve(segLen);
            TcpSegmentation.copy(s, off, hdrEnd, i * gsoSize, chunk, a, o);
            int l4Len = segLen - l4;
            long pseudo;
            if (v4) {
                TcpSegmentation.ipv4(a, o + l3, segLen - l3, ipId + i);
                pseudo = Checksum.pseudoHeader(source, destination, protocol, l4Len);
            } else {
                Bytes.u16(a, o + l3 + 4, segLen - l3 - 40);
                pseudo = Ipv6PseudoHeader.sum(a, o + l3, protocol, l4Len);
            }
            if (tcp) {
                TcpSegmentation.tcp(a, o + l4, l4Len, seq + i * gsoSize,
                        TcpSegmentation.flags(tcpFlags, i == 0, i == n - 1), pseudo);
            } else {
                udp(a, o + l4, l4Len, pseudo);
            }
            out.commit(segLen, FrameBatch.CHECKSUM_VERIFIED);
        }
        return n;
    }

    /**
     * Fixes the copied UDP header at {@code udp} of one {@code length}-byte datagram: the length
     * field is per datagram, and the checksum is complete, a computed zero sent as all ones
     * (RFC 768: zero would mean "no checksum").
     */
    private static void udp(byte[] a, int udp, int length, long pseudoHeader) {
        Bytes.u16(a, udp + 4, length);
        Bytes.u16(a, udp + 6, 0);
        int c = Checksum.finish(pseudoHeader + Checksum.partial(a, udp, length));
        Bytes.u16(a, udp + 6, c == 0 ? 0xffff : c);
    }
}
