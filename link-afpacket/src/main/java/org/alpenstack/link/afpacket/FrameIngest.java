package org.alpenstack.link.afpacket;

import java.nio.ByteBuffer;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.link.afpacket.sys.VirtioNetHdr;

/**
 * Copies one received frame from native memory (an RX ring slot, a TAP read buffer) into a
 * {@link FrameBatch} and finishes what the sender offloaded, so that the stack above only ever
 * sees complete, MTU-sized frames:
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

    FrameIngest(RxStats stats, int maxSuperFrame) {
        this.stats = stats;
        this.superFrame = new byte[maxSuperFrame + 4];
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
