package org.alpenstack.kernel.bench;

import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.stack.NetStack;
import org.alpenstack.kernel.tcp.TcpSocket;
import org.alpenstack.kernel.tcp.TcpState;
import org.alpenstack.kernel.time.ManualClock;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.MacAddress;

/**
 * Two whole stacks (Ethernet, ARP, IPv4, TCP) on a {@link BenchLink} wire with one established
 * connection from {@link #client} (on {@code a}) to {@link #server} (on {@code b}). Everything
 * runs on the caller's thread; {@link #pump} moves frames until the wire is quiet.
 */
final class StackPair {
    static final int A = Ipv4Address.parse("10.0.0.1");
    static final int B = Ipv4Address.parse("10.0.0.2");
    static final int PORT = 9;

    final ManualClock clock = new ManualClock(1_000_000_000L);
    final BufferPool pool = new BufferPool(4096, false);
    final BenchLink la = new BenchLink("a");
    final BenchLink lb = new BenchLink("b");
    final NetStack a = new NetStack("a", pool, clock);
    final NetStack b = new NetStack("b", pool, clock);
    final TcpSocket listener;
    final TcpSocket client;
    final TcpSocket server;

    StackPair() {
        BenchLink.connect(la, lb);
        a.addInterface("eth0", la, new MacAddress(0x02_00_00_00_00_01L));
        b.addInterface("eth0", lb, new MacAddress(0x02_00_00_00_00_02L));
        check(a.addAddress("eth0", A, 24));
        check(b.addAddress("eth0", B, 24));
        listener = b.openTcp();
        check(listener.bind(new InetEndpoint(0, PORT)));
        check(listener.listen(8));
        client = a.openTcp();
        client.connect(new InetEndpoint(B, PORT));
        TcpSocket accepted = null;
        for (int i = 0; i < 100 && accepted == null; i++) {
            pump();
            clock.advance(1_000_000L);
            accepted = listener.accept();
        }
        if (accepted == null || client.state() != TcpState.ESTABLISHED) {
            throw new IllegalStateException("no connection: " + client.state());
        }
        server = accepted;
    }

    /** Moves frames both ways and runs due timers until nothing moves. */
    void pump() {
        long now = clock.nanos();
        int moved;
        do {
            moved = la.deliver() + lb.deliver();
            a.poll(now);
            b.poll(now);
        } while (moved > 0);
    }

    static int check(int r) {
        if (r < 0) {
            throw new IllegalStateException(Errno.name(r));
        }
        return r;
    }
}
