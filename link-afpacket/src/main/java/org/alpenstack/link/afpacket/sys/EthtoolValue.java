package org.alpenstack.link.afpacket.sys;

/**
 * {@code struct ethtool_value} {u32 cmd; u32 data} and the legacy SIOCETHTOOL commands that read
 * and switch single offloads (linux/ethtool.h).
 */
public final class EthtoolValue {
    public static final int SIZE = 8;
    public static final int CMD = 0;
    public static final int DATA = 4;

    public static final int GRXCSUM = 0x14;
    public static final int SRXCSUM = 0x15;
    public static final int GTXCSUM = 0x16;
    public static final int STXCSUM = 0x17;
    public static final int GSG = 0x18;
    public static final int SSG = 0x19;
    public static final int GTSO = 0x1e;
    public static final int STSO = 0x1f;
    public static final int GGSO = 0x23;
    public static final int SGSO = 0x24;
    public static final int GGRO = 0x2b;
    public static final int SGRO = 0x2c;

    private EthtoolValue() {
    }
}
