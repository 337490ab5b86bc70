package org.alpenstack.link.afpacket;

import java.nio.ByteBuffer;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.link.Link;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.link.afpacket.sys.VirtioNetHdr;

/**
 * The virtio_net_hdr in front of a frame we transmit through PACKET_VNET_HDR or IFF_VNET_HDR:
 * the stack's offload requests ({@link PacketBuffer#checksumPartial()}, {@link PacketBuffer#gsoSize()})
 * said the way the kernel's virtio_net_hdr_to_skb() reads them. A complete frame gets an all-zero
 * header ("no offload").
 *
 * <p>A partial checksum becomes VIRTIO_NET_HDR_F_NEEDS_CSUM with csum_start / csum_offset (the
 * skb is CHECKSUM_PARTIAL; the device or skb_checksum_help() finishes it). A TCP super-segment
 * adds gso_type TCPV4 (with the ECN bit when it carries CWR, SKB_GSO_TCP_ECN), gso_size and
 * hdr_len, the bytes of headers every segment repeats; the device or skb_gso_segment() cuts it,
 * or veth hands it whole to the peer's stack, as GRO would have built it.
 */
final class TxOffload {
    /** What every port with a virtio_net_hdr on transmit can take: Linux finishes what the device cannot. */
    static final int VNET_OFFLOADS = Link.OFFLOAD_TX_CHECKSUM | Link.OFFLOAD_TSO;
    /**
     * System property that turns transmit offloads off for every port ({@code false}): frames
     * then leave complete, as before (an A/B switch for measurements, and a way around a kernel
     * that mishandles them).
     */
    static final String PROPERTY = "alpenstack.link.txOffloads";
    /** The largest frame a super-segment makes: a 64 KiB IP packet, an Ethernet header and a tag. */
    static final int MAX_GSO_FRAME = Link.GSO_MAX_SIZE + 18;

    private static final int TCP_CWR = 0x80;

    private TxOffload() {
    }

    /** The offloads a port with a transmit virtio_net_hdr offers, unless turned off by {@link #PROPERTY}. */
    static int vnetOffloads() {
        return Boolean.parseBoolean(System.getProperty(PROPERTY, "true")) ? VNET_OFFLOADS : 0;
    }

    /** Writes the virtio_net_hdr for {@code frame} at {@code at} in {@code out}. */
    static void writeHeader(ByteBuffer out, int at, PacketBuffer frame) {
        if (!frame.checksumPartial()) {
            out.putLong(at, 0);
            out.putShort(at + 8, (short) 0);
            return;
        }
        int csumStart = frame.checksumStart();
        out.put(at + VirtioNetHdr.FLAGS, (byte) VirtioNetHdr.F_NEEDS_CSUM);
        out.putShort(at + VirtioNetHdr.CSUM_START, (short) csumStart);
        out.putShort(at + VirtioNetHdr.CSUM_OFFSET, (short) frame.checksumOffset());
        int gso = frame.gsoSize();
        if (gso == 0) {
            out.put(at + VirtioNetHdr.GSO_TYPE, (byte) VirtioNetHdr.GSO_NONE);
            out.putShort(at + VirtioNetHdr.HDR_LEN, (short) 0);
            out.putShort(at + VirtioNetHdr.GSO_SIZE, (short) 0);
            return;
        }
        byte[] a = frame.array();
        int tcp = frame.start() + csumStart;
        int tcpHeader = (Bytes.u8(a, tcp + 12) >>> 4) * 4;
        int type = VirtioNetHdr.GSO_TCPV4;
        if ((Bytes.u8(a, tcp + 13) & TCP_CWR) != 0) {
            type |= VirtioNetHdr.GSO_ECN;
        }
        out.put(at + VirtioNetHdr.GSO_TYPE, (byte) type);
        out.putShort(at + VirtioNetHdr.HDR_LEN, (short) (csumStart + tcpHeader));
        out.putShort(at + VirtioNetHdr.GSO_SIZE, (short) gso);
    }

    /** The longest frame a transmitter takes: a device frame, or a super-segment if it offloads TSO. */
    static int maxLength(PacketBuffer frame, int maxFrameLength) {
        return frame.gsoSize() > 0 ? MAX_GSO_FRAME : maxFrameLength;
    }
}
