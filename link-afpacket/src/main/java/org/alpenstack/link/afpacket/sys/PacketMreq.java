package org.alpenstack.link.afpacket.sys;

import java.nio.ByteBuffer;

/** {@code struct packet_mreq}: the argument of PACKET_ADD_MEMBERSHIP / PACKET_DROP_MEMBERSHIP. */
public final class PacketMreq {
    public static final int SIZE = 16;
    public static final int IFINDEX = 0;   // int
    public static final int TYPE = 4;      // unsigned short
    public static final int ALEN = 6;      // unsigned short
    public static final int ADDRESS = 8;   // unsigned char[8]

    private PacketMreq() {
    }

    /** A unicast-filter entry for a 48-bit MAC (low bits of {@code mac}) on {@code ifindex}. */
    public static void unicast(ByteBuffer b, int ifindex, long mac) {
        b.putInt(IFINDEX, ifindex);
        b.putShort(TYPE, (short) PacketOptions.PACKET_MR_UNICAST);
        b.putShort(ALEN, (short) 6);
        for (int i = 0; i < 8; i++) {
            b.put(ADDRESS + i, i < 6 ? (byte) (mac >>> (8 * (5 - i))) : 0);
        }
    }
}
