package org.alpenstack.it.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.alpenstack.it.link.Sh;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * iperf3 as a server in a tenant (through the shim), a Linux iperf3 client in a namespace: TCP
 * and UDP, each both ways (-R: the server in the tenant sends). Each run is short (2 s); the
 * rates are printed, not asserted (the machine is shared), beyond data having arrived.
 */
class Iperf3ServerShimTest {
    static TenantPeerLab t;
    static final AtomicInteger PORT = new AtomicInteger(5301);

    @BeforeAll
    static void start() throws Exception {
        TenantPeerLab.assume("iperf3");
        t = TenantPeerLab.start("iperfsrv");
    }

    @AfterAll
    static void stop() throws Exception {
        if (t != null) {
            t.close();
        }
    }

    /** One test against a one-off server in the tenant (-1: it exits after one client). */
    static String run(String... clientArgs) throws Exception {
        int port = PORT.getAndIncrement();
        Process server = t.spawn("iperf3-" + port + ".out",
                t.inTenant("iperf3", "-s", "-1", "-B", t.tenantIp, "-p", Integer.toString(port)));
        List<String> client = new java.util.ArrayList<>(List.of("iperf3", "-c", t.tenantIp, "-p", Integer.toString(port),
                "-t", "2", "-J"));
        client.addAll(List.of(clientArgs));
        Sh.Result r = null;
        for (int i = 0; i < 40; i++) {
            r = TenantPeerLab.run(30, t.inLinux(client.toArray(new String[0])));
            // Refused until the server in the tenant listens; -J reports that as {"error": ...}.
            if (r.exit() == 0 && !r.output().contains("\"error\":")) {
                break;
            }
            Thread.sleep(250);
        }
        assertEquals(0, r.exit(), r.output() + "\n" + t.log("iperf3-" + port + ".out"));
        assertTrue(!r.output().contains("\"error\":"), r.output());
        assertTrue(server.waitFor(10, TimeUnit.SECONDS), "the one-off server did not exit: " + t.log("iperf3-" + port + ".out"));
        assertEquals(0, server.exitValue(), t.log("iperf3-" + port + ".out"));
        return r.output();
    }

    static double number(String json, String section, String field) {
        int at = json.lastIndexOf("\"" + section + "\"");
        assertTrue(at >= 0, json);
        Matcher m = Pattern.compile("\"" + field + "\":\\s*([0-9.e+-]+)").matcher(json);
        assertTrue(m.find(at), json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void tcpLinuxToTheTenant() throws Exception {
        String j = run();
        double bytes = number(j, "sum_received", "bytes");
        System.out.printf("iperf3 TCP, Linux client -> server in the tenant: %.0f Mbit/s%n", number(j, "sum_received", "bits_per_second") / 1e6);
        assertTrue(bytes > 0, j);
    }

    @Test
    void tcpTheTenantToLinux() throws Exception {
        String j = run("-R");
        System.out.printf("iperf3 TCP -R, server in the tenant -> Linux client: %.0f Mbit/s%n", number(j, "sum_received", "bits_per_second") / 1e6);
        assertTrue(number(j, "sum_received", "bytes") > 0, j);
    }

    @Test
    void udpLinuxToTheTenant() throws Exception {
        // Every datagram is one RPC through the endpoint: a modest rate keeps the run about delivery.
        String j = run("-u", "-b", "10M");
        double packets = number(j, "sum", "packets");
        double lost = number(j, "sum", "lost_packets");
        System.out.printf("iperf3 UDP 10 Mbit/s, Linux -> the tenant: %.0f datagrams, %.0f lost%n", packets, lost);
        assertTrue(packets > 0 && lost < packets, j);
    }

    @Test
    void udpTheTenantToLinux() throws Exception {
        String j = run("-u", "-b", "10M", "-R");
        double packets = number(j, "sum", "packets");
        double lost = number(j, "sum", "lost_packets");
        System.out.printf("iperf3 UDP 10 Mbit/s -R, the tenant -> Linux: %.0f datagrams, %.0f lost%n", packets, lost);
        assertTrue(packets > 0 && lost < packets, j);
    }
}
