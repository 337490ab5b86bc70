package org.alpenstack.tenant.link;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.alpenstack.kernel.wire.EthernetFrame;
import org.alpenstack.kernel.wire.MacAddress;
import org.alpenstack.link.afpacket.AfPacketConfig;
import org.alpenstack.link.afpacket.AfPacketPort;
import org.alpenstack.link.afpacket.BpfProgram;
import org.alpenstack.link.afpacket.FrameBatch;
import org.alpenstack.link.afpacket.FramePort;
import org.alpenstack.link.afpacket.NetNamespace;
import org.alpenstack.link.afpacket.TapDevice;
import org.alpenstack.link.afpacket.TapPort;
import org.alpenstack.tenant.StackInstance;

/**
 * One host device shared by the instances of this process: an AF_PACKET port on a NIC or veth
 * (many instances) or a TAP device (the host side is the peer), with its own RX thread.
 *
 * <p>The RX thread takes a batch from the port, copies every frame into the inbox of each
 * instance it is for ({@link Demux}), and then flushes each touched inbox once, which queues at
 * most one task per instance on its context: the port's batch is returned as soon as the copies
 * are made, and instances never see the ring.
 *
 * <p>On an AF_PACKET port the kernel-side filter follows the instances: the BPF program accepts
 * the MAC-mode instances' MACs, the IP-mode instances' addresses, ARP and group-addressed
 * frames; each MAC-mode MAC joins the device's unicast filter (PACKET_MR_UNICAST), so a real NIC
 * delivers it without promiscuous mode. Both go away when the port closes.
 */
