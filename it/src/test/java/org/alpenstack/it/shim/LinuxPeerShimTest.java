package org.alpenstack.it.shim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.alpenstack.it.link.Lab;
import org.alpenstack.it.link.Sh;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.shim.ResolverConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Unmodified programs attached to a tenant (through alpenstack-run, sandboxed) talking to
 * Linux programs in a network namespace this test creates, over a TAP link: the tenant's
 * bytes cross the Alpenstack TCP/IP stack and a real Linux kernel. A second tenant on the same
 * link serves the first.
 */
class LinuxPeerShimTest {
    static TenantWithLinuxPeer t;
    static TenantWithLinuxPeer.Member other;
    static String linuxIp;
    static String tenantIp;
    static Path dir;
    static byte[] blob;
    static int spawned;

    @BeforeAll
    static void start() throws Exception {
        t = TenantWithLinuxPeer.start("shimblue");
        other = t.addTenant("shimgreen");
        linuxIp = t.linuxIp;
        tenantIp = t.tenantIp;
        dir = t.dir;
        blob = new byte[2 << 20];
        new Random().nextBytes(blob);
        Files.createDirectories(dir.resolve("www"));
        Files.write(dir.resolve("www/blob"), blob);
    }

    @AfterAll
    static void stop() throws Exception {
        if (t != null) {
            t.close();
        }
    }

    static List<String> inTenant(String... cmd) {
        return t.inTenant(cmd);
    }

    static List<String> inLinux(String... cmd) {
        return t.inLinux(cmd);
    }

    /** A server in the background until the class ends. */
    static void spawn(List<String> cmd) throws Exception {
        t.spawn("bg" + spawned++, cmd);
    }

    /** Runs a client until it succeeds (its server may still be starting). */
    static Sh.Result retry(List<String> cmd) throws Exception {
        return TenantWithLinuxPeer.retry(30, cmd, Iperf3Json::connected);
    }

    @Test
    void curlInTheTenantFetchesFromLinux() throws Exception {
        spawn(inLinux("python3", "-m", "http.server", "--bind", linuxIp, "--directory", dir.resolve("www").toString(), "8080"));
        Path out = dir.resolve("from-linux");
        Sh.Result r = retry(inTenant("curl", "-sS", "-o", out.toString(), "http://" + linuxIp + ":8080/blob"));
        assertEquals(0, r.exit(), r.output());
        assertArrayEquals(blob, Files.readAllBytes(out));
    }

    @Test
    void linuxCurlFetchesFromPythonInTheTenant() throws Exception {
        spawn(inTenant("python3", "-m", "http.server", "--bind", tenantIp, "--directory", dir.resolve("www").toString(), "8081"));
        Path out = dir.resolve("from-tenant");
        Sh.Result r = retry(inLinux("curl", "-sS", "-o", out.toString(), "http://" + tenantIp + ":8081/blob"));
        assertEquals(0, r.exit(), r.output());
        assertArrayEquals(blob, Files.readAllBytes(out));
    }

    /** A Linux-side HTTP server that answers a POST with the SHA-256 of its body. */
    private static final String POST_SERVER = String.join("\n",
            "import hashlib, http.server, sys",
            "class H(http.server.BaseHTTPRequestHandler):",
            "    def do_POST(self):",
            "        body = self.rfile.read(int(self.headers['Content-Length']))",
            "        answer = hashlib.sha256(body).hexdigest().encode()",
            "        self.send_response(200)",
            "        self.send_header('Content-Length', str(len(answer)))",
            "        self.end_headers()",
            "        self.wfile.write(answer)",
            "http.server.HTTPServer((sys.argv[1], int(sys.argv[2])), H).serve_forever()");

