package org.alpenstack.link.afpacket.sys;

import java.nio.ByteBuffer;

/**
 * {@code struct ifreq} (net/if.h): interface name plus a union, the argument of the SIOC* device
 * ioctls and of TUNSETIFF.
 */
public final class Ifreq {
    public static final int SIZE = 40;
    public static final int NAME = 0;          // char[IFNAMSIZ]
    public static final int IFNAMSIZ = 16;
    /** The union: ifr_ifindex, ifr_mtu, ifr_flags (short), ifr_hwaddr, ifr_addr, ifr_data all start here. */
    public static final int UNION = 16;
    /** Inside ifr_hwaddr / ifr_addr (a struct sockaddr): sa_family, then sa_data. */
    public static final int SA_FAMILY = UNION;
    public static final int SA_DATA = UNION + 2;
    /** sockaddr_in inside the union: sin_port at SA_DATA, sin_addr after it. */
    public static final int SIN_ADDR = UNION + 4;

    public static final long SIOCGIFFLAGS = 0x8913;
    public static final long SIOCSIFFLAGS = 0x8914;
    public static final long SIOCGIFADDR = 0x8915;
    public static final long SIOCSIFADDR = 0x8916;
    public static final long SIOCSIFNETMASK = 0x891c;
    public static final long SIOCGIFMTU = 0x8921;
    public static final long SIOCSIFMTU = 0x8922;
    public static final long SIOCSIFHWADDR = 0x8924;
    public static final long SIOCGIFHWADDR = 0x8927;
    public static final long SIOCGIFINDEX = 0x8933;
    public static final long SIOCETHTOOL = 0x8946;

    public static final int IFF_UP = 0x1;
    public static final int IFF_BROADCAST = 0x2;
    public static final int IFF_LOOPBACK = 0x8;
    public static final int IFF_RUNNING = 0x40;
    public static final int IFF_PROMISC = 0x100;
    public static final int IFF_MULTICAST = 0x1000;

    /** ARPHRD_ETHER, the sa_family of an Ethernet hardware address. */
    public static final int ARPHRD_ETHER = 1;

    private Ifreq() {
    }

    public static void clear(ByteBuffer b) {
        for (int i = 0; i < SIZE; i++) {
            b.put(i, (byte) 0);
        }
    }

    public static void name(ByteBuffer b, String name) {
        clear(b);
        NativeMemory.putCString(b, NAME, name, IFNAMSIZ);
    }
}
