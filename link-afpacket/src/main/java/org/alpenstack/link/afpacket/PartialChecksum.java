package org.alpenstack.link.afpacket;

import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.Checksum;

/**
 * Completes a checksum the sender left partial. A Linux sender with checksum offload (a veth or
 * TAP peer with tx-checksumming on) puts only the pseudo-header sum into the TCP/UDP checksum
 * field and marks the skb CHECKSUM_PARTIAL; PACKET_VNET_HDR reports that as NEEDS_CSUM with
 * csum_start (where summing starts, counted from the Ethernet header) and csum_offset (where the
 * result goes, counted from csum_start). Finishing it is what the kernel's skb_checksum_help()
 * does: sum from csum_start to the end of the packet, complement, store, and write 0xffff for a
 * zero result (a zero UDP checksum would mean "none", RFC 768).
 */
public final class PartialChecksum {
    private PartialChecksum() {
    }

    /**
     * Completes the checksum of the frame {@code a[off, off+len)}. Returns false, changing
     * nothing, when the offsets do not fit inside the packet.
     */
    public static boolean complete(byte[] a, int off, int len, int csumStart, int csumOffset) {
        int end = ipEnd(a, off, len);
        if (csumStart < 14 || csumOffset < 0 || csumStart + csumOffset + 2 > end) {
            return false;
        }
        int c = Checksum.compute(a, off + csumStart, end - csumStart);
        Bytes.u16(a, off + csumStart + csumOffset, c == 0 ? 0xffff : c);
        return true;
    }

    /**
     * Where the IP packet ends inside the frame, so that Ethernet padding after a short packet is
     * not summed; the frame length when the frame is not IP or its length field is implausible.
     */
    static int ipEnd(byte[] a, int off, int len) {
        if (len < 14) {
            return len;
        }
        int type = Bytes.u16(a, off + 12);
        int l3 = 14;
        if ((type == 0x8100 || type == 0x88a8) && len >= 18) {
            type = Bytes.u16(a, off + 16);
            l3 = 18;
        }
        int ipLen;
        if (type == 0x0800 && len >= l3 + 20) {
            ipLen = Bytes.u16(a, off + l3 + 2);
        } else if (type == 0x86dd && len >= l3 + 40) {
            ipLen = 40 + Bytes.u16(a, off + l3 + 4);
        } else {
            return len;
        }
        int end = l3 + ipLen;
        return ipLen > 0 && end <= len ? end : len;
    }
}
