package org.alpenstack.link.afpacket;

import java.nio.ByteBuffer;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.link.afpacket.sys.LibC;
import org.alpenstack.link.afpacket.sys.NativeMemory;

/**
 * Transmit on a TAP device: one write(2) per frame (the tun driver takes exactly one frame per
 * write, so there is nothing to batch). With IFF_VNET_HDR the frame is preceded by a
 * virtio_net_hdr: all zero for a complete frame, or the stack's checksum and segmentation offload
 * requests ({@link TxOffload}), so a frame may be a 64 KiB TCP super-segment. Thread-confined.
 */
final class TapWriter implements FrameTransmitter {
    private final PortGuard guard;
    private final int fd;
    private final int maxFrameLength;
    private final int header;
    private final ByteBuffer buffer;
    private final long address;
    private final TxStats stats = new TxStats();

    TapWriter(PortGuard guard, int fd, int maxFrameLength, int header) {
        this.guard = guard;
        this.fd = fd;
        this.maxFrameLength = maxFrameLength;
        this.header = header;
        this.buffer = NativeMemory.allocate(header + (header > 0 ? TxOffload.MAX_GSO_FRAME : maxFrameLength));
        this.address = NativeMemory.address(buffer);
    }

    @Override
    public boolean transmit(PacketBuffer frame) {
        try {
            int len = frame.length();
            if (len < 14) {
                stats.droppedMalformed++;
                return false;
            }
            if (len > (header > 0 ? TxOffload.maxLength(frame, maxFrameLength) : maxFrameLength)) {
                stats.droppedTooLong++;
                return false;
            }
            if (header > 0) {
                TxOffload.writeHeader(buffer, 0, frame);
            } else if (frame.hasOffload()) {
                stats.droppedMalformed++;
                return false;
            }
            buffer.put(header, frame.array(), frame.start(), len);
            if (!guard.enter()) {
                stats.droppedClosed++;
                return false;
            }
            try {
                while (true) {
                    long n = LibC.write(fd, address, header + len);
                    if (n >= 0) {
                        stats.framesSent++;
                        stats.bytesSent += len;
                        return true;
                    }
                    int e = LibC.errno();
                    if (e == Errno.EINTR) {
                        continue;
                    }
                    stats.lastErrno = e;
                    if (e == Errno.EAGAIN || e == Errno.ENOBUFS) {
                        stats.droppedNoBuffer++;
                    } else {
                        stats.droppedError++;
                    }
                    return false;
                }
            } finally {
                guard.exit();
            }
        } finally {
            frame.release();
        }
    }

    @Override
    public int flush() {
        return 0;
    }

    @Override
    public TxStats stats() {
        return stats;
    }
}
