package org.alpenstack.tenant.link;

import java.util.ArrayList;
import java.util.function.Consumer;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.link.FrameReceiver;
import org.alpenstack.kernel.link.SoftwareOffload;
import org.alpenstack.kernel.wire.EthernetFrame;
import org.alpenstack.kernel.wire.MacAddress;
import org.alpenstack.link.afpacket.FrameTransmitter;
import org.alpenstack.tenant.AttachedLink;
import org.alpenstack.tenant.StackInstance;

/**
 * One instance's place on a {@link SharedNic}: the {@link org.alpenstack.kernel.link.Link} its
 * interface sits on.
 *
 * <p>Input: the NIC's RX thread copies the instance's frames into its {@link Inbox}; the
 * instance's context drains it and lends each frame to the stack.
 *
 * <p>Output, on the instance's context: a frame for another instance on the same NIC is copied
 * straight into that instance's inbox (hairpin) and never reaches the wire, where a NIC would
 * not send it back to us anyway; a group-addressed frame goes to the wire and to every other
 * local instance that should see it; the rest is queued on the instance's own
 * {@link FrameTransmitter}, which shares the port's socket (sendmmsg is safe from many threads,
 * so no lock and no hand-off thread is needed) and is flushed once per unit of work.
 *
 * <p>The link offers the port's transmit offloads ({@link #txOffloads()}): the stack may hand it
 * TCP super-segments with partial checksums, which go to the wire as they are. A hairpin copy is
 * finished in software first (segments with complete checksums), as the other instance's stack
 * takes only complete frames; frame taps see what the stack sent, super-segments included.
 *
 * <p>Input from the wire may hold TCP super-frames the port handed over whole
 * ({@link SharedNic}): they reach the stack marked ({@code PacketBuffer.receivedGsoSize}) and taps
 * see them as they are, as tcpdump on a Linux receiver shows GRO packets.
 *
 * <p>The instance's fault injector (core-kernel's {@code FaultInjector}) sits between this link
 * and the stack, see {@link StackInstance#addInterface}.
 */
public final class NicAttachment implements AttachedLink {
    /** Up to 16 MiB of frames waiting per instance: several TSO bursts of a fast peer. */
    static final int INBOX_BATCHES = 64;

    private final SharedNic nic;
    private final StackInstance owner;
    final MacAddress mac;
    final boolean ipMode;
    /** IP mode: the addresses demultiplexed to this instance; replaced whole under the NIC's monitor. */
    volatile int[] addresses;
    private final Inbox inbox;
    private final FrameTransmitter transmitter;
    private final PacketBuffer view = PacketBuffer.wrap(new byte[0], 0, 0);
    private final Consumer<InboundBatch> deliverer = this::deliver;
    private final ArrayList<NicAttachment> hairpinTouched = new ArrayList<>();
    private final SoftwareOffload.Sink hairpinFinished = this::hairpinFinished;
    /** The instance a super-segment being finished in software is for (owner's context). */
    private NicAttachment hairpinTo;
    private FrameReceiver receiver = frame -> { };
    private static final FrameTap[] NO_TAPS = new FrameTap[0];
    /** Owner's context only; replaced, never changed in place, so a tap may remove itself while called. */
    private FrameTap[] taps = NO_TAPS;
    /** Set and cleared by the NIC's RX thread only: already in its list of inboxes to flush. */
    boolean rxTouched;
    private volatile boolean detached;

    // Counters, written on the owner's context, read anywhere (a stale read is fine for stats).
    private volatile long framesIn;
    private volatile long framesOut;
    private volatile long hairpinOut;

    NicAttachment(SharedNic nic, StackInstance owner, MacAddress mac, boolean ipMode, int[] addresses) {
        this.nic = nic;
        this.owner = owner;
        this.mac = mac;
        this.ipMode = ipMode;
        this.addresses = addresses.clone();
        this.transmitter = nic.port().newTransmitter();
        Runnable drain = () -> inbox().drain(deliverer);
        this.inbox = new Inbox(INBOX_BATCHES, nic.batchPool(), () -> owner.submitInput(drain));
    }

    private Inbox inbox() {
        return inbox;
    }

    /** Any thread: copies a frame into the instance's inbox (visible after {@link #flushInbox}). */
    void offer(byte[] a, int off, int len) {
        offer(a, off, len, false, 0);
    }

    /**
     * {@link #offer(byte[], int, int)} with the driver's word on the frame's TCP/UDP checksum, and
     * the wire segment size of a TCP super-frame the port handed over whole (from the wire only).
     */
    void offer(byte[] a, int off, int len, boolean checksumVerified, int gsoSize) {
        if (!detached) {
            inbox.offer(a, off, len, checksumVerified, gsoSize);
        }
    }

    void flushInbox() {
        inbox.flush();
    }

