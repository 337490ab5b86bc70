package org.alpenstack.it.link;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test network: namespace {@code srv} (where the server's AF_PACKET port opens its end) and
 * namespace {@code peer} (a Linux host at {@link #PEER_IP}/24), joined by a veth pair; names are
 * unique per JVM and test. Everything is deleted by {@link #close()}, and by a shutdown hook if
 * a test never got there. Addresses are TEST-NET-1 (RFC 5737) and exist only in these namespaces.
 *
 * <p>Offloads stay on: the veth peer hands the server partial checksums and TSO super-frames,
 * and link-afpacket finishes them (PACKET_VNET_HDR), which is the case a container's veth
 * presents in production.
 */
public final class Lab implements AutoCloseable {
    public static final String PEER_IP = "192.0.2.1";

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (String ns : LIVE) {
                Sh.run("ip", "netns", "del", ns);
            }
        }));
    }

    public final String srv;
    public final String peer;
    public final String srvDev;
    public final String peerDev;
    private final List<String> namespaces = new ArrayList<>();
    private Path tool;

    private Lab(String tag) {
        String id = (ProcessHandle.current().pid() % 100000) + "x" + COUNTER.incrementAndGet();
        srv = "alp-it-" + tag + id + "-srv";
        peer = "alp-it-" + tag + id + "-peer";
        srvDev = "its" + id;
        peerDev = "itp" + id;
    }

    /** Skips the calling test with a clear message unless it runs as root. */
    public static void assumeRoot() {
        assumeTrue("root".equals(System.getProperty("user.name")) || Sh.run("id", "-u").output().trim().equals("0"),
                "link tests need root (network namespaces, veth, AF_PACKET): run as root to include them");
        assumeTrue(Sh.onPath("ip"), "link tests need iproute2 ('ip'): bin/install-deps installs it");
        assumeTrue(Sh.onPath("python3"), "link tests need python3 for the Linux-side clients");
    }

    /** A namespace with only loopback up (for a TAP device), deleted with {@link #deleteNamespace}. */
    public static String namespace(String tag) {
        String ns = "alp-it-" + tag + (ProcessHandle.current().pid() % 100000) + "x" + COUNTER.incrementAndGet();
        LIVE.add(ns);
        Sh.ok("ip", "netns", "add", ns);
        Sh.ok("ip", "-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    public static void deleteNamespace(String ns) {
        Sh.run("ip", "netns", "del", ns);
        LIVE.remove(ns);
    }

    public static Lab create(String tag) {
        Lab t = new Lab(tag);
        try {
            for (String ns : new String[] {t.srv, t.peer}) {
                LIVE.add(ns);
                t.namespaces.add(ns);
                Sh.ok("ip", "netns", "add", ns);
                Sh.ok("ip", "-n", ns, "link", "set", "lo", "up");
                // No IPv6 autoconfiguration chatter on the link.
                Sh.run("ip", "netns", "exec", ns, "sh", "-c",
                        "echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6");
            }
            Sh.ok("ip", "link", "add", t.srvDev, "netns", t.srv, "type", "veth", "peer", "name", t.peerDev, "netns", t.peer);
            Sh.ok("ip", "-n", t.peer, "addr", "add", PEER_IP + "/24", "dev", t.peerDev);
            Sh.ok("ip", "-n", t.srv, "link", "set", t.srvDev, "up");
            Sh.ok("ip", "-n", t.peer, "link", "set", t.peerDev, "up");
            return t;
        } catch (RuntimeException | Error e) {
            t.close();
            throw e;
        }
    }

    public Sh.Result inPeer(String... cmd) {
        return inPeer(120, cmd);
    }

    public Sh.Result inPeer(int timeoutSeconds, String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", peer));
        full.addAll(List.of(cmd));
        return Sh.run(timeoutSeconds, full.toArray(new String[0]));
    }

    public Sh.Result inSrv(String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", srv));
        full.addAll(List.of(cmd));
        return Sh.run(full.toArray(new String[0]));
    }

    /** Runs peer_tool.py (the Linux-side clients) in the peer namespace. */
    public Sh.Result peerTool(int timeoutSeconds, String... args) {
        List<String> full = new ArrayList<>(List.of("python3", tool().toString()));
        full.addAll(List.of(args));
        return inPeer(timeoutSeconds, full.toArray(new String[0]));
    }

    public synchronized Path tool() {
        if (tool == null) {
            tool = extractTool();
        }
        return tool;
    }

    public static Path extractTool() {
        try (InputStream in = Lab.class.getResourceAsStream("peer_tool.py")) {
            Path p = Files.createTempFile("alp-peer-tool", ".py");
            Files.write(p, in.readAllBytes());
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A kernel counter of namespace {@code ns} from /proc/net/snmp, e.g. ("Tcp", "OutRsts"). */
    public static long snmp(String ns, String proto, String name) {
        String out = Sh.ok("ip", "netns", "exec", ns, "cat", "/proc/net/snmp").output();
        String[] header = null;
        for (String line : out.split("\n")) {
            if (!line.startsWith(proto + ":")) {
                continue;
            }
            String[] f = line.substring(proto.length() + 1).trim().split("\\s+");
            if (header == null) {
                header = f;
            } else {
                for (int i = 0; i < header.length; i++) {
                    if (header[i].equals(name)) {
                        return Long.parseLong(f[i]);
                    }
                }
            }
        }
        throw new IllegalArgumentException("no counter " + proto + ":" + name);
    }

    @Override
    public void close() {
        for (String ns : namespaces) {
            deleteNamespace(ns);
        }
    }
}
