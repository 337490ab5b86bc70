package org.alpenstack.link.afpacket;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Skips a test, saying why, when the process may not create namespaces, veths, TAPs or raw sockets. */
final class Privileges {
    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_NET_RAW = 13;
    private static final int CAP_SYS_ADMIN = 21;

    private Privileges() {
    }

    /** Effective capability bits from /proc/self/status, or 0 if unreadable. */
    static long effectiveCapabilities() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return Long.parseUnsignedLong(line.substring(7).trim(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    static boolean has(int cap) {
        return (effectiveCapabilities() & (1L << cap)) != 0;
    }

    /** For tests with network namespaces, veth pairs, AF_PACKET sockets and TAP devices. */
    static void assumeNetworkTestsCanRun() {
        assumeTrue(has(CAP_NET_ADMIN), "needs CAP_NET_ADMIN (run the tests as root) to create veth pairs and TAP devices");
        assumeTrue(has(CAP_NET_RAW), "needs CAP_NET_RAW (run the tests as root) to open AF_PACKET sockets");
        assumeTrue(has(CAP_SYS_ADMIN), "needs CAP_SYS_ADMIN (run the tests as root) to create and enter network namespaces");
        assumeTrue(Sh.onPath("ip"), "needs the `ip` tool (iproute2)");
        assumeTrue(Sh.run("ip", "netns", "list").ok(), "`ip netns` does not work here: " + Sh.run("ip", "netns", "list").output());
    }
}