    private void deliver(InboundBatch b) {
        for (int i = 0; i < b.count; i++) {
            framesIn++;
            if (taps.length != 0) {
                show(false, b.slab, b.offsets[i], b.lengths[i]);
            }
            // A super-frame goes up whole: the stack takes it as one segment, and the instance's
            // fault injector, when it damages received traffic, cuts it into wire frames first.
            receiver.receive(view.rewrap(b.slab, b.offsets[i], b.lengths[i])
                    .transportChecksumVerified(b.checksumVerified[i]).receivedGsoSize(b.gsoSize[i]));
        }
    }

    private void show(boolean outbound, byte[] a, int off, int len) {
        for (FrameTap t : taps) {
            try {
                t.frame(outbound, a, off, len);
            } catch (RuntimeException e) {
                // A capture's failure must not cost the instance its frame.
            }
        }
    }

    /**
     * On the owner's context: shows every frame from now on to {@code tap} (see {@link FrameTap})
     * until {@link #removeTap}. With no tap a frame costs one array-length check.
     */
    public void addTap(FrameTap tap) {
        checkOwner();
        FrameTap[] n = java.util.Arrays.copyOf(taps, taps.length + 1);
        n[taps.length] = tap;
        taps = n;
    }

    /** On the owner's context: stops showing frames to {@code tap}; unknown taps are ignored. */
    public void removeTap(FrameTap tap) {
        checkOwner();
        for (int i = 0; i < taps.length; i++) {
            if (taps[i] == tap) {
                FrameTap[] n = new FrameTap[taps.length - 1];
                System.arraycopy(taps, 0, n, 0, i);
                System.arraycopy(taps, i + 1, n, i, n.length - i);
                taps = n;
                return;
            }
        }
    }

    /** How many taps are listening (owner's context; tests check that captures end). */
    public int tapCount() {
        checkOwner();
        return taps.length;
    }

    private void checkOwner() {
        if (!owner.isOnContext()) {
            throw new IllegalStateException("frame taps of " + owner.name() + " are changed on its context only");
        }
    }

    @Override
    public void transmit(PacketBuffer frame) {
        if (detached) {
            frame.release();
            return;
        }
        byte[] a = frame.array();
        int off = frame.start();
        int len = frame.length();
        if (len < EthernetFrame.HEADER_LEN) {
            frame.release();
            return;
        }
        framesOut++;
        if (taps.length != 0) {
            show(true, a, off, len);
        }
        Demux d = nic.demux();
        if (MacAddress.isMulticast(EthernetFrame.destination(a, off))) {
            for (NicAttachment x : d.all) {
                if (x != this && d.groupWants(x, a, off, len)) {
                    hairpin(x, a, off, len);
                }
            }
            transmitter.transmit(frame);
            return;
        }
        NicAttachment to = d.unicastOwner(a, off, len);
        if (to != null) {
            if (to != this && frame.hasOffload()) {
                hairpinTo = to;
                SoftwareOffload.finishFrame(frame, owner.pool(), hairpinFinished);
                hairpinTo = null;
                return;
            }
            if (to != this) {
                hairpin(to, a, off, len);
            }
            frame.release();
            return;
        }
        transmitter.transmit(frame);
    }

    private void hairpinFinished(PacketBuffer segment) {
        try {
            hairpin(hairpinTo, segment.array(), segment.start(), segment.length());
        } finally {
            segment.release();
        }
    }

    /** The port's offloads: super-segments and partial checksums go to the wire whole. */
    @Override
    public int txOffloads() {
        return nic.port().txOffloads();
    }

    private void hairpin(NicAttachment to, byte[] a, int off, int len) {
        hairpinOut++;
        to.offer(a, off, len);
        if (!hairpinTouched.contains(to)) {
            hairpinTouched.add(to);
        }
    }

    @Override
    public void flushOutput() {
        transmitter.flush();
        if (!hairpinTouched.isEmpty()) {
            for (NicAttachment to : hairpinTouched) {
                to.flushInbox();
            }
            hairpinTouched.clear();
        }
    }

    @Override
    public void attach(FrameReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public void detach() {
        if (!detached) {
            detached = true;
            transmitter.flush();
            nic.detach(this);
        }
    }

    @Override
    public int mtu() {
        return nic.port().mtu();
    }

    @Override
    public String name() {
        return nic.name();
    }

    public MacAddress mac() {
        return mac;
    }

    public boolean ipMode() {
        return ipMode;
    }

    public StackInstance owner() {
        return owner;
    }

    public SharedNic nic() {
        return nic;
    }

    public Stats stats() {
        return new Stats(framesIn, framesOut, hairpinOut, inbox.dropped(), inbox.failures(),
                transmitter.stats().framesSent(), transmitter.stats().bytesSent(),
                transmitter.stats().droppedNoBuffer() + transmitter.stats().droppedError());
    }

    /**
     * What crossed this attachment; {@code wireSent}, {@code wireBytes} (frames and bytes that
     * left on the wire) and {@code wireDropped} are the transmitter's.
     */
    public record Stats(long framesIn, long framesOut, long hairpinOut, long inboxDropped, long deliveryFailures, long wireSent,
            long wireBytes, long wireDropped) {
    }
}
