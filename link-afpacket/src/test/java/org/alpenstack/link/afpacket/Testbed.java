package org.alpenstack.link.afpacket;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two network namespaces joined by a veth pair, with names unique to this JVM and test:
 * {@code local} holds the end the port under test opens (inside the namespace, through
 * {@link NetNamespace}), {@code peer} holds a Linux host at {@link #PEER_IP}/24. Everything is
 * removed by {@link #close()}, and by a shutdown hook if a test never got there. The addresses are
 * from TEST-NET-1 (RFC 5737) and exist only inside these namespaces.
 */
final class Testbed implements AutoCloseable {
    static final String PEER_IP = "192.0.2.1";
    static final String LOCAL_IP = "192.0.2.2";

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (String ns : LIVE) {
                Sh.run("ip", "netns", "del", ns);
            }
        }));
    }

    final String local;
    final String peer;
    final String localDev;
    final String peerDev;
    private final List<String> namespaces = new ArrayList<>();

    private Testbed() {
        long pid = ProcessHandle.current().pid() % 100000;
        int n = COUNTER.incrementAndGet();
        String id = pid + "x" + n;
        this.local = "alp-afp-" + id + "-l";
        this.peer = "alp-afp-" + id + "-p";
        this.localDev = "afl" + id; // at most 3 + 5 + 1 + 3 = 12 characters
        this.peerDev = "afp" + id;
    }

    /** A namespace with nothing in it but loopback, for a TAP device. */
    static String namespace(String tag) {
        long pid = ProcessHandle.current().pid() % 100000;
        String ns = "alp-afp-" + pid + "x" + COUNTER.incrementAndGet() + "-" + tag;
        LIVE.add(ns);
        Sh.ok("ip", "netns", "add", ns);
        Sh.ok("ip", "-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    static void deleteNamespace(String ns) {
        Sh.run("ip", "netns", "del", ns);
        LIVE.remove(ns);
    }

    static String uniqueDeviceName(String prefix) {
        return prefix + (ProcessHandle.current().pid() % 100000) + "x" + COUNTER.incrementAndGet();
    }

    static Testbed create() {
        Testbed t = new Testbed();
        try {
            for (String ns : new String[] {t.local, t.peer}) {
                LIVE.add(ns);
                t.namespaces.add(ns);
                Sh.ok("ip", "netns", "add", ns);
                Sh.ok("ip", "-n", ns, "link", "set", "lo", "up");
                // No IPv6 autoconfiguration chatter (router solicitations, MLD) on the link.
                Sh.run("ip", "netns", "exec", ns, "sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6");
            }
            Sh.ok("ip", "link", "add", t.localDev, "netns", t.local, "type", "veth", "peer", "name", t.peerDev, "netns", t.peer);
            Sh.ok("ip", "-n", t.peer, "addr", "add", PEER_IP + "/24", "dev", t.peerDev);
            Sh.ok("ip", "-n", t.local, "link", "set", t.localDev, "up");
            Sh.ok("ip", "-n", t.peer, "link", "set", t.peerDev, "up");
            return t;
        } catch (RuntimeException | Error e) {
            t.close();
            throw e;
        }
    }

    /** Runs a command inside the peer namespace. */
    Sh.Result inPeer(String... cmd) {
        return Sh.run(peerCommand(cmd));
    }

    String[] peerCommand(String... cmd) {
        String[] full = new String[cmd.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = peer;
        System.arraycopy(cmd, 0, full, 4, cmd.length);
        return full;
    }

    String peerMac() {
        return NetNamespace.call(peer, () -> NetDevice.macOf(peerDev).toString());
    }

    @Override
    public void close() {
        for (String ns : namespaces) {
            deleteNamespace(ns);
        }
    }
}
