package org.alpenstack.link.afpacket;

import java.nio.ByteBuffer;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.wire.MacAddress;
import org.alpenstack.link.afpacket.sys.LibC;
import org.alpenstack.link.afpacket.sys.NativeException;
import org.alpenstack.link.afpacket.sys.NativeMemory;
import org.alpenstack.link.afpacket.sys.VirtioNetHdr;

/**
 * A {@link FramePort} over a {@link TapDevice}: poll(2), then non-blocking read(2) of frames
 * until the device is empty or the batch is full. A TAP device has no ring, so receive costs one
 * read per frame; it serves one instance (or a test), where an AF_PACKET port serves many.
 */
public final class TapPort implements FramePort {
    /** A read returns at most one frame; with offloads on it may be a 64 KiB super-frame. */
    private static final int READ_BUFFER = 65536 + 256;

    private final TapDevice tap;
    private final MacAddress hostMac;
    private final int mtu;
    private final Wakeup wakeup;
    private final Poller poller;
    private final PortGuard guard = new PortGuard();
    private final RxStats stats = new RxStats();
    private final FrameBatch batch;
    private final FrameIngest ingest;
    private final ByteBuffer readBuffer = NativeMemory.allocate(READ_BUFFER);
    private final long readAddress = NativeMemory.address(readBuffer);
    private final int header;
    private final int txOffloads = TxOffload.vnetOffloads();
    /** Length of a frame read but not yet taken because the batch was full, or 0. */
    private int pending;

    private TapPort(TapDevice tap, MacAddress hostMac, int mtu, Wakeup wakeup, AfPacketConfig config) {
        this.tap = tap;
        this.hostMac = hostMac;
        this.mtu = mtu;
        this.wakeup = wakeup;
        this.poller = new Poller(tap.fd(), wakeup.fd, "TAP " + tap.name());
        this.batch = new FrameBatch(config.batchBytes(), config.batchFrames());
        this.ingest = new FrameIngest(stats, READ_BUFFER);
        this.header = tap.vnetHeader() ? VirtioNetHdr.SIZE : 0;
    }

    /** Takes ownership of {@code tap}; closing the port closes (and removes) the device. */
    public static TapPort open(TapDevice tap) {
        return open(tap, AfPacketConfig.DEFAULTS);
    }

    public static TapPort open(TapDevice tap, AfPacketConfig config) {
        MacAddress mac;
        int mtu;
        try (NetDevice dev = NetDevice.open()) {
            mac = dev.mac(tap.name());
            mtu = dev.mtu(tap.name());
        }
        return new TapPort(tap, mac, mtu, new Wakeup(), config);
    }

    @Override
    public int receiveBatch(int timeoutMillis, BatchHandler handler) {
        guard.rx.lock();
        try {
            if (guard.isClosed()) {
                return -1;
            }
            batch.clear();
            if (pending > 0) {
                if (offer(pending) == FrameIngest.BATCH_FULL) {
                    throw new IllegalStateException("an empty batch refused a frame");
                }
                pending = 0;
            }
            boolean waited = timeoutMillis == 0;
            while (true) {
                long n = LibC.read(tap.fd(), readAddress, READ_BUFFER);
                if (n > 0) {
                    if (offer((int) n) == FrameIngest.BATCH_FULL) {
                        pending = (int) n;
                        break;
                    }
                    continue;
                }
                int e = n == 0 ? Errno.EAGAIN : LibC.errno();
                if (e == Errno.EINTR) {
                    continue;
                }
                if (e != Errno.EAGAIN) {
                    throw new NativeException("read(TAP " + tap.name() + ")", e, null);
                }
                if (batch.count() > 0 || waited) {
                    break;
                }
                int ready = poller.await(timeoutMillis);
                waited = true;
                if ((ready & Poller.WOKEN) != 0) {
                    wakeup.drain();
                }
                if (guard.isClosed()) {
                    return -1;
                }
            }
            int count = batch.count();
            if (count > 0) {
                stats.batches++;
                stats.framesDelivered += count;
                for (int i = 0; i < count; i++) {
                    stats.bytesDelivered += batch.length(i);
                }
                handler.onBatch(batch);
            }
            return count;
        } finally {
            guard.rx.unlock();
        }
    }

    private boolean offer(int n) {
        if (n < header) {
            stats.droppedTruncated++;
            return FrameIngest.CONSUMED;
        }
        return ingest.ingest(readBuffer, header, n - header, n - header, FrameIngest.NO_VLAN, 0,
                header > 0 ? 0 : -1, false, batch);
    }

    @Override
    public void wakeup() {
        if (guard.enter()) {
            try {
                wakeup.signal();
            } finally {
                guard.exit();
            }
        }
    }

    @Override
    public FrameTransmitter newTransmitter() {
        return new TapWriter(guard, tap.fd(), mtu + 18, header);
    }

    @Override
    public void setReceiveTcpSuperFrames(boolean whole) {
        ingest.takeTcpSuperFramesWhole(whole);
    }

    @Override
    public boolean receivesTcpSuperFrames() {
        return ingest.takesTcpSuperFramesWhole();
    }

    /** With IFF_VNET_HDR, checksum offload and TSO (tun_get_user hands the host stack a GSO skb); none without. */
    @Override
    public int txOffloads() {
        return header > 0 ? txOffloads : 0;
    }

    /** The host side's MAC; the stack behind this port must use a different one. */
    @Override
    public MacAddress mac() {
        return hostMac;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public String name() {
        return tap.name();
    }

    @Override
    public RxStats rxStats() {
        return stats;
    }

    @Override
    public boolean isOpen() {
        return !guard.isClosed();
    }

    @Override
    public void close() {
        guard.close(wakeup::signal, () -> {
            tap.close();
            wakeup.close();
        });
    }
}
