package org.alpenstack.link.afpacket;

import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.Set;
import org.alpenstack.kernel.wire.MacAddress;
import org.alpenstack.link.afpacket.sys.LibC;
import org.alpenstack.link.afpacket.sys.NativeMemory;
import org.alpenstack.link.afpacket.sys.Tpacket3Hdr;
import org.alpenstack.link.afpacket.sys.TpacketAuxdata;
import org.alpenstack.link.afpacket.sys.VirtioNetHdr;

/**
 * One NIC (or veth end) shared by the stack instances of this process: an AF_PACKET socket bound
 * to the interface, receiving with recvmmsg from its queue ({@link RxSocket}, the default) or a
 * TPACKET_V3 RX ring ({@link RxRing}; see {@link AfPacketConfig.Receive}), a classic-BPF filter
 * for the instances' addresses, unicast-filter memberships for their MACs, PACKET_IGNORE_OUTGOING, and PACKET_VNET_HDR so that
 * partial checksums and GSO super-frames from offloading peers are finished here
 * ({@link FrameIngest}) instead of reaching a stack half done, and so that our own frames may
 * leave with a partial checksum or as TCP super-segments ({@link TxOffload}).
 *
 * <p>Threads: one RX thread runs {@link #receiveBatch} in a loop; each owner of a
 * {@link #newTransmitter() transmitter} sends on its own thread; filter and membership changes
 * and {@link #close()} may come from any thread.
 */
public final class AfPacketPort implements FramePort {
    /**
     * recvmmsg slots: each holds a virtio_net_hdr and a GSO super-frame of up to 64 KiB (Linux's
     * default gso_max_size; a larger BIG TCP frame is counted as truncated and dropped).
     */
    static final int SOCKET_SLOT_SIZE = 65536 + 1024;
    static final int SOCKET_SLOTS = 32;

    private final String name;
    private final int ifindex;
    private final MacAddress mac;
    private final int mtu;
    private final AfPacketConfig config;
    private final PacketSocket socket;
    /** Exactly one of ring and rx: how this port receives. */
    private final RxRing ring;
    private final RxSocket rx;
    private final Wakeup wakeup;
    private final Poller poller;
    private final PortGuard guard = new PortGuard();
    private final RxStats stats = new RxStats();
    private final FrameBatch batch;
    private final FrameIngest ingest;
    private final RxRing.FrameSink sink = this::takeFrame;
    private final RxSocket.FrameSink socketSink = this::takeSocketFrame;
    private final Set<MacAddress> unicast = new LinkedHashSet<>();
    private final ByteBuffer soError = NativeMemory.allocate(16);
    private final int txOffloads = TxOffload.vnetOffloads();
    private BpfProgram filter;

    private AfPacketPort(String name, int ifindex, MacAddress mac, int mtu, AfPacketConfig config, PacketSocket socket,
            RxRing ring, RxSocket rx, Wakeup wakeup, BpfProgram filter) {
        this.name = name;
        this.ifindex = ifindex;
        this.mac = mac;
        this.mtu = mtu;
        this.config = config;
        this.socket = socket;
        this.ring = ring;
        this.rx = rx;
        this.wakeup = wakeup;
        this.filter = filter;
        this.poller = new Poller(socket.fd, wakeup.fd, "AF_PACKET " + name);
        this.batch = new FrameBatch(config.batchBytes(), config.batchFrames());
        this.ingest = new FrameIngest(stats, config.blockSize());
    }

    /** Opens {@code ifname} in the calling thread's network namespace, receiving every frame. */
    public static AfPacketPort open(String ifname) {
        return open(ifname, AfPacketConfig.DEFAULTS, null);
    }

