package org.alpenstack.admin;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.icmp.IcmpSocket;
import org.alpenstack.kernel.link.FaultInjector;
import org.alpenstack.kernel.link.Link;
import org.alpenstack.kernel.link.PcapTap;
import org.alpenstack.kernel.link.PcapWriter;
import org.alpenstack.kernel.link.VirtualSwitch;
import org.alpenstack.kernel.sim.Simulation;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.socket.RecvMeta;
import org.alpenstack.kernel.stack.DropReason;
import org.alpenstack.kernel.stack.NetStack;
import org.alpenstack.kernel.stack.StackCounter;
import org.alpenstack.kernel.stack.StackCounters;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.time.ManualClock;
import org.alpenstack.kernel.udp.UdpSocket;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.MacAddress;

/**
 * Two stack instances on an in-memory Ethernet switch, driven on a simulated clock: ARP, ping
 * both ways, a UDP echo, a UDP exchange over a lossy link with retries, and a closed port that
 * comes back as ECONNREFUSED. Everything the stacks send is written to a pcap file.
 *
 * <p>It is the quickest way to see the stack work without root or a NIC, and the README's run
 * command falls back to it where the real server cannot run.
 */
final class Demo {
    private static final long LINK_DELAY = Clock.micros(250);

    private final ManualClock clock = new ManualClock();
    private final Simulation sim = new Simulation(clock);
    private final BufferPool pool = new BufferPool();
    private final NetStack blue;
    private final NetStack green;
    private final FaultInjector greenWire;
    private final int blueIp = Ipv4Address.parse("10.0.0.1");
    private final int greenIp = Ipv4Address.parse("10.0.0.2");

    private Demo(OutputStream pcap) {
        VirtualSwitch sw = new VirtualSwitch("sw0");
        sim.add(sw);
        Link bluePort = new PcapTap(sw.newPort("blue", 1500), new PcapWriter(pcap), clock);
        greenWire = new FaultInjector(sw.newPort("green", 1500), clock, pool, 2001);
        greenWire.transmit().delayNanos(LINK_DELAY);
        greenWire.receive().delayNanos(LINK_DELAY);
        sim.add(greenWire);

        blue = new NetStack("blue", pool, clock);
        blue.addInterface("eth0", bluePort, MacAddress.parse("02:00:00:00:00:01"));
        green = new NetStack("green", pool, clock);
        green.addInterface("eth0", greenWire, MacAddress.parse("02:00:00:00:00:02"));
        sim.add(blue);
        sim.add(green);
        check(blue.addAddress("eth0", "10.0.0.1/24"), "blue: add 10.0.0.1/24");
        check(green.addAddress("eth0", "10.0.0.2/24"), "green: add 10.0.0.2/24");
    }

