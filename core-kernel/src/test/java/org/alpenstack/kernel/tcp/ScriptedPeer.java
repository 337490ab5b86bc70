package org.alpenstack.kernel.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.ip.IpOutput;
import org.alpenstack.kernel.ip.IpPacketInfo;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.time.ManualClock;
import org.alpenstack.kernel.time.TimerWheel;
import org.alpenstack.kernel.wire.TcpFlags;

/**
 * A remote TCP played by the test, packetdrill style: the stack under test is a {@link TcpLayer}
 * whose IP output is this object, so every segment it emits lands in {@link #expect}, and
 * {@link #send} injects segments as if they came from the network. Time moves only when the test
 * says so ({@link #advance}), on a manual clock.
 */
final class ScriptedPeer implements IpOutput {
    static final int STACK_ADDR = 0x0a000001;
    static final int PEER_ADDR = 0x0a000002;

    final ManualClock clock = new ManualClock(1_000_000_000L);
    final TimerWheel wheel = new TimerWheel();
    final BufferPool pool = new BufferPool();
    final TcpTunables tunables;
    final TcpLayer tcp;
    final ArrayDeque<Wire> emitted = new ArrayDeque<>();
    /** The stack's port and ours, used when a segment leaves them 0. */
    int stackPort = 80;
    int peerPort = 40000;
    int mtu = 1500;
    /** The transmit offloads the scripted path offers the stack ({@code Link.OFFLOAD_*}); none by default. */
    int txOffloads;
    /**
     * What the IP layer passes with the next injected segments: the wire segment size of a
     * super-packet the link driver coalesced (IpPacketInfo.receivedGsoSize), 0 for plain segments.
     */
    int receivedGsoSize;
    private final IpPacketInfo info = new IpPacketInfo();
    private final AtomicInteger ids = new AtomicInteger(1);

    ScriptedPeer() {
        this(new TcpTunables());
    }

    ScriptedPeer(TcpTunables tunables) {
        this.tunables = tunables;
        this.tcp = new TcpLayer(this, pool, wheel, clock, tunables, ids::getAndIncrement, 42L);
    }

    /** Tunables with 4 MiB receive buffers (default and maximum), for peers that send a lot at once. */
    static TcpTunables bigReceiveBuffers() {
        TcpTunables t = new TcpTunables();
        t.setRmemMax(4 << 20);
        t.setRmemDefault(4 << 20);
        return t;
    }

    /**
     * An accepted MSS-1000 connection (window scale 7, SACK) past Linux's quick-ACK start: 20
     * segments sent and read, 200 ms gone by, nothing left to see. From here only the steady
     * state's ACK rules apply (every second full-sized segment, the delayed-ACK timer).
     */
    TcpSocket acceptedPastQuickAcks() {
        TcpSocket s = accepted(Wire.seg(TcpFlags.SYN).seq(1000).win(65535).mss(1000).wscale(7).sackOk());
        for (int i = 0; i < 20; i++) {
            sendData(1000);
        }
        byte[] sink = new byte[1 << 16];
        s.read(sink, 0, sink.length);
        advance(200);
        emitted.clear();
        return s;
    }

    // ---- IpOutput: what the stack sends ----

    @Override
    public int send(PacketBuffer payload, int source, int destination, int protocol, int tos, int ttl, boolean df) {
        try {
            assertEquals(6, protocol);
            assertEquals(STACK_ADDR, source);
            int gso = payload.gsoSize();
            if (payload.checksumPartial()) {
                // Offloads only where offered, and a partial checksum as Linux's CHECKSUM_PARTIAL.
                int needed = gso > 0 ? org.alpenstack.kernel.link.Link.OFFLOAD_TSO : org.alpenstack.kernel.link.Link.OFFLOAD_TX_CHECKSUM;
                assertEquals(needed, txOffloads & needed, "offload used that the path does not offer");
                assertEquals(0, payload.checksumStart());
                assertEquals(16, payload.checksumOffset());
                assertEquals(org.alpenstack.kernel.wire.Checksum.fold(org.alpenstack.kernel.wire.Checksum.pseudoHeader(
                        source, destination, 6, payload.length())),
                        org.alpenstack.kernel.wire.Bytes.u16(payload.array(), payload.start() + 16), "pseudo-header sum in the checksum field");
                org.alpenstack.kernel.link.SoftwareOffload.finishChecksum(payload);
            } else if (gso > 0) {
                fail("a super-segment without a partial checksum");
            }
            int header = org.alpenstack.kernel.wire.TcpHeader.headerLength(payload.array(), payload.start());
            int wire = gso > 0 ? header + gso : payload.length();
            if (wire + 20 > mtu) {
                fail("segment of " + wire + " bytes exceeds the path MTU " + mtu);
            }
            if (payload.length() + 20 > 65535) {
                fail("super-segment of " + payload.length() + " bytes exceeds an IPv4 packet");
            }
            Wire w = Wire.decode(payload.array(), payload.start(), payload.length(), source, destination);
            w.gsoSize = gso;
            w.ipTos = tos;
            emitted.add(w);
        } finally {
            payload.release();
        }
        return 0;
    }

