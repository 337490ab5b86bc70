package org.alpenstack.link.afpacket.sys;

/** SOL_PACKET socket options and their values (linux/if_packet.h). */
public final class PacketOptions {
    public static final int SOL_PACKET = 263;
    public static final int PACKET_ADD_MEMBERSHIP = 1;
    public static final int PACKET_DROP_MEMBERSHIP = 2;
    public static final int PACKET_RX_RING = 5;
    public static final int PACKET_STATISTICS = 6;
    /** A tpacket_auxdata control message with every frame received by recvmsg (no ring). */
    public static final int PACKET_AUXDATA = 8;
    public static final int PACKET_VERSION = 10;
    public static final int PACKET_VNET_HDR = 15;
    public static final int PACKET_QDISC_BYPASS = 20;
    public static final int PACKET_IGNORE_OUTGOING = 23;

    public static final int TPACKET_V3 = 2;

    /** packet_mreq.mr_type: add an address to the device's unicast filter (dev_uc_add). */
    public static final int PACKET_MR_UNICAST = 3;

    private PacketOptions() {
    }
}
