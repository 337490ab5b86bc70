package org.alpenstack.link.afpacket;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.alpenstack.link.afpacket.sys.LibC;
import org.alpenstack.link.afpacket.sys.NativeException;
import org.alpenstack.link.afpacket.sys.NativeMemory;
import org.alpenstack.link.afpacket.sys.PacketOptions;
import org.alpenstack.link.afpacket.sys.Tpacket3Hdr;
import org.alpenstack.link.afpacket.sys.TpacketBlockDesc;
import org.alpenstack.link.afpacket.sys.TpacketReq3;

/**
 * A TPACKET_V3 RX ring (Documentation/networking/packet_mmap.rst): {@code blockCount} blocks of
 * {@code blockSize} bytes shared with the kernel. The kernel fills the block it owns with packets
 * and retires it (sets TP_STATUS_USER in the block header) when it is full or when the retire
 * timeout expires; we walk the packets of retired blocks in order and hand each block back by
 * writing TP_STATUS_KERNEL. Reading the status is an acquire and handing back a release, the
 * pairing of the kernel's smp_wmb()/smp_rmb() around the same field.
 *
 * <p>The walk can stop in the middle of a block (the batch was full) and resume there; a block
 * goes back to the kernel as soon as its last packet was copied. Used by the RX thread only.
 */
final class RxRing implements AutoCloseable {
    /** Gets one frame of the ring; returns false to stop before it (the batch is full). */
    interface FrameSink {
        boolean frame(ByteBuffer ring, int header);
    }

    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    /** tp_frame_size for the kernel's geometry check; V3 frames are really variable-sized. */
    private static final int NOMINAL_FRAME_SIZE = 2048;

    private final long address;
    private final long size;
    private final ByteBuffer map;
    private final int blockSize;
    private final int blockCount;
    private int block;
    private int blockBase;
    /** Packets of the current block not yet taken, or -1 when the current block is not opened. */
    private int remaining = -1;
    private int next;
    private boolean unmapped;

    private RxRing(long address, long size, int blockSize, int blockCount) {
        this.address = address;
        this.size = size;
        this.map = NativeMemory.view(address, size);
        this.blockSize = blockSize;
        this.blockCount = blockCount;
    }

    /** Sets PACKET_RX_RING on {@code socket} (TPACKET_V3 already chosen) and maps it. */
    static RxRing map(PacketSocket socket, int blockSize, int blockCount, int retireTimeoutMillis) {
        if (blockSize < 4096 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size must be a power of two of at least 4096, not " + blockSize);
        }
        ByteBuffer req = NativeMemory.allocate(TpacketReq3.SIZE);
        TpacketReq3.fill(req, blockSize, blockCount, NOMINAL_FRAME_SIZE, retireTimeoutMillis);
        NativeException.check(LibC.setsockopt(socket.fd, PacketOptions.SOL_PACKET, PacketOptions.PACKET_RX_RING,
                NativeMemory.address(req), TpacketReq3.SIZE),
                "setsockopt(PACKET_RX_RING, " + blockCount + " x " + blockSize + " bytes)");
        long size = (long) blockSize * blockCount;
        long addr = LibC.mmap(0, size, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED | LibC.MAP_POPULATE, socket.fd, 0);
        if (addr == LibC.MAP_FAILED) {
            NativeException.check(-1, "mmap(PACKET_RX_RING, " + size + " bytes)");
        }
        return new RxRing(addr, size, blockSize, blockCount);
    }

    /** True if a retired block or the rest of a partly read one is waiting. */
    boolean hasPending() {
        return remaining >= 0 || blockRetired(block);
    }

    private boolean blockRetired(int b) {
        int status = (int) INT.getAcquire(map, b * blockSize + TpacketBlockDesc.BLOCK_STATUS);
        return (status & TpacketBlockDesc.TP_STATUS_USER) != 0;
    }

    /** Offers every waiting packet to {@code sink} until it refuses one or none is left; returns how many it took. */
    int drain(FrameSink sink) {
        int taken = 0;
        while (true) {
            if (remaining < 0) {
                if (!blockRetired(block)) {
                    return taken;
                }
                blockBase = block * blockSize;
                remaining = map.getInt(blockBase + TpacketBlockDesc.NUM_PKTS);
                next = blockBase + map.getInt(blockBase + TpacketBlockDesc.OFFSET_TO_FIRST_PKT);
            }
            while (remaining > 0) {
                if (!sink.frame(map, next)) {
                    return taken;
                }
                taken++;
                remaining--;
                next += map.getInt(next + Tpacket3Hdr.NEXT_OFFSET);
            }
            INT.setRelease(map, blockBase + TpacketBlockDesc.BLOCK_STATUS, TpacketBlockDesc.TP_STATUS_KERNEL);
            remaining = -1;
            block = block + 1 == blockCount ? 0 : block + 1;
        }
    }

    int blockSize() {
        return blockSize;
    }

    @Override
    public void close() {
        if (!unmapped) {
            unmapped = true;
            LibC.munmap(address, size);
        }
    }
}