    @Override
    public int sourceAddressFor(int destination) {
        return STACK_ADDR;
    }

    @Override
    public int pathMtu(int destination) {
        return mtu;
    }

    @Override
    public int txOffloads(int destination) {
        return txOffloads;
    }

    @Override
    public boolean isLocalAddress(int address) {
        return address == STACK_ADDR;
    }

    // ---- the script ----

    /** Injects {@code w} from the peer to the stack. */
    void send(Wire w) {
        if (w.srcPort == 0) {
            w.srcPort = peerPort;
        }
        if (w.dstPort == 0) {
            w.dstPort = stackPort;
        }
        byte[] bytes = w.encode(PEER_ADDR, STACK_ADDR);
        PacketBuffer b = pool.acquire(bytes.length);
        b.append(bytes, 0, bytes.length);
        info.clear();
        info.source = PEER_ADDR;
        info.destination = STACK_ADDR;
        info.protocol = 6;
        info.ttl = 64;
        info.tos = w.ipTos;
        info.receivedGsoSize = receivedGsoSize;
        info.transportChecksumVerified = receivedGsoSize > 0;
        try {
            tcp.receive(info, b);
        } finally {
            b.release();
        }
    }

    /** Injects raw bytes as a TCP segment from the peer (fuzzing: no checks, no checksum fixing). */
    void sendRaw(byte[] bytes) {
        PacketBuffer b = pool.acquire(Math.max(bytes.length, 1));
        b.append(bytes, 0, bytes.length);
        info.clear();
        info.source = PEER_ADDR;
        info.destination = STACK_ADDR;
        info.protocol = 6;
        info.ttl = 64;
        try {
            tcp.receive(info, b);
        } finally {
            b.release();
        }
    }

    /** The next segment the stack sent, which must carry exactly {@code flags}. */
    Wire expect(int flags) {
        Wire w = emitted.poll();
        assertNotNull(w, "expected " + TcpFlags.toString(flags) + " but the stack sent nothing");
        if (w.flags != flags) {
            fail("expected " + TcpFlags.toString(flags) + " but got " + w);
        }
        return w;
    }

    /** Like {@link #expect(int)}, and checks SEG.SEQ and SEG.ACK. */
    Wire expect(int flags, int seq, int ack) {
        Wire w = expect(flags);
        assertEquals(Integer.toUnsignedString(seq), Integer.toUnsignedString(w.seq), "seq of " + w);
        if ((flags & TcpFlags.ACK) != 0) {
            assertEquals(Integer.toUnsignedString(ack), Integer.toUnsignedString(w.ack), "ack of " + w);
        }
        return w;
    }

    void expectNothing() {
        if (!emitted.isEmpty()) {
            fail("expected silence but the stack sent " + emitted.peek() + (emitted.size() > 1 ? " and " + (emitted.size() - 1) + " more" : ""));
        }
    }

    /** Moves the clock forward by {@code ms} milliseconds, firing every timer due on the way at its own time. */
    void advance(long ms) {
        advanceNanos(ms * 1_000_000L);
    }

    void advanceNanos(long nanos) {
        long target = clock.nanos() + nanos;
        long lastPolled = -1;
        while (true) {
            long next = wheel.nextDeadline();
            if (next > target) {
                break;
            }
            long t = Math.max(next, clock.nanos());
            if (t == lastPolled) {
                // the wheel may report a deadline early (tick granularity): step a tick
                t = Math.min(target, t + 1_000_000L);
            }
            clock.set(t);
            wheel.poll(t);
            lastPolled = t;
            if (t == target) {
                break;
            }
        }
        clock.set(target);
        wheel.poll(target);
    }

    /** Advances to the moment the stack next sends something (at most {@code maxMs}); returns the ms waited. */
    long advanceUntilEmitted(long maxMs) {
        long start = clock.nanos();
        for (long i = 0; i < maxMs && emitted.isEmpty(); i++) {
            advance(1);
        }
        return (clock.nanos() - start) / 1_000_000L;
    }

    long nowMs() {
        return clock.nanos() / 1_000_000L;
    }

    TcpSocket socket() {
        return tcp.openSocket();
    }

    // ---- common openings ----

    /** A listener on {@link #stackPort}. */
    TcpSocket listen(int backlog) {
        TcpSocket l = socket();
        assertEquals(0, l.bind(new InetEndpoint(0, stackPort)));
        assertEquals(0, l.listen(backlog));
        return l;
    }

