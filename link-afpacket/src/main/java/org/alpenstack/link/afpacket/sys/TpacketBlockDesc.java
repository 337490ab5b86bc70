package org.alpenstack.link.afpacket.sys;

/**
 * {@code struct tpacket_block_desc} with its {@code tpacket_hdr_v1}: the header at the start of
 * each block of a TPACKET_V3 RX ring. The kernel fills a block with packets, then "retires" it by
 * setting TP_STATUS_USER in block_status; user space reads it and hands it back by writing
 * TP_STATUS_KERNEL (Documentation/networking/packet_mmap.rst).
 */
public final class TpacketBlockDesc {
    public static final int SIZE = 48;
    public static final int VERSION = 0;
    public static final int OFFSET_TO_PRIV = 4;
    public static final int BLOCK_STATUS = 8;
    public static final int NUM_PKTS = 12;
    public static final int OFFSET_TO_FIRST_PKT = 16;
    public static final int BLK_LEN = 20;
    public static final int SEQ_NUM = 24;   // __aligned_u64

    public static final int TP_STATUS_KERNEL = 0;
    public static final int TP_STATUS_USER = 1;

    private TpacketBlockDesc() {
    }
}