    static int run(String[] args) throws IOException {
        Path pcapFile = Path.of(args.length > 1 && args[0].equals("--pcap") ? args[1] : "alpenstack-demo.pcap");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(pcapFile))) {
            Demo d = new Demo(out);
            d.say("two instances on switch sw0: blue 10.0.0.1/24 (02:00:00:00:00:01), "
                    + "green 10.0.0.2/24 (02:00:00:00:00:02); green's wire adds 250 us each way");
            d.ping(d.blue, d.greenIp, 3);
            d.ping(d.green, d.blueIp, 3);
            d.udpEcho();
            d.udpOverLossyLink();
            d.closedPort();
            d.summary();
            d.blue.shutdown();
            d.green.shutdown();
        }
        System.out.println("conversation written to " + pcapFile + " (tcpdump -nn -r " + pcapFile + ")");
        return 0;
    }

    private void ping(NetStack from, int to, int count) {
        IcmpSocket s = from.openPing();
        byte[] req = new byte[64];
        byte[] reply = new byte[128];
        RecvMeta meta = new RecvMeta();
        for (int seq = 1; seq <= count; seq++) {
            req[0] = 8; // echo request, RFC 792
            Bytes.u16(req, 6, seq);
            long sent = clock.nanos();
            check(s.sendTo(req, 0, req.length, 0, new InetEndpoint(to, 0)), from.name() + ": ping send");
            boolean got = sim.runUntil(() -> s.queuedDatagrams() > 0, Clock.seconds(5));
            if (!got) {
                say(from.name() + ": ping " + Ipv4Address.toString(to) + " seq " + seq + ": no reply");
                continue;
            }
            int n = s.recvFrom(reply, 0, reply.length, 0, meta);
            say(String.format("%s: %d bytes from %s: icmp_seq=%d time=%.3f ms", from.name(), n,
                    Ipv4Address.toString(meta.sourceAddress), Bytes.u16(reply, 6), (clock.nanos() - sent) / 1e6));
            sim.runFor(Clock.seconds(1) - (clock.nanos() - sent));
        }
        s.close();
    }

    private void udpEcho() {
        UdpSocket echo = green.openUdp();
        check(echo.bind(new InetEndpoint(Ipv4Address.ANY, 7)), "green: bind udp/7");
        UdpSocket client = blue.openUdp();
        byte[] msg = "hello from blue".getBytes(StandardCharsets.US_ASCII);
        check(client.sendTo(msg, 0, msg.length, 0, new InetEndpoint(greenIp, 7)), "blue: udp send");
        String back = exchange(client, echo);
        say("blue: udp echo from green:7 answered \"" + back + "\" to local port " + client.localEndpoint().port());
        client.close();
        echo.close();
    }

    private void udpOverLossyLink() {
        greenWire.transmit().lossRate(0.2);
        greenWire.receive().lossRate(0.2);
        say("green's wire now drops 20% of frames each way");
        UdpSocket echo = green.openUdp();
        check(echo.bind(new InetEndpoint(Ipv4Address.ANY, 7)), "green: bind udp/7");
        UdpSocket client = blue.openUdp();
        check(client.connect(new InetEndpoint(greenIp, 7)), "blue: connect udp");
        int requests = 20;
        int tries = 0;
        byte[] buf = new byte[64];
        for (int i = 0; i < requests; i++) {
            byte[] msg = ("request " + i).getBytes(StandardCharsets.US_ASCII);
            boolean answered = false;
            while (!answered) {
                tries++;
                check(client.send(msg, 0, msg.length, 0), "blue: udp send");
                long deadline = clock.nanos() + Clock.millis(100);
                sim.runUntil(() -> pumpEcho(echo) && client.queuedDatagrams() > 0
                        || clock.nanos() >= deadline, Clock.millis(100));
                while (client.queuedDatagrams() > 0) {
                    int n = client.recv(buf, 0, buf.length, 0);
                    answered |= new String(buf, 0, n, StandardCharsets.US_ASCII).equals("request " + i);
                }
            }
        }
        say("blue: " + requests + " requests answered over the lossy link after " + tries
                + " sends (" + (tries - requests) + " retries, 100 ms timeout each)");
        greenWire.transmit().lossRate(0);
        greenWire.receive().lossRate(0);
        client.close();
        echo.close();
    }

    private void closedPort() {
        UdpSocket client = blue.openUdp();
        check(client.connect(new InetEndpoint(greenIp, 9999)), "blue: connect udp");
        byte[] msg = {1, 2, 3};
        check(client.send(msg, 0, msg.length, 0), "blue: udp send");
        sim.runFor(Clock.millis(10));
        int r = client.send(msg, 0, msg.length, 0);
        say("blue: green:9999 has no socket; green answered ICMP port unreachable, so blue's next send returns "
                + (r < 0 ? Errno.name(r) : Integer.toString(r)) + " (as Linux does for a connected UDP socket)");
        client.close();
    }

    private void summary() {
        for (NetStack s : new NetStack[] {blue, green}) {
            StackCounters.Snapshot c = s.counters().snapshot();
            StringBuilder sb = new StringBuilder(s.name()).append(" counters:");
            for (StackCounter k : new StackCounter[] {StackCounter.ETH_IN_FRAMES, StackCounter.ETH_OUT_FRAMES,
                    StackCounter.ARP_OUT_REQUESTS, StackCounter.ARP_IN_REPLIES, StackCounter.ICMP_IN_ECHOS,
                    StackCounter.ICMP_OUT_ECHO_REPS, StackCounter.UDP_IN_DATAGRAMS, StackCounter.UDP_OUT_DATAGRAMS,
                    StackCounter.UDP_NO_PORTS}) {
                sb.append(' ').append(k.name().toLowerCase()).append('=').append(c.get(k));
            }
            for (Map.Entry<DropReason, Long> e : c.drops().entrySet()) {
                if (e.getValue() > 0) {
                    sb.append(" drop.").append(e.getKey().name().toLowerCase()).append('=').append(e.getValue());
                }
            }
            say(sb.toString());
        }
    }

    /** Echoes whatever green's echo socket holds; returns true so it can sit in a condition. */
    private boolean pumpEcho(UdpSocket echo) {
        byte[] buf = new byte[2048];
        RecvMeta meta = new RecvMeta();
        while (echo.queuedDatagrams() > 0) {
            int n = echo.recvFrom(buf, 0, buf.length, 0, meta);
            echo.sendTo(buf, 0, n, 0, meta.source());
        }
        return true;
    }

    private String exchange(UdpSocket client, UdpSocket echo) {
        BooleanSupplier answered = () -> pumpEcho(echo) && client.queuedDatagrams() > 0;
        if (!sim.runUntil(answered, Clock.seconds(5))) {
            throw new IllegalStateException("the UDP echo was not answered");
        }
        byte[] buf = new byte[2048];
        int n = client.recv(buf, 0, buf.length, 0);
        return new String(buf, 0, n, StandardCharsets.US_ASCII);
    }

    private void say(String line) {
        System.out.printf("[t=%9.3f ms] %s%n", clock.nanos() / 1e6, line);
    }

    private static void check(int result, String what) {
        if (result < 0) {
            throw new IllegalStateException(what + " failed: " + Errno.name(result));
        }
    }
}
