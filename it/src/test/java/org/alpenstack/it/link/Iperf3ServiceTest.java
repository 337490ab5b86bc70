package org.alpenstack.it.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.alpenstack.tenant.Tenant;
import org.alpenstack.tenant.TenantManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Debian's iperf3 client in namespace {@code peer} against the instance's in-process iperf3
 * service over a veth pair: both directions, parallel streams, byte limits; UDP is refused with
 * iperf3's own error. The client's JSON (-J) must add up: for a normal test its "receiver"
 * figures are what the service reported.
 */
class Iperf3ServiceTest {
    static final String PERF = "192.0.2.41";

    static TenantsOnLab tenants;
    static Lab lab;
    static TenantManager manager;

    @BeforeAll
    static void start() throws Exception {
        Lab.assumeRoot();
        org.junit.jupiter.api.Assumptions.assumeTrue(Sh.onPath("iperf3"), "iperf3 is needed (bin/install-deps installs it)");
        tenants = TenantsOnLab.start("ip3", """
                [ { "name": "perf", "link": "lan", "addresses": ["%s/24"], "services": ["iperf3"] } ]
                """.formatted(PERF));
        lab = tenants.lab;
        manager = tenants.manager;
    }

    @AfterAll
    static void stop() throws Exception {
        if (tenants != null) {
            tenants.close();
        }
    }

    /** Runs {@code iperf3 -c PERF -J args...} in the peer; its JSON ("error" on failure). */
    static JsonObject iperf3(String... args) {
        String[] cmd = new String[4 + args.length];
        cmd[0] = "iperf3";
        cmd[1] = "-c";
        cmd[2] = PERF;
        cmd[3] = "-J";
        System.arraycopy(args, 0, cmd, 4, args.length);
        Sh.Result r = lab.inPeer(60, cmd);
        String out = r.output();
        int from = out.indexOf('{');
        int to = out.lastIndexOf('}');
        assertTrue(from >= 0 && to > from, "no JSON from iperf3: " + out);
        JsonObject j = new JsonObject(out.substring(from, to + 1));
        // With -J, 3.12 exits 0 after most errors too (iperf_client_api.c cleanup_and_fail).
        assertTrue(r.exit() == 0 || j.containsKey("error"), "iperf3 failed without saying why: " + out);
        return j;
    }

    static JsonObject sum(JsonObject j, String which) {
        assertTrue(!j.containsKey("error"), () -> "iperf3: " + j.getString("error"));
        return j.getJsonObject("end").getJsonObject(which);
    }

    static long bytes(JsonObject j, String which) {
        return sum(j, which).getLong("bytes");
    }

    /** Sent and received add up, and the rate is that of a link, not of a trickle. */
    static void assertPlausible(JsonObject j) {
        long sent = bytes(j, "sum_sent");
        long received = bytes(j, "sum_received");
        double bps = sum(j, "sum_received").getDouble("bits_per_second");
        assertTrue(received > 0 && received <= sent, "received " + received + " of " + sent + " bytes");
        assertTrue(bps > 100e6, "a veth carries more than 100 Mbit/s even on a loaded machine: " + bps);
        System.out.printf("iperf3 %s: %.2f Gbit/s%n", j.getJsonObject("start").getJsonObject("test_start").encode(), bps / 1e9);
    }

    static String describe() throws Exception {
        Tenant t = manager.tenant("perf");
        return t.instance().query(s -> t.services().get(0).describe()).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void normalTestTheInstanceReceives() {
        JsonObject j = iperf3("-t", "1");
        assertPlausible(j);
        // The client's "receiver" bytes are the service's (iperf_api.c get_results); only what
        // was still in flight at TEST_END may be missing.
        assertTrue(bytes(j, "sum_received") > bytes(j, "sum_sent") * 0.9, j.getJsonObject("end").encode());
    }

    @Test
    void reverseTestTheInstanceSends() {
        JsonObject j = iperf3("-t", "1", "-R");
        assertPlausible(j);
        assertTrue(sum(j, "sum_sent").getInteger("retransmits") >= 0, "the service counts its retransmissions");
    }

    @Test
    void twoParallelStreams() {
        JsonObject j = iperf3("-t", "1", "-P", "2");
        assertPlausible(j);
        assertEquals(2, j.getJsonObject("end").getJsonArray("streams").size());
        for (int i = 0; i < 2; i++) {
            long b = j.getJsonObject("end").getJsonArray("streams").getJsonObject(i).getJsonObject("receiver").getLong("bytes");
            assertTrue(b > 0, "stream " + i + " received " + b);
        }
    }

    @Test
    void byteLimitsBothWays() {
        long n = 30_000_000;
        int block = 128 * 1024;
        long wholeBlocks = (n + block - 1) / block * block;
        JsonObject up = iperf3("-n", String.valueOf(n));
        assertEquals(wholeBlocks, bytes(up, "sum_sent"), "the client sends whole blocks until at least -n");
        assertTrue(bytes(up, "sum_received") > n / 2, up.getJsonObject("end").encode());
        assertPlausible(up);
        JsonObject down = iperf3("-n", String.valueOf(n), "-R");
        assertEquals(wholeBlocks, bytes(down, "sum_sent"), "the service sends whole blocks until at least -n, no more");
        assertTrue(bytes(down, "sum_received") >= n, "the client stops once it has -n: " + down.getJsonObject("end").encode());
        assertPlausible(down);
    }

    @Test
    void udpIsRefusedWithAClearError() {
        JsonObject j = iperf3("-u", "-t", "1");
        assertEquals("unable to start stream listener: Protocol not supported", j.getString("error"));
        Sh.Result plain = lab.inPeer(30, "iperf3", "-c", PERF, "-u", "-t", "1");
        assertNotEquals(0, plain.exit(), plain.output());
        assertTrue(plain.output().contains("iperf3: error - unable to start stream listener: Protocol not supported"), plain.output());
        // and the service goes on serving
        assertPlausible(iperf3("-t", "1", "-P", "2", "-R"));
    }

    @Test
    void aSecondClientIsToldTheServerIsBusy() throws Exception {
        Thread first = new Thread(() -> iperf3("-t", "3"));
        first.start();
        // Until the first client's test runs (its describe() says so), on a loaded machine too.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!describe().contains("state running") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Sh.Result busy = lab.inPeer(30, "iperf3", "-c", PERF, "-t", "1");
        first.join(30_000);
        assertNotEquals(0, busy.exit());
        assertTrue(busy.output().contains("the server is busy running a test"), busy.output());
        assertTrue(describe().contains("denied 1"), describe());
    }
}