    @Test
    void curlPostsToLinuxAndToAnotherTenantAndWgetFetchesFromLinux() throws Exception {
        Path server = dir.resolve("post_server.py");
        Files.writeString(server, POST_SERVER);
        spawn(inLinux("python3", server.toString(), linuxIp, "8086"));
        spawn(other.run("python3", server.toString(), other.ip, "8087"));
        String blobSha = TenantWithLinuxPeer.sha256(blob);
        for (String target : List.of(linuxIp + ":8086", other.ip + ":8087")) {
            Sh.Result r = retry(inTenant("curl", "-sS", "--data-binary", "@" + dir.resolve("www/blob"),
                    "http://" + target + "/upload"));
            assertEquals(0, r.exit(), r.output());
            assertEquals(blobSha, r.output().trim(), "POST to " + target);
        }
        spawn(inLinux("python3", "-m", "http.server", "--bind", linuxIp, "--directory", dir.resolve("www").toString(), "8088"));
        Path out = dir.resolve("wget-from-linux");
        Sh.Result r = retry(inTenant("wget", "-q", "-O", out.toString(), "http://" + linuxIp + ":8088/blob"));
        assertEquals(0, r.exit(), r.output());
        assertArrayEquals(blob, Files.readAllBytes(out));
    }

    @Test
    void socatEchoInLinuxWithHalfClosingNcatInTheTenant() throws Exception {
        spawn(inLinux("socat", "TCP-LISTEN:9000,bind=" + linuxIp + ",fork,reuseaddr", "EXEC:cat"));
        Path in = dir.resolve("www/blob");
        Sh.Result r = retry(List.of("bash", "-c", String.join(" ", inTenant("ncat", linuxIp, "9000")) + " < " + in
                + " | cmp - " + in + " && echo same"));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("same"), r.output());
    }

    /** iperf3 -J: the received rate of the whole test, in bits per second. */
    static double iperfRate(String json) {
        return Iperf3Json.number(json, "sum_received", "bits_per_second");
    }

    /** The baseline: iperf3 between two namespaces of the test's own over a veth pair. */
    static double kernelToKernelRate() throws Exception {
        String a = Lab.namespace("shimka");
        String b = Lab.namespace("shimkb");
        try {
            Sh.ok("ip", "link", "add", "va", "netns", a, "type", "veth", "peer", "name", "vb", "netns", b);
            Sh.ok("ip", "-n", a, "addr", "add", "10.232.0.1/24", "dev", "va");
            Sh.ok("ip", "-n", b, "addr", "add", "10.232.0.2/24", "dev", "vb");
            Sh.ok("ip", "-n", a, "link", "set", "va", "up");
            Sh.ok("ip", "-n", b, "link", "set", "vb", "up");
            t.spawn("kernel-iperf3", List.of("ip", "netns", "exec", a, "iperf3", "-s", "-1", "-B", "10.232.0.1"));
            Sh.Result r = retry(List.of("ip", "netns", "exec", b, "iperf3", "-c", "10.232.0.1", "-t", "3", "-J"));
            assertEquals(0, r.exit(), r.output());
            return iperfRate(r.output());
        } finally {
            Lab.deleteNamespace(a);
            Lab.deleteNamespace(b);
        }
    }

    @Test
    void iperf3ThroughTheShimBothWays() throws Exception {
        // A one-off server per run, each on its own port: a persistent server answers "busy"
        // for a while after each test.
        spawn(inLinux("iperf3", "-s", "-1", "-B", linuxIp, "-p", "5201"));
        Sh.Result up = retry(inTenant("iperf3", "-c", linuxIp, "-p", "5201", "-t", "3", "-J"));
        assertEquals(0, up.exit(), up.output());
        spawn(inLinux("iperf3", "-s", "-1", "-B", linuxIp, "-p", "5202"));
        Sh.Result down = retry(inTenant("iperf3", "-c", linuxIp, "-p", "5202", "-t", "3", "-R", "-J"));
        assertEquals(0, down.exit(), down.output());
        double upRate = iperfRate(up.output());
        double downRate = iperfRate(down.output());
        double kernel = kernelToKernelRate();
        System.out.printf("iperf3 through the shim over TAP: tenant->linux %.0f Mbit/s, linux->tenant %.0f Mbit/s;"
                        + " kernel->kernel over a veth %.0f Mbit/s; ratios %.3f / %.3f%n",
                upRate / 1e6, downRate / 1e6, kernel / 1e6, upRate / kernel, downRate / kernel);
        assertTrue(upRate > 0 && downRate > 0);
    }

    @Test
    void curlInTheSandboxResolvesANameWithADnsServerInTheLinuxPeer() throws Exception {
        spawn(inLinux("python3", "-m", "http.server", "--bind", linuxIp, "--directory", dir.resolve("www").toString(), "8082"));
        // Debian's dnsmasq as the peer's DNS server: every name under peer.test is the peer.
        spawn(inLinux("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
                "--bind-interfaces", "--listen-address=" + linuxIp, "--port=53", "--user=root",
                "--pid-file=" + dir.resolve("dnsmasq.pid"), "--address=/peer.test/" + linuxIp));
        t.endpoint().setResolver(new ResolverConfig(List.of(Ipv4Address.parse(linuxIp)), Map.of()));
        try {
            Path out = dir.resolve("by-name");
            Sh.Result r = retry(inTenant("curl", "-sS", "-o", out.toString(), "http://web.peer.test:8082/blob"));
            assertEquals(0, r.exit(), r.output());
            assertArrayEquals(blob, Files.readAllBytes(out));
        } finally {
            t.endpoint().setResolver(ResolverConfig.NONE);
        }
    }

    @Test
    void curlInOneTenantFetchesFromPythonInAnotherTenant() throws Exception {
        spawn(other.run("python3", "-m", "http.server", "--bind", other.ip, "--directory",
                dir.resolve("www").toString(), "8083"));
        Path out = dir.resolve("tenant-to-tenant");
        Sh.Result r = retry(inTenant("curl", "-sS", "-o", out.toString(), "http://" + other.ip + ":8083/blob"));
        assertEquals(0, r.exit(), r.output());
        assertArrayEquals(blob, Files.readAllBytes(out));
    }

    @Test
    void linuxNcatHalfClosesIntoAForkingSocatEchoInTheTenant() throws Exception {
        // socat forks per connection and execs cat on the accepted stack socket: fork after
        // accept and exec inheritance, by a real program.
        spawn(inTenant("socat", "TCP-LISTEN:9001,bind=" + tenantIp + ",fork,reuseaddr", "EXEC:cat"));
        Path in = dir.resolve("www/blob");
        // The echo takes one to three seconds here under load. One attempt in about 13 CI runs
        // hung until the old 30 s limit; about 2,400 transfers in loops (some 2 or 3 at once,
        // some with 2-3% loss injected both ways) and 35 runs of this test did not hang again.
        // So an attempt over 15 s is tried once more, with both ends' TCP state and the
        // endpoint's pump state printed under a HUNG banner and kept in it/target/hung-attempts;
        // a second hang fails with them.
        Sh.Result r = t.retryWatched(30, 15, List.of("bash", "-c", String.join(" ", inLinux("ncat", tenantIp, "9001"))
                + " < " + in + " | cmp - " + in + " && echo same"));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("same"), r.output());
    }

    @Test
    void socatUdpFromTheTenantToALinuxEcho() throws Exception {
        spawn(inLinux("socat", "UDP-RECVFROM:9002,bind=" + linuxIp + ",fork", "EXEC:cat"));
        Sh.Result r = retry(List.of("bash", "-c", "printf 'over udp' | " + String.join(" ",
                inTenant("socat", "-t", "2", "-", "UDP:" + linuxIp + ":9002"))));
        assertEquals(0, r.exit(), r.output());
        assertEquals("over udp", r.output());
    }

    @Test
    void bashDevTcpFromTheTenantToLinux() throws Exception {
        spawn(inLinux("python3", "-m", "http.server", "--bind", linuxIp, "--directory", dir.resolve("www").toString(), "8084"));
        Sh.Result r = retry(inTenant("bash", "-c", "set -o pipefail; exec 3<>/dev/tcp/" + linuxIp + "/8084 || exit 1; "
                + "printf 'GET /blob HTTP/1.0\\r\\n\\r\\n' >&3; cat <&3 | wc -c"));
        assertEquals(0, r.exit(), r.output());
        assertTrue(Long.parseLong(r.output().trim()) > blob.length, r.output());
    }

    @Test
    void stockIfconfigInTheSandboxShowsTheTenantsAddress() throws Exception {
        Sh.Result r = Sh.run(60, inTenant("ifconfig"));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains(tenantIp), r.output());
    }
}