    /**
     * Opens {@code ifname} in the calling thread's network namespace.
     *
     * @param filter the initial filter, attached before bind so that no unwanted frame is ever
     *     queued; null receives everything
     * @throws org.alpenstack.link.afpacket.sys.NativeException with errno and advice: ENODEV for
     *     a missing device, EPERM without CAP_NET_RAW
     */
    public static AfPacketPort open(String ifname, AfPacketConfig config, BpfProgram filter) {
        int ifindex;
        MacAddress mac;
        int mtu;
        try (NetDevice dev = NetDevice.open()) {
            ifindex = dev.ifindex(ifname);
            mac = dev.mac(ifname);
            mtu = dev.mtu(ifname);
        }
        PacketSocket socket = PacketSocket.open();
        RxRing ring = null;
        RxSocket rx = null;
        Wakeup wakeup = null;
        try {
            if (config.receive() == AfPacketConfig.Receive.RING) {
                socket.useTpacketV3();
                socket.useVnetHeader();
                ring = RxRing.map(socket, config.blockSize(), config.blockCount(), config.blockTimeoutMillis());
            } else {
                socket.useVnetHeader();
                RxSocket.configure(socket, config.blockSize() * config.blockCount());
                rx = new RxSocket(socket.fd, SOCKET_SLOTS, SOCKET_SLOT_SIZE);
            }
            socket.ignoreOutgoing();
            if (config.qdiscBypass()) {
                socket.bypassQdisc();
            }
            if (filter != null) {
                socket.attachFilter(filter);
            }
            socket.bind(ifindex, ifname);
            wakeup = new Wakeup();
            return new AfPacketPort(ifname, ifindex, mac, mtu, config, socket, ring, rx, wakeup, filter);
        } catch (RuntimeException e) {
            if (wakeup != null) {
                wakeup.close();
            }
            if (ring != null) {
                ring.close();
            }
            socket.close();
            throw e;
        }
    }

    @Override
    public int receiveBatch(int timeoutMillis, BatchHandler handler) {
        guard.rx.lock();
        try {
            if (guard.isClosed()) {
                return -1;
            }
            batch.clear();
            if (!(ring != null ? ring.hasPending() : rx.hasPending()) && timeoutMillis != 0) {
                int ready = poller.await(timeoutMillis);
                if ((ready & Poller.WOKEN) != 0) {
                    wakeup.drain();
                }
                if ((ready & Poller.ERROR) != 0) {
                    clearSocketError();
                }
                if (guard.isClosed()) {
                    return -1;
                }
            }
            if (ring != null) {
                ring.drain(sink);
            } else {
                rx.drain(socketSink);
            }
            int n = batch.count();
            if (n > 0) {
                stats.batches++;
                stats.framesDelivered += n;
                for (int i = 0; i < n; i++) {
                    stats.bytesDelivered += batch.length(i);
                }
                handler.onBatch(batch);
            }
            return n;
        } finally {
            guard.rx.unlock();
        }
    }

    private boolean takeFrame(ByteBuffer map, int hdr) {
        int status = map.getInt(hdr + Tpacket3Hdr.STATUS);
        int captured = map.getInt(hdr + Tpacket3Hdr.SNAPLEN);
        int wireLength = map.getInt(hdr + Tpacket3Hdr.LEN);
        int frame = hdr + (map.getShort(hdr + Tpacket3Hdr.MAC) & 0xffff);
        int tpid = FrameIngest.NO_VLAN;
        int tci = 0;
        if ((status & Tpacket3Hdr.TP_STATUS_VLAN_VALID) != 0) {
            tci = map.getInt(hdr + Tpacket3Hdr.VLAN_TCI) & 0xffff;
            tpid = (status & Tpacket3Hdr.TP_STATUS_VLAN_TPID_VALID) != 0
                    ? map.getShort(hdr + Tpacket3Hdr.VLAN_TPID) & 0xffff : 0x8100;
        }
        return ingest.ingest(map, frame, captured, wireLength, tpid, tci, frame - VirtioNetHdr.SIZE,
                (status & Tpacket3Hdr.TP_STATUS_CSUM_VALID) != 0, batch);
    }

