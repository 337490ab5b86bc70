package org.alpenstack.link.afpacket;

import java.nio.ByteBuffer;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.link.afpacket.sys.LibC;
import org.alpenstack.link.afpacket.sys.MmsgHdr;
import org.alpenstack.link.afpacket.sys.NativeException;
import org.alpenstack.link.afpacket.sys.NativeMemory;
import org.alpenstack.link.afpacket.sys.PacketOptions;
import org.alpenstack.link.afpacket.sys.TpacketAuxdata;

/**
 * Receiving from an AF_PACKET socket's own queue, without a ring: recvmmsg(2) into {@code slots}
 * buffers of {@code slotSize} bytes, each frame with its virtio_net_hdr in front (PACKET_VNET_HDR)
 * and a PACKET_AUXDATA control message (status bits, original length, VLAN tag: what a ring
 * slot's header would say).
 *
 * <p>Why not the TPACKET_V3 ring: the kernel wakes a ring reader only when it retires a block,
 * full or after the retire timeout, which it counts in jiffies (4 ms at HZ=250). A request and its
 * answer then wait for the timer; every round trip through the port takes milliseconds. The
 * socket's queue wakes the reader at the first frame, and under load one recvmmsg still takes
 * many frames. Its memory is bounded by the socket's receive buffer (SO_RCVBUFFORCE), counted in
 * the frames' true size, so small frames are cheap where a ring spends a slot on each.
 *
 * <p>The walk can stop before a frame (the batch is full) and resume there. RX thread only.
 */
final class RxSocket implements AutoCloseable {
    /** Gets frame {@code i} of the last receive; returns false to stop before it (the batch is full). */
    interface FrameSink {
        boolean frame(RxSocket rx, int i);
    }

    private final int fd;
    private final int slots;
    private final int slotSize;
    private final ByteBuffer data;
    private final ByteBuffer headers;
    private final long headersAddress;
    private final ByteBuffer controls;
    /** The iovec array the message headers point into (kept reachable as long as they are). */
    @SuppressWarnings("unused")
    private final ByteBuffer iovecs;
    /** Frames of the last recvmmsg, and the next one to hand over. */
    private int received;
    private int next;

    RxSocket(int fd, int slots, int slotSize) {
        this.fd = fd;
        this.slots = slots;
        this.slotSize = slotSize;
        this.data = NativeMemory.allocate(slots * slotSize);
        this.headers = NativeMemory.allocate(slots * MmsgHdr.SIZE);
        this.headersAddress = NativeMemory.address(headers);
        this.controls = NativeMemory.allocate(slots * TpacketAuxdata.CMSG_SPACE);
        ByteBuffer iovecs = NativeMemory.allocate(slots * MmsgHdr.IOVEC_SIZE);
        long dataAddress = NativeMemory.address(data);
        long iovecAddress = NativeMemory.address(iovecs);
        long controlAddress = NativeMemory.address(controls);
        for (int i = 0; i < slots; i++) {
            iovecs.putLong(i * MmsgHdr.IOVEC_SIZE + MmsgHdr.IOV_BASE, dataAddress + (long) i * slotSize);
            iovecs.putLong(i * MmsgHdr.IOVEC_SIZE + MmsgHdr.IOV_LEN, slotSize);
            int h = i * MmsgHdr.SIZE;
            headers.putLong(h + MmsgHdr.MSG_IOV, iovecAddress + (long) i * MmsgHdr.IOVEC_SIZE);
            headers.putLong(h + MmsgHdr.MSG_IOVLEN, 1);
            headers.putLong(h + MmsgHdr.MSG_CONTROL, controlAddress + (long) i * TpacketAuxdata.CMSG_SPACE);
        }
        this.iovecs = iovecs;
    }

