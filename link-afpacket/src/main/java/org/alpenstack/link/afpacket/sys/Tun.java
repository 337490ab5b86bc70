package org.alpenstack.link.afpacket.sys;

/** The tun/tap driver's ioctls and flags (linux/if_tun.h). */
public final class Tun {
    public static final String CLONE_DEVICE = "/dev/net/tun";
    public static final long TUNSETIFF = 0x400454caL;
    public static final long TUNSETPERSIST = 0x400454cbL;
    public static final long TUNSETOFFLOAD = 0x400454d0L;

    public static final int IFF_TAP = 0x0002;
    public static final int IFF_NO_PI = 0x1000;
    public static final int IFF_VNET_HDR = 0x4000;

    private Tun() {
    }
}
