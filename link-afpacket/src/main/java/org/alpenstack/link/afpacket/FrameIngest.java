package org.alpenstack.link.afpacket;

import java.nio.ByteBuffer;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.link.afpacket.sys.VirtioNetHdr;

/**
 * Copies one received frame from native memory (an RX ring slot, a TAP read buffer) into a
 * {@link FrameBatch} and finishes what the sender offloaded, so that the stack above only ever
 * sees complete, MTU-sized frames (but see {@link #takeTcpSuperFramesWhole}):
 * <ul>
 *   <li>a partial checksum (virtio NEEDS_CSUM) is completed ({@link PartialChecksum});</li>
 *   <li>a GSO super-frame is split ({@link GsoSegmenter});</li>
 *   <li>an 802.1Q tag the kernel moved into metadata is put back in front of the EtherType, so a
 *       tagged frame is never mistaken for an untagged one.</li>
 * </ul>
 * Every frame is either delivered or counted under a reason in {@link RxStats}.
 */
final class FrameIngest {
    /** The frame went into the batch, or was dropped and counted. */
    static final boolean CONSUMED = true;
    /** The batch is full: deliver it and offer the frame again. */
    static final boolean BATCH_FULL = false;

    /** Means "no VLAN tag". */
    static final int NO_VLAN = -1;

    private final RxStats stats;
    private final byte[] superFrame;
    /** Written by whoever configures the port, read by the RX thread per GSO frame. */
    private volatile boolean tcpSuperFramesWhole;

    FrameIngest(RxStats stats, int maxSuperFrame) {
        this.stats = stats;
        this.superFrame = new byte[maxSuperFrame + 4];
    }

    /**
     * With {@code whole} on, an untagged TCP/IPv4 GSO super-frame goes into the batch as it came,
     * marked with its gso_size and as verified: the kernel hands us a local sender's packet whose
     * checksum was never computed because nothing between the two can damage it (CHECKSUM_PARTIAL),
     * and the consumer takes it as one segment, as Linux's receiver takes a GRO packet. Splitting
     * and summing 64 KiB on the RX thread, and then running the stack once per 1448 bytes, is what
     * this saves. Anything else (UDP_L4, IPv6, a tagged frame, a header that disagrees with the
     * frame length) is still split.
     */
    void takeTcpSuperFramesWhole(boolean whole) {
        tcpSuperFramesWhole = whole;
    }

    boolean takesTcpSuperFramesWhole() {
        return tcpSuperFramesWhole;
    }

