package org.alpenstack.link.afpacket;

/**
 * How an {@link AfPacketPort} sets up its socket.
 *
 * @param blockSize bytes per RX ring block, a power of two; it bounds the largest frame the ring
 *     can hold whole, so it must exceed the largest GSO super-frame a peer may send (64 KiB by
 *     default on Linux) plus 128 bytes of headers
 * @param blockCount blocks in the RX ring (memory = blockSize x blockCount, locked in the kernel)
 * @param blockTimeoutMillis how long the kernel waits before handing over a partly filled block;
 *     this is the receive latency under light load (the kernel rounds it up to one jiffy)
 * @param batchBytes bytes of frames handed to the handler at once
 * @param batchFrames frames handed to the handler at once
 * @param txBatchFrames frames a transmitter queues before it sends them with one system call
 * @param qdiscBypass PACKET_QDISC_BYPASS: transmit straight to the driver
 * @param receive how frames are received: {@link Receive#SOCKET} (the default) or {@link Receive#RING}
 */
public record AfPacketConfig(int blockSize, int blockCount, int blockTimeoutMillis, int batchBytes, int batchFrames,
        int txBatchFrames, boolean qdiscBypass, Receive receive) {

    /**
     * How an {@link AfPacketPort} receives. {@code blockSize x blockCount} bounds the memory either
     * way: the ring's size, or the socket's receive buffer.
     */
    public enum Receive {
        /**
         * recvmmsg(2) from the socket's own queue ({@link RxSocket}): the RX thread wakes at the
         * first frame, so a request/response exchange costs a wakeup, not a timer.
         */
        SOCKET,
        /**
         * A TPACKET_V3 ring ({@link RxRing}): no system call per batch, but the kernel hands a
         * block over only when it is full or after {@code blockTimeoutMillis} rounded up to a
         * jiffy (4 ms at HZ=250), which every idle-to-busy exchange waits for.
         */
        RING
    }

    public static final AfPacketConfig DEFAULTS = new AfPacketConfig(256 * 1024, 16, 1, 512 * 1024, 1024, 64, false,
            Receive.SOCKET);

    /** The configuration with the default way of receiving ({@link Receive#SOCKET}). */
    public AfPacketConfig(int blockSize, int blockCount, int blockTimeoutMillis, int batchBytes, int batchFrames,
            int txBatchFrames, boolean qdiscBypass) {
        this(blockSize, blockCount, blockTimeoutMillis, batchBytes, batchFrames, txBatchFrames, qdiscBypass,
                Receive.SOCKET);
    }

    public AfPacketConfig {
        if (receive == null) {
            throw new IllegalArgumentException("receive must be SOCKET or RING");
        }
        if (blockSize < 128 * 1024 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("blockSize must be a power of two >= 128 KiB (a 64 KiB GSO frame must fit), not " + blockSize);
        }
        if (blockCount < 2) {
            throw new IllegalArgumentException("blockCount must be at least 2, not " + blockCount);
        }
        if (blockTimeoutMillis < 1) {
            throw new IllegalArgumentException("blockTimeoutMillis must be at least 1, not " + blockTimeoutMillis);
        }
        if (batchBytes < blockSize + blockSize / 8 || batchFrames < 64) {
            // The largest frame the ring holds is one block; split into segments it grows by
            // their headers (about 10% at the smallest common MSS).
            throw new IllegalArgumentException("a batch must hold a block-sized GSO frame split into segments:"
                    + " batchBytes >= 1.125 x blockSize, batchFrames >= 64");
        }
        if (txBatchFrames < 1) {
            throw new IllegalArgumentException("txBatchFrames must be at least 1");
        }
    }

    public AfPacketConfig withQdiscBypass(boolean on) {
        return new AfPacketConfig(blockSize, blockCount, blockTimeoutMillis, batchBytes, batchFrames, txBatchFrames, on,
                receive);
    }

    public AfPacketConfig withBlocks(int size, int count) {
        return new AfPacketConfig(size, count, blockTimeoutMillis, Math.max(batchBytes, size + size / 8), batchFrames,
                txBatchFrames, qdiscBypass, receive);
    }

    public AfPacketConfig withReceive(Receive how) {
        return new AfPacketConfig(blockSize, blockCount, blockTimeoutMillis, batchBytes, batchFrames, txBatchFrames,
                qdiscBypass, how);
    }
}
