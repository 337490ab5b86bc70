package org.alpenstack.link.afpacket;

import java.nio.ByteBuffer;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.link.afpacket.sys.LibC;
import org.alpenstack.link.afpacket.sys.MmsgHdr;
import org.alpenstack.link.afpacket.sys.NativeMemory;
import org.alpenstack.link.afpacket.sys.VirtioNetHdr;

/**
 * Batched transmit on a packet socket with sendmmsg(2): frames are copied into one native arena,
 * each behind its own virtio_net_hdr, and one system call sends the whole batch.
 *
 * <p>Why sendmmsg and not a PACKET_TX_RING: the kernel copies each frame into its own skb during
 * the call, so once {@link #flush()} returns the arena is ours again and no skb still points
 * into memory we are about to overwrite (a TX ring lends its pages to the skbs, and a veth peer
 * can hold them in a socket queue long after the frame was "sent"); errors come back
 * synchronously as errno; no status handshake or ring-full wait per frame; and the frame size is
 * not tied to a ring geometry, so a 64 KiB TCP super-segment fits as well as a 60-byte ACK. The
 * cost, one copy inside the kernel, is small next to the system call both designs make once per
 * batch.
 *
 * <p>With PACKET_VNET_HDR on the socket every message starts with a virtio_net_hdr: all zero for a
 * complete frame, or the stack's checksum and segmentation offload requests ({@link TxOffload}).
 * A message is one iovec over header and frame, packed at 64-byte aligned offsets in the arena;
 * a batch is sent when it has {@code maxFrames} frames or the next frame does not fit.
 *
 * <p>Thread-confined: one transmitter per owning thread.
 */
final class TxBatch implements FrameTransmitter {
    /** Arena size: room for a full batch of device frames, and for several 64 KiB super-segments. */
    private static final int MIN_ARENA = 512 * 1024;

    private final PortGuard guard;
    private final int fd;
    private final int maxFrames;
    private final int maxFrameLength;
    private final int header;
    private final ByteBuffer arena;
    private final long arenaAddress;
    private final ByteBuffer msgs;
    private final long msgsAddress;
    private final ByteBuffer iovs;
    private final int[] lengths;
    private final TxStats stats = new TxStats();
    private int queued;
    private int used;

    TxBatch(PortGuard guard, int fd, int maxFrames, int maxFrameLength, boolean vnetHeader) {
        this.guard = guard;
        this.fd = fd;
        this.maxFrames = maxFrames;
        this.maxFrameLength = maxFrameLength;
        this.header = vnetHeader ? VirtioNetHdr.SIZE : 0;
        int largest = align(header + (vnetHeader ? TxOffload.MAX_GSO_FRAME : maxFrameLength));
        int arenaSize = Math.max(Math.max(MIN_ARENA, largest), maxFrames * align(header + maxFrameLength));
        this.arena = NativeMemory.allocate(arenaSize);
        this.arenaAddress = NativeMemory.address(arena);
        this.msgs = NativeMemory.allocate(maxFrames * MmsgHdr.SIZE);
        this.msgsAddress = NativeMemory.address(msgs);
        this.iovs = NativeMemory.allocate(maxFrames * MmsgHdr.IOVEC_SIZE);
        long iovsAddress = NativeMemory.address(iovs);
        this.lengths = new int[maxFrames];
        for (int i = 0; i < maxFrames; i++) {
            int m = i * MmsgHdr.SIZE;
            msgs.putLong(m + MmsgHdr.MSG_IOV, iovsAddress + (long) i * MmsgHdr.IOVEC_SIZE);
            msgs.putLong(m + MmsgHdr.MSG_IOVLEN, 1);
        }
    }

    private static int align(int n) {
        return (n + 63) & ~63;
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
            int need = header + len;
            if (queued == maxFrames || used + need > arena.capacity()) {
                flush();
            }
            if (header > 0) {
                TxOffload.writeHeader(arena, used, frame);
            } else if (frame.hasOffload()) {
                // No header to ask for the offload with: nobody should have handed us this frame.
                stats.droppedMalformed++;
                return false;
            }
            arena.put(used + header, frame.array(), frame.start(), len);
            int iov = queued * MmsgHdr.IOVEC_SIZE;
            iovs.putLong(iov + MmsgHdr.IOV_BASE, arenaAddress + used);
            iovs.putLong(iov + MmsgHdr.IOV_LEN, need);
            lengths[queued] = len;
            queued++;
            used += align(need);
            return true;
        } finally {
            frame.release();
        }
    }
    @Override
    public int flush() {
        if (queued == 0) {
            return 0;
        }
        int sent = 0;
        int accepted = 0;
        if (!guard.enter()) {
            stats.droppedClosed += queued;
            queued = 0;
            used = 0;
            return 0;
        }
        try {
            while (sent < queued) {
                int n = LibC.sendmmsg(fd, msgsAddress + (long) sent * MmsgHdr.SIZE, queued - sent, LibC.MSG_DONTWAIT);
                if (n > 0) {
                    for (int i = sent; i < sent + n; i++) {
                        stats.bytesSent += lengths[i];
                    }
                    stats.framesSent += n;
                    accepted += n;
                    sent += n;
                    continue;
                }
                if (n == 0) {
                    // No progress and no error: do not spin on a stale errno.
                    stats.droppedError += queued - sent;
                    break;
                }
                int e = LibC.errno();
                if (e == Errno.EINTR) {
                    continue;
                }
                stats.lastErrno = e;
                if (e == Errno.EAGAIN || e == Errno.ENOBUFS) {
                    // The device queue is full: like a NIC whose TX ring is full, drop the rest
                    // of the batch; TCP retransmits, and waiting would stall the stack's thread.
                    stats.droppedNoBuffer += queued - sent;
                    break;
                }
                // sendmmsg reports an error only for the first message it could not send: skip
                // that one and go on with the rest.
                stats.droppedError++;
                sent++;
            }
        } finally {
            guard.exit();
        }
        queued = 0;
        used = 0;
        return accepted;
    }

    @Override
    public TxStats stats() {
        return stats;
    }
}