    /**
     * Completes a passive open with the given SYN options already set on {@code syn} (seq 1000)
     * and returns the accepted socket and the SYN-ACK.
     */
    Wire handshakeIn(TcpSocket listener, Wire syn) {
        send(syn);
        // (an ECN-setup SYN is answered SYN|ACK|ECE)
        Wire synAck = expect(syn.has(TcpFlags.ECE | TcpFlags.CWR) ? TcpFlags.SYN | TcpFlags.ACK | TcpFlags.ECE
                : TcpFlags.SYN | TcpFlags.ACK);
        assertEquals(syn.seq + 1, synAck.ack);
        Wire ack = Wire.seg(TcpFlags.ACK).seq(syn.seq + 1).ack(synAck.seq + 1).win(syn.window);
        if (syn.ts && synAck.ts) {
            ack.ts(syn.tsVal + 1, synAck.tsVal);
        }
        send(ack);
        return synAck;
    }

    /** An active open from the stack to the peer, answered with {@code synAck} fields; returns the stack's SYN. */
    Wire handshakeOut(TcpSocket s, Wire synAckTemplate) {
        assertEquals(-org.alpenstack.kernel.socket.Errno.EINPROGRESS, s.connect(new InetEndpoint(PEER_ADDR, peerPort)));
        Wire syn = expect(TcpFlags.SYN);
        stackPort = syn.srcPort;
        synAckTemplate.flags |= TcpFlags.SYN | TcpFlags.ACK;
        synAckTemplate.ack = syn.seq + 1;
        if (synAckTemplate.ts) {
            synAckTemplate.tsEcr = syn.tsVal;
        }
        send(synAckTemplate);
        return syn;
    }

    void close() {
        pool.assertNoLeaks();
    }

    // ---- an established connection, peer's view ----

    /** The next sequence number the peer sends, and the next it expects from the stack. */
    int peerNext;
    int stackNext;
    /** Timestamps in use on the scripted connection: the peer's clock and the last TSval seen from the stack. */
    boolean useTs;
    int peerTs = 100;
    int lastStackTs;

    /**
     * Accepts a connection whose SYN is {@code syn} (seq 1000 unless set) and leaves the
     * sequence bookkeeping in {@link #peerNext} / {@link #stackNext}.
     */
    TcpSocket accepted(Wire syn) {
        TcpSocket l = listen(16);
        if (syn.seq == 0) {
            syn.seq = 1000;
        }
        useTs = syn.ts;
        if (useTs) {
            syn.tsVal = peerTs;
        }
        Wire synAck = handshakeIn(l, syn);
        if (useTs) {
            peerTs++;
            lastStackTs = synAck.tsVal;
        }
        peerNext = syn.seq + 1;
        stackNext = synAck.seq + 1;
        TcpSocket s = l.accept();
        assertNotNull(s, "accept after handshake");
        emitted.clear();
        return s;
    }

    /** A plain MSS-1000 connection with no other options: the numbers in tests stay readable. */
    TcpSocket acceptedPlain() {
        return accepted(Wire.seg(TcpFlags.SYN).seq(1000).win(65535).mss(1000));
    }

    /** A segment from the peer at its current sequence, acknowledging {@code ack}. */
    Wire fromPeer(int flags, int ack) {
        Wire w = Wire.seg(flags | TcpFlags.ACK).seq(peerNext).ack(ack).win(65535);
        if (useTs) {
            w.ts(peerTs++, lastStackTs);
        }
        return w;
    }

    /** Peer sends {@code n} bytes of data (pattern from the sequence number); returns the segment. */
    Wire sendData(int n) {
        Wire w = fromPeer(TcpFlags.ACK, stackNext).data(n);
        send(w);
        peerNext += n;
        return w;
    }

    /** Peer acknowledges up to {@code ack} with window {@code win}. */
    void sendAck(int ack, int win) {
        Wire w = fromPeer(TcpFlags.ACK, ack).win(win);
        send(w);
    }

    /** Expects a segment, tracking timestamps, and checks it carries exactly {@code len} bytes at stackNext. */
    Wire expectData(int len) {
        Wire w = emitted.poll();
        assertNotNull(w, "expected " + len + " bytes of data but the stack sent nothing");
        assertEquals(len, w.len(), "length of " + w);
        assertEquals(Integer.toUnsignedString(stackNext), Integer.toUnsignedString(w.seq), "seq of " + w);
        stackNext += len;
        if (w.ts) {
            lastStackTs = w.tsVal;
        }
        return w;
    }

    /** Expects a pure ACK of {@code ack}. */
    Wire expectAck(int ack) {
        Wire w = expect(TcpFlags.ACK);
        assertEquals(0, w.len(), "pure ACK expected: " + w);
        assertEquals(Integer.toUnsignedString(ack), Integer.toUnsignedString(w.ack), "ack of " + w);
        if (w.ts) {
            lastStackTs = w.tsVal;
        }
        return w;
    }
}
