package org.alpenstack.link.afpacket.sys;

/** {@code struct tpacket3_hdr}: the header in front of each packet inside a TPACKET_V3 block. */
public final class Tpacket3Hdr {
    public static final int SIZE = 48;
    public static final int NEXT_OFFSET = 0;
    public static final int SEC = 4;
    public static final int NSEC = 8;
    public static final int SNAPLEN = 12;
    public static final int LEN = 16;
    public static final int STATUS = 20;
    public static final int MAC = 24;       // __u16, offset of the frame from this header
    public static final int NET = 26;       // __u16
    public static final int RXHASH = 28;
    public static final int VLAN_TCI = 32;
    public static final int VLAN_TPID = 36; // __u16

    // tp_status bits for received packets.
    public static final int TP_STATUS_USER = 1;
    public static final int TP_STATUS_COPY = 1 << 1;
    public static final int TP_STATUS_LOSING = 1 << 2;
    /** The packet's checksum is partial (CHECKSUM_PARTIAL): the sender offloaded it. */
    public static final int TP_STATUS_CSUMNOTREADY = 1 << 3;
    /** The 802.1Q tag was stripped by the device into tp_vlan_tci. */
    public static final int TP_STATUS_VLAN_VALID = 1 << 4;
    public static final int TP_STATUS_VLAN_TPID_VALID = 1 << 6;
    /** The kernel or the device verified the checksum. */
    public static final int TP_STATUS_CSUM_VALID = 1 << 7;

    private Tpacket3Hdr() {
    }
}
