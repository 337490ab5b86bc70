package org.alpenstack.it.shim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.alpenstack.shim.AccessPolicy;
import org.alpenstack.shim.InstanceEndpoint;
import org.alpenstack.shim.ShimLibrary;
import org.alpenstack.shim.TenantEndpoint;
import org.alpenstack.tenant.Tenant;
import org.alpenstack.tenant.TenantManager;
import org.alpenstack.tenant.config.Cidr;
import org.alpenstack.tenant.config.InstanceSpec;
import org.alpenstack.tenant.config.LinkSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Unmodified programs attached to a tenant (through alpenstack-run, sandboxed) talking to
 * Linux programs in a network namespace this test creates, over a TAP link: the tenant's
 * bytes cross the Alpenstack TCP/IP stack and a real Linux kernel.
 */
class LinuxPeerShimTest {
    static String ns;
    static Vertx vertx;
    static TenantManager manager;
    static TenantEndpoint endpoint;
    static Path dir;
    static Path launcher;
    static String linuxIp;
    static String tenantIp;
    static String otherTenantIp;
    static TenantEndpoint otherEndpoint;
    static byte[] blob;
    static final List<Process> background = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces and TAP; skipped");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")), "needs iproute2");
        Random rnd = new Random();
        ns = "alpshim" + Integer.toHexString(rnd.nextInt(1 << 24));
        int subnet = 100 + rnd.nextInt(100);
        linuxIp = "10.231." + subnet + ".1";
        tenantIp = "10.231." + subnet + ".2";
        otherTenantIp = "10.231." + subnet + ".3";
        sh("ip", "netns", "add", ns);
        dir = Files.createTempDirectory("alpenstack-it-shim-");
        blob = new byte[2 << 20];
        rnd.nextBytes(blob);
        Files.createDirectories(dir.resolve("www"));
        Files.write(dir.resolve("www/blob"), blob);

        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        manager = new TenantManager(vertx);
        manager.addLink(new LinkSpec("shimlink", LinkSpec.Type.TAP, "alps%d", Cidr.parse(linuxIp + "/24", 24), ns));
        Tenant t = manager.createInstance(new InstanceSpec("shimblue", "shimlink", null, InstanceSpec.Mode.MAC,
                List.of(Cidr.parse(tenantIp + "/24", 24)), List.of(), 0, List.of(), 0)).await(20, TimeUnit.SECONDS);
        endpoint = InstanceEndpoint.start(t.instance(), dir.resolve("run"), AccessPolicy.serverUserOnly())
                .await(20, TimeUnit.SECONDS);
        Tenant other = manager.createInstance(new InstanceSpec("shimgreen", "shimlink", null, InstanceSpec.Mode.MAC,
                List.of(Cidr.parse(otherTenantIp + "/24", 24)), List.of(), 0, List.of(), 0)).await(20, TimeUnit.SECONDS);
        otherEndpoint = InstanceEndpoint.start(other.instance(), dir.resolve("run"), AccessPolicy.serverUserOnly())
                .await(20, TimeUnit.SECONDS);
        launcher = ShimLibrary.extract(dir.resolve("lib")).resolve(ShimLibrary.LAUNCHER);
    }

    @AfterAll
    static void stop() throws Exception {
        for (Process p : background) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        if (endpoint != null) {
            endpoint.close();
        }
        if (otherEndpoint != null) {
            otherEndpoint.close();
        }
        if (manager != null) {
            manager.shutdown().await(20, TimeUnit.SECONDS);
        }
        if (vertx != null) {
            vertx.close().await(20, TimeUnit.SECONDS);
        }
        if (ns != null) {
            new ProcessBuilder("ip", "netns", "del", ns).start().waitFor();
        }
        if (dir != null) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    record Result(int exit, String out) {
    }

    static Result sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), out);
    }

    /** A program attached to the tenant, sandboxed. */
    static List<String> inTenant(String... cmd) {
        List<String> c = new ArrayList<>(List.of(launcher.toString(), "--endpoint", endpoint.socketPath().toString(), "--"));
        c.addAll(List.of(cmd));
        return c;
    }

    static List<String> inLinux(String... cmd) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(cmd));
        return c;
    }

    static void spawn(List<String> cmd) throws IOException {
        background.add(new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(Files.createTempFile(dir, "bg", ".txt").toFile()).start());
    }

    static Result retry(List<String> cmd) throws Exception {
        Result r = null;
        for (int i = 0; i < 40; i++) {
            r = sh(cmd.toArray(new String[0]));
            // iperf3 -J can exit 0 with {"error": "unable to connect ..."} while its server starts.
            if (r.exit() == 0 && !r.out().contains("\"error\":")) {
                return r;
            }

            Thread.sleep(250);
        }
        return r;
    }

    @Test
    void curlInTheTenantFetchesFromLinux() throws Exception {
        spawn(inLinux("python3", "-m", "http.server", "--bind", linuxIp, "--directory", dir.resolve("www").toString(), "8080"));
        Path out = dir.resolve("from-linux");
        Result r = retry(inTenant("curl", "-sS", "-o", out.toString(), "http://" + linuxIp + ":8080/blob"));
        assertEquals(0, r.exit(), r.out());
        assertArrayEquals(blob, Files.readAllBytes(out));
    }

    @Test
    void linuxCurlFetchesFromPythonInTheTenant() throws Exception {
        spawn(inTenant("python3", "-m", "http.server", "--bind", tenantIp, "--directory", dir.resolve("www").toString(), "8081"));
        Path out = dir.resolve("from-tenant");
        Result r = retry(inLinux("curl", "-sS", "-o", out.toString(), "http://" + tenantIp + ":8081/blob"));
        assertEquals(0, r.exit(), r.out());
        assertArrayEquals(blob, Files.readAllBytes(out));
    }

    @Test
    void socatEchoInLinuxWithHalfClosingNcatInTheTenant() throws Exception {
        spawn(inLinux("socat", "TCP-LISTEN:9000,bind=" + linuxIp + ",fork,reuseaddr", "EXEC:cat"));
        Path in = dir.resolve("www/blob");
        Result r = retry(List.of("bash", "-c", String.join(" ", inTenant("ncat", linuxIp, "9000")) + " < " + in
                + " | cmp - " + in + " && echo same"));
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("same"), r.out());
    }

    /** iperf3 -J: the received rate of the whole test, in bits per second. */
    static double iperfRate(String json) {
        int at = json.lastIndexOf("\"sum_received\"");
        assertTrue(at >= 0, json);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"bits_per_second\":\\s*([0-9.e+]+)").matcher(json);
        assertTrue(m.find(at), json);
        return Double.parseDouble(m.group(1));
    }

    /** The baseline: iperf3 between two namespaces of the test's own over a veth pair. */
    static double kernelToKernelRate() throws Exception {
        String a = ns + "a";
        String b = ns + "b";
        try {
            sh("ip", "netns", "add", a);
            sh("ip", "netns", "add", b);
            assertEquals(0, sh("ip", "link", "add", "va", "netns", a, "type", "veth", "peer", "name", "vb", "netns", b).exit());
            sh("ip", "-n", a, "addr", "add", "10.232.0.1/24", "dev", "va");
            sh("ip", "-n", b, "addr", "add", "10.232.0.2/24", "dev", "vb");
            sh("ip", "-n", a, "link", "set", "va", "up");
            sh("ip", "-n", b, "link", "set", "vb", "up");
            Process server = new ProcessBuilder("ip", "netns", "exec", a, "iperf3", "-s", "-1", "-B", "10.232.0.1")
                    .redirectErrorStream(true).redirectOutput(Files.createTempFile(dir, "k", ".txt").toFile()).start();
            background.add(server);
            Result r = retry(List.of("ip", "netns", "exec", b, "iperf3", "-c", "10.232.0.1", "-t", "3", "-J"));
            assertEquals(0, r.exit(), r.out());
            return iperfRate(r.out());
        } finally {
            sh("ip", "netns", "del", a);
            sh("ip", "netns", "del", b);
        }
    }

    @Test
    void iperf3ThroughTheShimBothWays() throws Exception {
        // A one-off server per run, each on its own port: a persistent server answers "busy"
        // for a while after each test.
        spawn(inLinux("iperf3", "-s", "-1", "-B", linuxIp, "-p", "5201"));
        Result up = retry(inTenant("iperf3", "-c", linuxIp, "-p", "5201", "-t", "3", "-J"));
        assertEquals(0, up.exit(), up.out());
        spawn(inLinux("iperf3", "-s", "-1", "-B", linuxIp, "-p", "5202"));
        Result down = retry(inTenant("iperf3", "-c", linuxIp, "-p", "5202", "-t", "3", "-R", "-J"));
        assertEquals(0, down.exit(), down.out());
        double upRate = iperfRate(up.out());
        double downRate = iperfRate(down.out());
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
        endpoint.setResolver(new org.alpenstack.shim.ResolverConfig(
                List.of(org.alpenstack.kernel.wire.Ipv4Address.parse(linuxIp)), java.util.Map.of()));
        try {
            Path out = dir.resolve("by-name");
            Result r = retry(inTenant("curl", "-sS", "-o", out.toString(), "http://web.peer.test:8082/blob"));
            assertEquals(0, r.exit(), r.out());
            assertArrayEquals(blob, Files.readAllBytes(out));
        } finally {
            endpoint.setResolver(org.alpenstack.shim.ResolverConfig.NONE);
        }
    }

    @Test
    void curlInOneTenantFetchesFromPythonInAnotherTenant() throws Exception {
        List<String> server = new ArrayList<>(List.of(launcher.toString(), "--endpoint", otherEndpoint.socketPath().toString(), "--"));
        server.addAll(List.of("python3", "-m", "http.server", "--bind", otherTenantIp, "--directory",
                dir.resolve("www").toString(), "8083"));
        spawn(server);
        Path out = dir.resolve("tenant-to-tenant");
        Result r = retry(inTenant("curl", "-sS", "-o", out.toString(), "http://" + otherTenantIp + ":8083/blob"));
        assertEquals(0, r.exit(), r.out());
        assertArrayEquals(blob, Files.readAllBytes(out));
    }

    @Test
    void linuxNcatHalfClosesIntoAForkingSocatEchoInTheTenant() throws Exception {
        // socat forks per connection and execs cat on the accepted stack socket: fork after
        // accept and exec inheritance, by a real program.
        spawn(inTenant("socat", "TCP-LISTEN:9001,bind=" + tenantIp + ",fork,reuseaddr", "EXEC:cat"));
        Path in = dir.resolve("www/blob");
        Result r = retry(List.of("bash", "-c", String.join(" ", inLinux("ncat", tenantIp, "9001")) + " < " + in
                + " | cmp - " + in + " && echo same"));
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("same"), r.out());
    }

    @Test
    void socatUdpFromTheTenantToALinuxEcho() throws Exception {
        spawn(inLinux("socat", "UDP-RECVFROM:9002,bind=" + linuxIp + ",fork", "EXEC:cat"));
        Result r = retry(List.of("bash", "-c", "printf 'over udp' | " + String.join(" ",
                inTenant("socat", "-t", "2", "-", "UDP:" + linuxIp + ":9002"))));
        assertEquals(0, r.exit(), r.out());
        assertEquals("over udp", r.out());
    }

    @Test
    void bashDevTcpFromTheTenantToLinux() throws Exception {
        spawn(inLinux("python3", "-m", "http.server", "--bind", linuxIp, "--directory", dir.resolve("www").toString(), "8084"));
        Result r = retry(inTenant("bash", "-c", "set -o pipefail; exec 3<>/dev/tcp/" + linuxIp + "/8084 || exit 1; "
                + "printf 'GET /blob HTTP/1.0\\r\\n\\r\\n' >&3; cat <&3 | wc -c"));
        assertEquals(0, r.exit(), r.out());
        assertTrue(Long.parseLong(r.out().trim()) > blob.length, r.out());
    }

    @Test
    void stockIfconfigInTheSandboxShowsTheTenantsAddress() throws Exception {
        Result r = sh(inTenant("ifconfig").toArray(new String[0]));
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains(tenantIp), r.out());
    }
}