    private boolean takeSocketFrame(RxSocket from, int i) {
        int len = from.length(i);
        if (len < VirtioNetHdr.SIZE) {
            stats.droppedTruncated++;
            return FrameIngest.CONSUMED;
        }
        int base = from.offset(i);
        int captured = len - VirtioNetHdr.SIZE;
        int aux = from.auxdata(i);
        ByteBuffer c = from.controls();
        int status = aux < 0 ? 0 : c.getInt(aux + TpacketAuxdata.STATUS);
        // The original length says whether the slot held all of it (MSG_TRUNC says it too).
        int wireLength = aux >= 0 ? c.getInt(aux + TpacketAuxdata.LEN) : from.truncated(i) ? captured + 1 : captured;
        int tpid = FrameIngest.NO_VLAN;
        int tci = 0;
        if ((status & Tpacket3Hdr.TP_STATUS_VLAN_VALID) != 0) {
            tci = c.getShort(aux + TpacketAuxdata.VLAN_TCI) & 0xffff;
            tpid = (status & Tpacket3Hdr.TP_STATUS_VLAN_TPID_VALID) != 0
                    ? c.getShort(aux + TpacketAuxdata.VLAN_TPID) & 0xffff : 0x8100;
        }
        return ingest.ingest(from.data(), base + VirtioNetHdr.SIZE, captured, wireLength, tpid, tci, base,
                (status & Tpacket3Hdr.TP_STATUS_CSUM_VALID) != 0, batch);
    }

    /**
     * A pending socket error (ENETDOWN when the device went away) makes poll report POLLERR
     * until it is read; reading SO_ERROR clears it so the RX loop does not spin.
     */
    private void clearSocketError() {
        soError.putInt(8, 4);
        LibC.getsockopt(socket.fd, LibC.SOL_SOCKET, 4 /* SO_ERROR */, NativeMemory.address(soError),
                NativeMemory.address(soError) + 8);
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
        return new TxBatch(guard, socket.fd, config.txBatchFrames(), maxFrameLength(), true);
    }

    @Override
    public void setReceiveTcpSuperFrames(boolean whole) {
        ingest.takeTcpSuperFramesWhole(whole);
    }

    @Override
    public boolean receivesTcpSuperFrames() {
        return ingest.takesTcpSuperFramesWhole();
    }

    /**
     * Checksum offload and TSO: with PACKET_VNET_HDR the kernel takes both on any device, and
     * does in software (skb_checksum_help, skb_gso_segment) what the device cannot.
     */
    @Override
    public int txOffloads() {
        return txOffloads;
    }

    /** Largest frame a transmitter accepts without TSO: MTU plus an Ethernet header with one 802.1Q tag. */
    public int maxFrameLength() {
        return mtu + 18;
    }

    /** Replaces the filter; frames already in the ring are delivered anyway. Any thread. */
    public synchronized void setFilter(BpfProgram program) {
        control(() -> socket.attachFilter(program));
        filter = program;
    }

    public synchronized BpfProgram filter() {
        return filter;
    }

    /**
     * Adds {@code m} to the device's unicast filter (PACKET_ADD_MEMBERSHIP, PACKET_MR_UNICAST), so
     * a real NIC delivers frames to an instance's MAC without promiscuous mode. The kernel keeps
     * one reference per membership and drops ours when the socket closes. Any thread.
     */
    public synchronized void addUnicastMac(MacAddress m) {
        if (unicast.contains(m)) {
            return;
        }
        control(() -> socket.addUnicast(ifindex, m));
        unicast.add(m);
    }

    public synchronized void removeUnicastMac(MacAddress m) {
        if (!unicast.contains(m)) {
            return;
        }
        control(() -> socket.dropUnicast(ifindex, m));
        unicast.remove(m);
    }

    public synchronized Set<MacAddress> unicastMacs() {
        return Set.copyOf(unicast);
    }

    /** Adds the kernel's ring counters (PACKET_STATISTICS, cleared by reading) to {@link #rxStats()}. Any thread. */
    public synchronized void readKernelStatistics() {
        if (guard.enter()) {
            try {
                socket.readStatistics(stats);
            } finally {
                guard.exit();
            }
        }
    }

    private void control(Runnable call) {
        if (!guard.enter()) {
            throw new IllegalStateException("port " + name + " is closed");
        }
        try {
            call.run();
        } finally {
            guard.exit();
        }
    }

    /** The configuration the port was opened with (how it receives: {@code config().receive()}). */
    public AfPacketConfig config() {
        return config;
    }

    public int ifindex() {
        return ifindex;
    }

    @Override
    public MacAddress mac() {
        return mac;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public String name() {
        return name;
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
            if (ring != null) {
                ring.close();
            }
            socket.close();
            wakeup.close();
        });
    }

    @Override
    public String toString() {
        return "AfPacketPort[" + name + " #" + ifindex + " " + mac + " mtu " + mtu + (isOpen() ? "" : ", closed") + "]";
    }
}