public final class SharedNic implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("alpenstack.link");

    private final String name;
    private final FramePort port;
    private final AfPacketPort afPacket;
    private final String netns;
    private final List<NicAttachment> attachments = new ArrayList<>();
    private final ArrayList<NicAttachment> rxTouched = new ArrayList<>();
    private final Thread rxThread;
    private volatile Demux demux;
    private volatile long unclaimed;
    /**
     * Idle inbound batches shared by this NIC's instances (BatchPool): 16 of 256 KiB wait for
     * the next burst, whichever instance it is for, and up to 4,096 of 16 KiB for broadcasts.
     */
    private final BatchPool batchPool = new BatchPool(16, 4096);
    /** Transmit totals of attachments that left (guarded by this), so link totals never go back. */
    private long departedTxFrames;
    private long departedTxBytes;
    private long departedDrops;
    private volatile boolean closing;

    /**
     * System property: {@code false} makes the ports split TCP super-frames from the peer into
     * wire segments again (an A/B switch for measurements).
     */
    static final String SUPER_FRAMES_PROPERTY = "alpenstack.link.rxSuperFrames";

    private SharedNic(String name, FramePort port, String netns) {
        this.name = name;
        this.port = port;
        // Instances take a peer's TCP super-frame whole, as one segment (GRO-style): the stack
        // accepts it above the MTU on the port's word, and an instance's fault injector cuts it
        // up when it must see wire frames. Hairpin traffic is finished by the sender's attachment.
        port.setReceiveTcpSuperFrames(Boolean.parseBoolean(System.getProperty(SUPER_FRAMES_PROPERTY, "true")));
        this.afPacket = port instanceof AfPacketPort p ? p : null;
        this.netns = netns;
        this.demux = Demux.empty(port.mac().bits());
        this.rxThread = new Thread(this::rxLoop, "alpenstack-rx-" + name);
        this.rxThread.setDaemon(true);
    }

    /**
     * Opens host device {@code device} with AF_PACKET, receiving nothing until an instance
     * attaches. {@code netns} names the network namespace the device is in (null: this
     * process's).
     */
    public static SharedNic openAfPacket(String name, String device, String netns) {
        return openAfPacket(name, device, netns, AfPacketConfig.DEFAULTS.receive());
    }

    /**
     * Like {@link #openAfPacket(String, String, String)}, receiving the way {@code receive} says:
     * from the socket's queue (low latency) or from a TPACKET_V3 ring (bulk capture; a lone frame
     * waits for the block's retire timeout), see link-afpacket's README.
     */
    public static SharedNic openAfPacket(String name, String device, String netns, AfPacketConfig.Receive receive) {
        AfPacketConfig config = AfPacketConfig.DEFAULTS.withReceive(receive);
        AfPacketPort port = inNamespace(netns, () -> AfPacketPort.open(device, config, BpfProgram.dropAll()));
        SharedNic nic = new SharedNic(name, port, netns);
        nic.rxThread.start();
        return nic;
    }

    /**
     * Creates a TAP device named {@code tapName} ("%d" lets the kernel number it) whose host side
     * has {@code hostAddress/prefixLength} and is up. The device disappears when the link closes.
     */
    public static SharedNic openTap(String name, String tapName, int hostAddress, int prefixLength, String netns) {
        TapPort port = inNamespace(netns,
                () -> TapPort.open(TapDevice.createWithAddress(tapName, false, hostAddress, prefixLength)));
        SharedNic nic = new SharedNic(name, port, netns);
        nic.rxThread.start();
        return nic;
    }

    /**
     * Shares an already open port (any {@link FramePort}: a test's in-memory port, a port opened
     * elsewhere). The link takes ownership and closes the port with itself.
     */
    public static SharedNic open(String name, FramePort port) {
        SharedNic nic = new SharedNic(name, port, null);
        nic.rxThread.start();
        return nic;
    }

    private static <T> T inNamespace(String netns, java.util.concurrent.Callable<T> body) {
        if (netns == null || netns.isEmpty()) {
            try {
                return body.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return NetNamespace.call(netns, body);
    }

    /**
     * Puts an instance on this NIC. MAC mode: {@code mac} is the instance's own; IP mode: the
     * instance uses the NIC's MAC and owns {@code addresses}. Any thread.
     *
     * @throws IllegalArgumentException when the MAC or an address is already taken here
     */
    public synchronized NicAttachment attach(StackInstance owner, MacAddress mac, boolean ipMode, int[] addresses) {
        if (closing) {
            throw new IllegalStateException("link " + name + " is closed");
        }
        if (ipMode && port instanceof TapPort) {
            throw new IllegalArgumentException("IP mode needs an AF_PACKET link; a TAP link has one peer, use MAC mode");
        }
        MacAddress effective = ipMode ? port.mac() : mac;
        if (!ipMode && (mac.equals(port.mac()) || demux.unicastOwnerOfMac(mac.bits()) != null)) {
            throw new IllegalArgumentException("MAC " + mac + " is already used on link " + name);
        }
        for (int a : addresses) {
            if (ipMode && demux.ipOwner(a) != null) {
                throw new IllegalArgumentException("address " + org.alpenstack.kernel.wire.Ipv4Address.toString(a)
                        + " is already used on link " + name);
            }
        }
        NicAttachment a = new NicAttachment(this, owner, effective, ipMode, addresses);
        attachments.add(a);
        if (afPacket != null && !ipMode) {
            afPacket.addUnicastMac(mac);
        }
        publish();
        return a;
    }

    /**
     * IP mode: the instance owns {@code addresses} from now on (addresses added or removed at
     * run time), in the demux and the kernel filter. No change for MAC mode, where the MAC alone
     * selects the frames. Any thread.
     *
     * @throws IllegalArgumentException when another instance owns one of the addresses here
     */
    public synchronized void setAddresses(NicAttachment a, int[] addresses) {
        if (!a.ipMode || !attachments.contains(a) || java.util.Arrays.equals(a.addresses, addresses)) {
            return;
        }
        for (int x : addresses) {
            NicAttachment o = demux.ipOwner(x);
            if (o != null && o != a) {
                throw new IllegalArgumentException("address " + org.alpenstack.kernel.wire.Ipv4Address.toString(x)
                        + " is already used on link " + name);
            }
        }
        a.addresses = addresses.clone();
        publish();
    }

    synchronized void detach(NicAttachment a) {
        if (!attachments.remove(a)) {
            return;
        }
        NicAttachment.Stats st = a.stats();
        departedTxFrames += st.wireSent();
        departedTxBytes += st.wireBytes();
        departedDrops += st.inboxDropped() + st.wireDropped();
        publish();
        if (afPacket != null && !a.ipMode && afPacket.isOpen()) {
            afPacket.removeUnicastMac(a.mac);
        }
    }

    /** Swaps in a new demux table and, on AF_PACKET, the matching kernel filter. */
    private void publish() {
        Demux d = new Demux(port.mac().bits(), attachments);
        if (afPacket != null && afPacket.isOpen()) {
            if (attachments.isEmpty()) {
                afPacket.setFilter(BpfProgram.dropAll());
            } else {
                setInstanceFilter(d);
            }
        }
        demux = d;
    }

    /**
     * The kernel filter that passes the instances' frames only. It grows by a few instructions
     * per MAC or address; past classic BPF's 4096 instructions, or the socket option memory
     * (net.core.optmem_max: SO_ATTACH_FILTER fails with ENOMEM from a few hundred instances on),
     * the port accepts everything instead and the demux alone sorts the frames out: more
     * copies of other hosts' traffic on a busy NIC, but every instance keeps working.
     */
    private void setInstanceFilter(Demux d) {
        try {
            afPacket.setFilter(BpfProgram.builder().acceptDestinations(d.macModeMacs())
                    .acceptIpv4Destinations(d.ipModeAddresses()).acceptGroupAddressed(true).acceptArp(true).build());
            return;
        } catch (RuntimeException tooLarge) {
            LOG.log(Level.WARNING, "event=filter-fallback link=" + name + " instances=" + attachments.size()
                    + " error=" + tooLarge.getMessage() + ": accepting every frame, the demux filters");
        }
        afPacket.setFilter(BpfProgram.acceptAll());
    }

    Demux demux() {
        return demux;
    }

    FramePort port() {
        return port;
    }

    private void rxLoop() {
        while (true) {
            try {
                if (port.receiveBatch(-1, this::onBatch) < 0) {
                    return;
                }
            } catch (RuntimeException e) {
                if (closing || !port.isOpen()) {
                    return;
                }
                LOG.log(Level.WARNING, "event=rx-error link=" + name + " error=" + e);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void onBatch(FrameBatch batch) {
        Demux d = demux;
        byte[] a = batch.array();
        for (int i = 0; i < batch.count(); i++) {
            int off = batch.offset(i);
            int len = batch.length(i);
            // The port's word that the kernel (or the port itself, completing a partial checksum
            // or splitting a GSO frame) checked the TCP/UDP checksum; the instance skips its own.
            boolean verified = batch.checksumVerified(i);
            int gso = batch.gsoSize(i);
            if (len < EthernetFrame.HEADER_LEN) {
                continue;
            }
            if (MacAddress.isMulticast(EthernetFrame.destination(a, off))) {
                for (NicAttachment x : d.all) {
                    if (d.groupWants(x, a, off, len)) {
                        take(x, a, off, len, verified, gso);
                    }
                }
            } else {
                NicAttachment x = d.unicastOwner(a, off, len);
                if (x != null) {
                    take(x, a, off, len, verified, gso);
                } else {
                    unclaimed++;
                }
            }
        }
        for (NicAttachment x : rxTouched) {
            x.rxTouched = false;
            x.flushInbox();
        }
        rxTouched.clear();
    }

    private void take(NicAttachment x, byte[] a, int off, int len, boolean verified, int gso) {
        x.offer(a, off, len, verified, gso);
        if (!x.rxTouched) {
            x.rxTouched = true;
            rxTouched.add(x);
        }
    }

    public String name() {
        return name;
    }

    /** The host device's name (the TAP's name as the kernel numbered it). */
    public String device() {
        return port.name();
    }

    public String netns() {
        return netns;
    }

    public boolean isTap() {
        return port instanceof TapPort;
    }

    /** How the AF_PACKET port receives (socket queue or ring); null for any other port. */
    public AfPacketConfig.Receive receive() {
        return afPacket == null ? null : afPacket.config().receive();
    }

    /** The device's own MAC (for a TAP, the host side's). */
    public MacAddress mac() {
        return port.mac();
    }

    public int mtu() {
        return port.mtu();
    }

    public synchronized List<NicAttachment> attachments() {
        return List.copyOf(attachments);
    }

    /**
     * The link's own totals since it was opened, like {@code ip -s link}: what the port received
     * (also frames for the host or for nobody), what every instance sent on the wire, and what
     * was dropped on the way (the kernel's ring or socket drops, full inboxes, transmit errors);
     * instances deleted meanwhile still count. Any thread.
     */
    public synchronized LinkCounters counters() {
        org.alpenstack.link.afpacket.RxStats rx = rxStats();
        long txFrames = departedTxFrames;
        long txBytes = departedTxBytes;
        long drops = departedDrops + rx.kernelDrops() + rx.droppedTruncated() + rx.droppedGsoUnsupported()
                + rx.droppedBadOffload() + rx.droppedTooLarge();
        for (NicAttachment a : attachments) {
            NicAttachment.Stats st = a.stats();
            txFrames += st.wireSent();
            txBytes += st.wireBytes();
            drops += st.inboxDropped() + st.wireDropped();
        }
        return new LinkCounters(rx.framesDelivered(), rx.bytesDelivered(), txFrames, txBytes, drops);
    }

    /** See {@link #counters()}. */
    public record LinkCounters(long rxFrames, long rxBytes, long txFrames, long txBytes, long dropped) {
    }

    BatchPool batchPool() {
        return batchPool;
    }

    /** Frames from the wire that no instance owned (for the host kernel, or for nobody). */
    public long unclaimedFrames() {
        return unclaimed;
    }

    /** The port's receive counters; on AF_PACKET the kernel's ring counters are added first. Any thread. */
    public org.alpenstack.link.afpacket.RxStats rxStats() {
        if (afPacket != null && afPacket.isOpen()) {
            try {
                afPacket.readKernelStatistics();
            } catch (RuntimeException ignored) {
                // closed meanwhile: the counters so far
            }
        }
        return port.rxStats();
    }

    /**
     * Stops the RX thread and closes the port: the kernel drops the filter and memberships with
     * the socket, and a TAP device disappears with its descriptor. Any thread.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        port.close();
        try {
            rxThread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
