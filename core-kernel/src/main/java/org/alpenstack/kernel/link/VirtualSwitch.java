package org.alpenstack.kernel.link;

import java.util.Arrays;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.time.Pollable;
import org.alpenstack.kernel.wire.MacAddress;

/**
 * An in-memory learning Ethernet switch (IEEE 802.1D transparent bridge, without spanning tree):
 * it learns which port each source MAC lives behind, forwards known unicast to that port only,
 * and floods broadcast, multicast and unknown unicast to every other port.
 *
 * <p>Frames wait in their ingress port's queue and move only when the switch is polled, so a
 * device that transmits is never called back from inside its own {@code transmit}, and a frame a
 * receiver sends in reply waits for the next poll. Each port polices its own MTU on the way in
 * and on the way out (a jumbo frame is not delivered to a 1500-byte port).
 */
public final class VirtualSwitch implements Pollable {
    public static final int DEFAULT_PORT_QUEUE = 1024;
    public static final int DEFAULT_MAC_TABLE = 4096;
    /** Linux bridge default ageing time. */
    public static final long DEFAULT_AGEING_NANOS = Clock.seconds(300);

    private final String name;
    private final MacTable macs;
    private final int portQueue;
    private SwitchPort[] ports = new SwitchPort[0];
    /** Per port, how many frames the current poll moves; kept to avoid allocating per poll. */
    private int[] budget = new int[0];

    private long lastPoll = Due.BEFORE_FIRST_POLL;
    private long forwarded;
    private long flooded;
    private long filtered;

    public VirtualSwitch(String name) {
        this(name, DEFAULT_MAC_TABLE, DEFAULT_AGEING_NANOS, DEFAULT_PORT_QUEUE);
    }

    public VirtualSwitch(String name, int macTableSize, long ageingNanos, int portQueue) {
        this.name = name;
        this.macs = new MacTable(macTableSize, ageingNanos);
        this.portQueue = portQueue;
    }

    /** A new port; plug a device in by transmitting on it and attaching a receiver. */
    public SwitchPort newPort(String portName, int mtu) {
        if (mtu < 68) { // RFC 791: every IPv4 module must handle 68-octet datagrams
            throw new IllegalArgumentException("MTU below 68: " + mtu);
        }
        SwitchPort p = new SwitchPort(this, portName, mtu, ports.length, portQueue);
        ports = Arrays.copyOf(ports, ports.length + 1);
        ports[p.index] = p;
        budget = new int[ports.length];
        return p;
    }

    @Override
    public void poll(long now) {
        lastPoll = now;
        SwitchPort[] ps = ports;
        // Frames queued by receivers during this poll wait for the next one: each port moves
        // only what it held when the poll began.
        for (int i = 0; i < ps.length; i++) {
            budget[i] = ps[i].ingress.size();
        }
        for (int i = 0; i < ps.length; i++) {
            SwitchPort in = ps[i];
            for (int n = budget[i]; n > 0; n--) {
                PacketBuffer f = in.ingress.poll();
                forward(f, in, now);
                f.release();
            }
        }
    }

    private void forward(PacketBuffer frame, SwitchPort in, long now) {
        long src = Ethernet.src(frame);
        long dst = Ethernet.dst(frame);
        // A group address is never a valid source (IEEE 802.3 3.2.3): do not learn it.
        if (!MacAddress.isMulticast(src)) {
            macs.learn(src, in.index, now);
        }
        int out = MacAddress.isMulticast(dst) ? -1 : macs.lookup(dst, now);
        if (out == in.index) {
            filtered++; // both ends sit behind the same port: the frame already reached them
        } else if (out >= 0) {
            forwarded++;
            ports[out].deliver(frame);
        } else {
            flooded++;
            for (SwitchPort p : ports) {
                if (p != in) {
                    p.deliver(frame);
                }
            }
        }
    }

    @Override
    public long nextDeadline() {
        for (SwitchPort p : ports) {
            if (!p.ingress.isEmpty()) {
                return lastPoll;
            }
        }
        return Clock.NEVER;
    }

    public String name() {
        return name;
    }

    /** Known unicast frames sent to exactly one port. */
    public long forwardedFrames() {
        return forwarded;
    }

    /** Broadcast, multicast and unknown unicast frames sent to every other port. */
    public long floodedFrames() {
        return flooded;
    }

    /** Frames whose destination lives behind the port they came in on. */
    public long filteredFrames() {
        return filtered;
    }

    /** Releases frames still queued in every port (tear-down). */
    public void discardQueued() {
        for (SwitchPort p : ports) {
            p.ingress.clear();
        }
    }

    @Override
    public String toString() {
        return "VirtualSwitch[" + name + ", " + ports.length + " ports]";
    }
}
