package org.alpenstack.link.afpacket.sys;

import java.nio.ByteBuffer;

/** {@code struct tpacket_req3}: the geometry of a TPACKET_V3 ring for PACKET_RX_RING. */
public final class TpacketReq3 {
    public static final int SIZE = 28;
    public static final int BLOCK_SIZE = 0;
    public static final int BLOCK_NR = 4;
    public static final int FRAME_SIZE = 8;
    public static final int FRAME_NR = 12;
    public static final int RETIRE_BLK_TOV = 16;
    public static final int SIZEOF_PRIV = 20;
    public static final int FEATURE_REQ_WORD = 24;

    private TpacketReq3() {
    }

    public static void fill(ByteBuffer b, int blockSize, int blockCount, int frameSize, int retireTimeoutMillis) {
        b.putInt(BLOCK_SIZE, blockSize);
        b.putInt(BLOCK_NR, blockCount);
        b.putInt(FRAME_SIZE, frameSize);
        b.putInt(FRAME_NR, (blockSize / frameSize) * blockCount);
        b.putInt(RETIRE_BLK_TOV, retireTimeoutMillis);
        b.putInt(SIZEOF_PRIV, 0);
        b.putInt(FEATURE_REQ_WORD, 0);
    }
}
