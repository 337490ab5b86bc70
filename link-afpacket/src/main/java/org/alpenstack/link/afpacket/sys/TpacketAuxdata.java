package org.alpenstack.link.afpacket.sys;

/**
 * {@code struct tpacket_auxdata}, the PACKET_AUXDATA control message a non-ring AF_PACKET socket
 * attaches to each received frame: the same status bits, lengths and VLAN tag a ring slot's
 * header carries ({@link Tpacket3Hdr}'s TP_STATUS_* values apply).
 */
public final class TpacketAuxdata {
    public static final int SIZE = 20;
    public static final int STATUS = 0;
    public static final int LEN = 4;
    public static final int SNAPLEN = 8;
    public static final int MAC = 12;       // __u16
    public static final int NET = 14;       // __u16
    public static final int VLAN_TCI = 16;  // __u16
    public static final int VLAN_TPID = 18; // __u16

    /** {@code struct cmsghdr} on LP64: size_t cmsg_len, int cmsg_level, int cmsg_type, then the data. */
    public static final int CMSG_LEN = 0;
    public static final int CMSG_LEVEL = 8;
    public static final int CMSG_TYPE = 12;
    public static final int CMSG_DATA = 16;
    /** CMSG_SPACE(sizeof(struct tpacket_auxdata)). */
    public static final int CMSG_SPACE = 40;

    private TpacketAuxdata() {
    }
}
