package org.alpenstack.link.afpacket.sys;

/**
 * {@code struct virtio_net_hdr} (linux/virtio_net.h, the legacy 10-byte form used by
 * PACKET_VNET_HDR and IFF_VNET_HDR). Legacy virtio fields are in the host's byte order on
 * little-endian hosts ({@code virtio_legacy_is_little_endian()}), which is what we read.
 *
 * <p>With PACKET_VNET_HDR on, the kernel writes one in front of each received frame and describes
 * the offloads the sender left undone: a partial checksum (NEEDS_CSUM, csum_start/csum_offset)
 * and segmentation (gso_type, gso_size).
 */
public final class VirtioNetHdr {
    public static final int SIZE = 10;
    public static final int FLAGS = 0;        // u8
    public static final int GSO_TYPE = 1;     // u8
    public static final int HDR_LEN = 2;      // u16
    public static final int GSO_SIZE = 4;     // u16
    public static final int CSUM_START = 6;   // u16
    public static final int CSUM_OFFSET = 8;  // u16

    public static final int F_NEEDS_CSUM = 1;
    public static final int F_DATA_VALID = 2;

    public static final int GSO_NONE = 0;
    public static final int GSO_TCPV4 = 1;
    public static final int GSO_UDP = 3;
    public static final int GSO_TCPV6 = 4;
    public static final int GSO_UDP_L4 = 5;
    public static final int GSO_ECN = 0x80;

    private VirtioNetHdr() {
    }
}
