package org.alpenstack.link.afpacket.sys;

/** {@code struct tpacket_stats_v3}, read (and cleared) by getsockopt(PACKET_STATISTICS). */
public final class TpacketStatsV3 {
    public static final int SIZE = 12;
    public static final int PACKETS = 0;
    public static final int DROPS = 4;
    public static final int FREEZE_Q_CNT = 8;

    private TpacketStatsV3() {
    }
}
