package org.alpenstack.link.afpacket.sys;

import java.nio.ByteBuffer;

/** {@code struct sockaddr_ll} (linux/if_packet.h): the link-level address bind(2) takes for AF_PACKET. */
public final class SockaddrLl {
    public static final int SIZE = 20;
    public static final int FAMILY = 0;      // unsigned short
    public static final int PROTOCOL = 2;    // __be16
    public static final int IFINDEX = 4;     // int
    public static final int HATYPE = 8;      // unsigned short
    public static final int PKTTYPE = 10;    // unsigned char
    public static final int HALEN = 11;      // unsigned char
    public static final int ADDR = 12;       // unsigned char[8]

    private SockaddrLl() {
    }

    /** Fills {@code b} for bind(ifindex, every protocol). */
    public static void forBind(ByteBuffer b, int ifindex) {
        for (int i = 0; i < SIZE; i++) {
            b.put(i, (byte) 0);
        }
        b.putShort(FAMILY, (short) LibC.AF_PACKET);
        b.putShort(PROTOCOL, (short) LibC.htons(LibC.ETH_P_ALL));
        b.putInt(IFINDEX, ifindex);
    }
}