    /**
     * Sets up {@code socket} for this way of receiving: PACKET_AUXDATA, and a receive buffer of
     * {@code bufferBytes} (SO_RCVBUFFORCE needs CAP_NET_ADMIN; without it SO_RCVBUF, which the
     * kernel caps at net.core.rmem_max).
     */
    static void configure(PacketSocket socket, int bufferBytes) {
        socket.setInt(PacketOptions.SOL_PACKET, PacketOptions.PACKET_AUXDATA, 1, "PACKET_AUXDATA");
        try {
            socket.setInt(LibC.SOL_SOCKET, LibC.SO_RCVBUFFORCE, bufferBytes, "SO_RCVBUFFORCE");
        } catch (NativeException e) {
            socket.setInt(LibC.SOL_SOCKET, LibC.SO_RCVBUF, bufferBytes, "SO_RCVBUF");
        }
    }

    /** True if frames of the last receive are still waiting to be handed over. */
    boolean hasPending() {
        return next < received;
    }

    /**
     * Hands the waiting frames to {@code sink}, receiving more without blocking until the sink
     * refuses one or the socket's queue is empty. Returns how many it took.
     */
    int drain(FrameSink sink) {
        int taken = 0;
        while (true) {
            while (next < received) {
                if (!sink.frame(this, next)) {
                    return taken;
                }
                next++;
                taken++;
            }
            boolean wasFull = received == slots;
            if (taken > 0 && !wasFull) {
                return taken; // the queue was empty at the last receive: deliver what we have
            }
            for (int i = 0; i < slots; i++) {
                headers.putLong(i * MmsgHdr.SIZE + MmsgHdr.MSG_CONTROLLEN, TpacketAuxdata.CMSG_SPACE);
            }
            int n = LibC.recvmmsg(fd, headersAddress, slots, LibC.MSG_DONTWAIT, 0);
            received = Math.max(n, 0);
            next = 0;
            if (n <= 0) {
                int e = n == 0 ? Errno.EAGAIN : LibC.errno();
                if (e == Errno.EAGAIN || e == Errno.EINTR) {
                    return taken;
                }
                // ENETDOWN and the like: a pending socket error, reported once; the poller's
                // POLLERR path clears whatever is left.
                if (e == Errno.ENETDOWN || e == Errno.ENODEV) {
                    return taken;
                }
                throw new NativeException("recvmmsg(AF_PACKET)", e, null);
            }
        }
    }

    ByteBuffer data() {
        return data;
    }

    /** Where frame {@code i}'s bytes (its virtio_net_hdr first) start in {@link #data()}. */
    int offset(int i) {
        return i * slotSize;
    }

    /** Bytes received for frame {@code i}, its virtio_net_hdr included. */
    int length(int i) {
        return headers.getInt(i * MmsgHdr.SIZE + MmsgHdr.MSG_LEN);
    }

    /** The frame did not fit its slot (MSG_TRUNC). */
    boolean truncated(int i) {
        return (headers.getInt(i * MmsgHdr.SIZE + MmsgHdr.MSG_FLAGS) & LibC.MSG_TRUNC) != 0;
    }

    /** Where frame {@code i}'s tpacket_auxdata starts in {@link #controls()}, or -1 if the kernel sent none. */
    int auxdata(int i) {
        int h = i * MmsgHdr.SIZE;
        long controlLen = headers.getLong(h + MmsgHdr.MSG_CONTROLLEN);
        int c = i * TpacketAuxdata.CMSG_SPACE;
        if (controlLen < TpacketAuxdata.CMSG_DATA + TpacketAuxdata.SIZE
                || controls.getInt(c + TpacketAuxdata.CMSG_LEVEL) != PacketOptions.SOL_PACKET
                || controls.getInt(c + TpacketAuxdata.CMSG_TYPE) != PacketOptions.PACKET_AUXDATA) {
            return -1;
        }
        return c + TpacketAuxdata.CMSG_DATA;
    }

    ByteBuffer controls() {
        return controls;
    }

    @Override
    public void close() {
        // Direct buffers: freed with the object.
    }
}
