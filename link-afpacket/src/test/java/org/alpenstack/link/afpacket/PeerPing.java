package org.alpenstack.link.afpacket;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * ICMP echo from the Linux kernel of a test namespace to an address, in the background. Uses the
 * system's {@code ping} (iputils-ping, installed by bin/install-deps) when present; otherwise the
 * JDK's {@link InetAddress#isReachable}, which as root sends real ICMP echo requests from a raw
 * socket created inside the namespace and waits for the matching echo reply. Either way the
 * kernel of the namespace resolves the address with ARP first and must accept our replies.
 */
final class PeerPing {
    final CompletableFuture<String> result;
    final int count;

    private PeerPing(CompletableFuture<String> result, int count) {
        this.result = result;
        this.count = count;
    }

    /** Starts {@code count} echo requests from namespace {@code ns} to {@code ip}, {@code intervalMillis} apart. */
    static PeerPing start(String ns, String ip, int count, int intervalMillis) {
        return start(ns, ip, count, intervalMillis, 2000);
    }

    /** As above, waiting at most {@code timeoutMillis} for each reply. */
    static PeerPing start(String ns, String ip, int count, int intervalMillis, int timeoutMillis) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(Sh.onPath("ping") ? withTool(ns, ip, count, intervalMillis, timeoutMillis)
                        : withJdk(ns, ip, count, intervalMillis, timeoutMillis));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "ping-" + ns);
        t.setDaemon(true);
        t.start();
        return new PeerPing(f, count);
    }

    private static String withTool(String ns, String ip, int count, int intervalMillis, int timeoutMillis) {
        Sh.Result r = Sh.run("ip", "netns", "exec", ns, "ping", "-n", "-c", String.valueOf(count), "-i",
                String.format("%.1f", Math.max(200, intervalMillis) / 1000.0), "-W",
                String.valueOf(Math.max(1, timeoutMillis / 1000)), ip);
        int received = 0;
        for (String line : r.output().split("\n")) {
            if (line.contains(" received")) {
                String[] parts = line.split(",");
                for (String p : parts) {
                    if (p.trim().endsWith("received")) {
                        received = Integer.parseInt(p.trim().split(" ")[0]);
                    }
                }
            }
        }
        return received + " received (ping)\n" + r.output();
    }

    private static String withJdk(String ns, String ip, int count, int intervalMillis, int timeoutMillis) {
        return NetNamespace.call(ns, () -> {
            InetAddress target = InetAddress.getByName(ip);
            int received = 0;
            for (int i = 0; i < count; i++) {
                long t0 = System.nanoTime();
                if (target.isReachable(timeoutMillis)) {
                    received++;
                }
                long left = intervalMillis - (System.nanoTime() - t0) / 1_000_000;
                if (left > 0 && i + 1 < count) {
                    Thread.sleep(left);
                }
            }
            return received + " received (JDK ICMP echo)";
        });
    }

    boolean isDone() {
        return result.isDone();
    }

    /** How many echo replies came back, waiting for the end. */
    int received() throws Exception {
        String out = result.get(60, TimeUnit.SECONDS);
        return Integer.parseInt(out.substring(0, out.indexOf(' ')));
    }

    String output() {
        return result.getNow("(still running)");
    }
}
