package org.alpenstack.link.afpacket;

import java.nio.ByteBuffer;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.link.afpacket.sys.LibC;
import org.alpenstack.link.afpacket.sys.MmsgHdr;
import org.alpenstack.link.afpacket.sys.NativeMemory;
import org.alpenstack.link.afpacket.sys.VirtioNetHdr;

/**
 * Batched transmit on a packet socket with sendmmsg(2): frames are copied into fixed slots of one
 * native buffer, and one system call sends the whole batch.
 *
 * <p>Why sendmmsg and not a PACKET_TX_RING: the kernel copies each frame into its own skb during
 * the call, so once {@link #flush()} returns the slots are ours again and no skb still points
 * into memory we are about to overwrite (a TX ring lends its pages to the skbs, and a veth peer
 * can hold them in a socket queue long after the frame was "sent"); errors come back
 * synchronously as errno; no status handshake or ring-full wait per frame; and the slot size is
 * not tied to a ring geometry. The cost, one copy inside the kernel, is small next to the system
 * call both designs make once per batch.
 *
 * <p>With PACKET_VNET_HDR on the socket every message must start with a virtio_net_hdr; ours is
 * a shared all-zero header ("no offload requested", our frames are complete), sent as the first
 * of two iovecs. The mmsghdr and iovec arrays are built once; a frame only sets its iov_len.
 *
 * <p>Thread-confined: one transmitter per owning thread.
 */
final class TxBatch implements FrameTransmitter {
    private final PortGuard guard;
    private final int fd;
    private final int maxFrames;
    private final int slotSize;
    private final int maxFrameLength;
    private final int iovPerMsg;
    private final ByteBuffer slots;
    private final long slotsAddress;
    private final ByteBuffer msgs;
    private final long msgsAddress;
    private final ByteBuffer iovs;
    private final ByteBuffer vnetHeader;
    private final int[] lengths;
    private final TxStats stats = new TxStats();
    private int queued;

    TxBatch(PortGuard guard, int fd, int maxFrames, int maxFrameLength, boolean vnetHeader) {
        this.guard = guard;
        this.fd = fd;
        this.maxFrames = maxFrames;
        this.maxFrameLength = maxFrameLength;
        this.slotSize = (maxFrameLength + 63) & ~63;
        this.iovPerMsg = vnetHeader ? 2 : 1;
        this.slots = NativeMemory.allocate(maxFrames * slotSize);
        this.slotsAddress = NativeMemory.address(slots);
        this.msgs = NativeMemory.allocate(maxFrames * MmsgHdr.SIZE);
        this.msgsAddress = NativeMemory.address(msgs);
        this.iovs = NativeMemory.allocate(maxFrames * iovPerMsg * MmsgHdr.IOVEC_SIZE);
        long iovsAddress = NativeMemory.address(iovs);
        this.vnetHeader = NativeMemory.allocate(VirtioNetHdr.SIZE);
        this.lengths = new int[maxFrames];
        for (int i = 0; i < maxFrames; i++) {
            int iov = i * iovPerMsg * MmsgHdr.IOVEC_SIZE;
            if (vnetHeader) {
                iovs.putLong(iov + MmsgHdr.IOV_BASE, NativeMemory.address(this.vnetHeader));
                iovs.putLong(iov + MmsgHdr.IOV_LEN, VirtioNetHdr.SIZE);
                iov += MmsgHdr.IOVEC_SIZE;
            }
            iovs.putLong(iov + MmsgHdr.IOV_BASE, slotsAddress + (long) i * slotSize);
            int m = i * MmsgHdr.SIZE;
            msgs.putLong(m + MmsgHdr.MSG_IOV, iovsAddress + (long) i * iovPerMsg * MmsgHdr.IOVEC_SIZE);
            msgs.putLong(m + MmsgHdr.MSG_IOVLEN, iovPerMsg);
        }
    }

    @Override
    public boolean transmit(PacketBuffer frame) {
        try {
            int len = frame.length();
            if (len < 14) {
                stats.droppedMalformed++;
                return false;
            }
            if (len > maxFrameLength) {
                stats.droppedTooLong++;
                return false;
            }
            if (queued == maxFrames) {
                flush();
            }
            slots.put(queued * slotSize, frame.array(), frame.start(), len);
            int iov = (queued * iovPerMsg + iovPerMsg - 1) * MmsgHdr.IOVEC_SIZE;
            iovs.putLong(iov + MmsgHdr.IOV_LEN, len);
            lengths[queued] = len;
            queued++;
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
        return accepted;
    }

    @Override
    public TxStats stats() {
        return stats;
    }
}