    /**
     * @param src native memory holding the frame
     * @param pos where the Ethernet header starts in {@code src}
     * @param captured bytes present in {@code src}
     * @param wireLength the frame's length on the wire (larger than captured if truncated)
     * @param vlanTpid TPID of a tag to re-insert, or {@link #NO_VLAN}
     * @param vlanTci TCI of that tag
     * @param vnetPos where a virtio_net_hdr starts in {@code src}, or -1 if none
     * @param kernelVerified the kernel says the checksum was checked (TP_STATUS_CSUM_VALID)
     */
    boolean ingest(ByteBuffer src, int pos, int captured, int wireLength, int vlanTpid, int vlanTci, int vnetPos,
            boolean kernelVerified, FrameBatch out) {
        if (captured < wireLength || captured < 14) {
            stats.droppedTruncated++;
            return CONSUMED;
        }
        int extra = vlanTpid == NO_VLAN ? 0 : 4;
        int len = captured + extra;
        int vflags = 0;
        int gsoType = VirtioNetHdr.GSO_NONE;
        int gsoSize = 0;
        int csumStart = 0;
        int csumOffset = 0;
        if (vnetPos >= 0) {
            vflags = src.get(vnetPos + VirtioNetHdr.FLAGS) & 0xff;
            gsoType = src.get(vnetPos + VirtioNetHdr.GSO_TYPE) & 0xff;
            gsoSize = src.getShort(vnetPos + VirtioNetHdr.GSO_SIZE) & 0xffff;
            // The kernel counts csum_start from the frame as it was without the re-inserted tag
            // (tpacket_rcv passes vlan_hlen 0 to virtio_net_hdr_from_skb).
            csumStart = (src.getShort(vnetPos + VirtioNetHdr.CSUM_START) & 0xffff) + extra;
            csumOffset = src.getShort(vnetPos + VirtioNetHdr.CSUM_OFFSET) & 0xffff;
        }
        int frameFlags = (kernelVerified || (vflags & VirtioNetHdr.F_DATA_VALID) != 0) ? FrameBatch.CHECKSUM_VERIFIED : 0;

        if (gsoType != VirtioNetHdr.GSO_NONE) {
            if (len > superFrame.length) {
                stats.droppedTooLarge++;
                return CONSUMED;
            }
            if (tcpSuperFramesWhole && vlanTpid == NO_VLAN && gsoSize > 0
                    && (gsoType & ~VirtioNetHdr.GSO_ECN) == VirtioNetHdr.GSO_TCPV4 && isWholeTcpV4(src, pos, len)) {
                int o = out.reserve(len);
                if (o < 0) {
                    if (out.count() > 0) {
                        return BATCH_FULL;
                    }
                    stats.droppedTooLarge++;
                    return CONSUMED;
                }
                src.get(pos, out.array(), o, len);
                out.commit(len, FrameBatch.CHECKSUM_VERIFIED, gsoSize);
                stats.gsoFramesWhole++;
                return CONSUMED;
            }
            copy(src, pos, captured, vlanTpid, vlanTci, superFrame, 0);
            int n = GsoSegmenter.segment(superFrame, 0, len, gsoType, gsoSize, out);
            if (n == GsoSegmenter.NO_ROOM) {
                if (out.count() > 0) {
                    return BATCH_FULL;
                }
                stats.droppedTooLarge++;
            } else if (n == GsoSegmenter.UNSUPPORTED) {
                stats.droppedGsoUnsupported++;
            } else if (n == GsoSegmenter.MALFORMED) {
                stats.droppedBadOffload++;
            } else {
                stats.gsoFramesSplit++;
                stats.gsoSegments += n;
            }
            return CONSUMED;
        }

        int o = out.reserve(len);
        if (o < 0) {
            if (out.count() > 0) {
                return BATCH_FULL;
            }
            stats.droppedTooLarge++;
            return CONSUMED;
        }
        byte[] a = out.array();
        copy(src, pos, captured, vlanTpid, vlanTci, a, o);
        if ((vflags & VirtioNetHdr.F_NEEDS_CSUM) != 0) {
            if (!PartialChecksum.complete(a, o, len, csumStart, csumOffset)) {
                stats.droppedBadOffload++;
                return CONSUMED;
            }
            stats.checksumsCompleted++;
            frameFlags |= FrameBatch.CHECKSUM_VERIFIED;
        }
        out.commit(len, frameFlags);
        return CONSUMED;
    }

    /**
     * An untagged IPv4 frame carrying TCP, not a fragment, whose IPv4 total length is exactly the
     * rest of the frame and whose TCP header fits: what the stack can take as one segment.
     */
    private static boolean isWholeTcpV4(ByteBuffer src, int pos, int len) {
        if (len < 14 + 20 + 20 || be16(src, pos + 12) != 0x0800) {
            return false;
        }
        int ip = pos + 14;
        int vihl = src.get(ip) & 0xff;
        int ihl = (vihl & 0x0f) * 4;
        if ((vihl >> 4) != 4 || ihl < 20 || (src.get(ip + 9) & 0xff) != 6) {
            return false;
        }
        int total = be16(src, ip + 2);
        int fragment = be16(src, ip + 6) & 0x3fff;
        if (total != len - 14 || fragment != 0 || 14 + ihl + 20 > len) {
            return false;
        }
        int thl = ((src.get(ip + ihl + 12) >> 4) & 0x0f) * 4;
        return thl >= 20 && 14 + ihl + thl <= len;
    }

    /** A network-order 16-bit field (the buffers are in host order for the virtio header). */
    private static int be16(ByteBuffer src, int at) {
        return ((src.get(at) & 0xff) << 8) | (src.get(at + 1) & 0xff);
    }

    private static void copy(ByteBuffer src, int pos, int captured, int vlanTpid, int vlanTci, byte[] dst, int o) {
        if (vlanTpid == NO_VLAN) {
            src.get(pos, dst, o, captured);
        } else {
            src.get(pos, dst, o, 12);
            Bytes.u16(dst, o + 12, vlanTpid);
            Bytes.u16(dst, o + 14, vlanTci);
            src.get(pos + 12, dst, o + 16, captured - 12);
        }
    }
}
