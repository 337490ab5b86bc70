package org.alpenstack.shim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Unmodified Debian programs attached to one instance, talking to each other over the
 * instance's own loopback: every byte crosses the stack twice (both ends are preloaded).
 * A program that is not installed skips its test with a message.
 */
class RealProgramsTest {
    static ShimTestStack t;
    static Path www;
    static byte[] blob;

    @BeforeAll
    static void start() throws Exception {
        t = ShimTestStack.start("real");
        www = Files.createDirectories(t.dir.resolve("www"));
        blob = new byte[3 << 20];
        new Random(7).nextBytes(blob);
        Files.write(www.resolve("blob"), blob);
    }

    @AfterAll
    static void stop() throws Exception {
        if (t != null) {
            t.close();
        }
    }

    private static String which(String program) throws Exception {
        for (String dir : System.getenv("PATH").split(":")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        assumeTrue(false, program + " is not installed; skipped");
        return null;
    }

    private static long opens() throws Exception {
        return t.onLoop(s -> s.tcp().counters().passiveOpens);
    }

    /** Runs the client until it succeeds (the server may still be starting), at most 10 s. */
    private static ShimTestStack.Result retry(String... cmd) throws Exception {
        ShimTestStack.Result r = null;
        for (int i = 0; i < 40; i++) {
            r = t.run(30, cmd);
            if (r.exit() == 0) {
                return r;
            }
            Thread.sleep(250);
        }
        return r;
    }

    private static void httpServer(int port) throws Exception {
        t.spawn(which("python3"), "-m", "http.server", "--bind", "127.0.0.1", "--directory", www.toString(),
                Integer.toString(port));
    }

    @Test
    void curlGetsAFileFromPythonHttpServer() throws Exception {
        httpServer(8001);
        Path out = t.dir.resolve("curl.out");
        long before = opens();
        ShimTestStack.Result r = retry(which("curl"), "-sS", "-o", out.toString(), "http://127.0.0.1:8001/blob");
        assertEquals(0, r.exit(), r::toString);
        assertArrayEquals(blob, Files.readAllBytes(out));
        assertTrue(opens() > before, "the connection was accepted by the instance");
    }

    @Test
    void wgetAndBashDevTcpToo() throws Exception {
        httpServer(8002);
        Path out = t.dir.resolve("wget.out");
        ShimTestStack.Result r = retry(which("wget"), "-q", "-O", out.toString(), "http://127.0.0.1:8002/blob");
        assertEquals(0, r.exit(), r::toString);
        assertArrayEquals(blob, Files.readAllBytes(out));
        r = t.run(30, which("bash"), "-c",
                "set -o pipefail; exec 3<>/dev/tcp/127.0.0.1/8002 || exit 1; printf 'GET /blob HTTP/1.0\\r\\n\\r\\n' >&3; cat <&3 | wc -c");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(Long.parseLong(r.out().trim()) > blob.length, r::toString);
    }

    @Test
    void curlPostsToAPythonServer() throws Exception {
        String server = "import http.server\n"
                + "class H(http.server.BaseHTTPRequestHandler):\n"
                + "    def do_POST(self):\n"
                + "        body = self.rfile.read(int(self.headers['Content-Length']))\n"
                + "        self.send_response(200); self.send_header('Content-Length', str(len(body))); self.end_headers()\n"
                + "        self.wfile.write(body)\n"
                + "http.server.HTTPServer(('127.0.0.1', 8003), H).serve_forever()\n";
        t.spawn(which("python3"), "-c", server);
        Path out = t.dir.resolve("post.out");
        ShimTestStack.Result r = retry(which("curl"), "-sS", "--data-binary", "@" + www.resolve("blob"),
                "-H", "Content-Type: application/octet-stream", "-o", out.toString(), "http://127.0.0.1:8003/");
        assertEquals(0, r.exit(), r::toString);
        assertArrayEquals(blob, Files.readAllBytes(out));
    }

    @Test
    void socatForkingEchoServerWithSocatAndNcatClientsHalfClosing() throws Exception {
        t.spawn(which("socat"), "TCP-LISTEN:9000,bind=127.0.0.1,fork,reuseaddr", "EXEC:cat");
        Path in = www.resolve("blob");
        ShimTestStack.Result r = retry(which("bash"), "-c",
                which("socat") + " -t 5 - TCP:127.0.0.1:9000 < " + in + " | cmp - " + in + " && echo same");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("same"), r::toString);
        r = t.run(30, which("bash"), "-c", which("ncat") + " 127.0.0.1 9000 < " + in + " | cmp - " + in + " && echo same");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("same"), r::toString);
    }

    @Test
    void socatUdpEchoKeepsDatagrams() throws Exception {
        t.spawn(which("socat"), "UDP-RECVFROM:9200,bind=127.0.0.1,fork", "EXEC:cat");
        ShimTestStack.Result r = retry(which("bash"), "-c",
                "printf 'datagram one' | " + which("socat") + " -t 2 - UDP:127.0.0.1:9200");
        assertEquals(0, r.exit(), r::toString);
        assertEquals("datagram one", r.out(), r::toString);
        long udp = t.onLoop(s -> s.counters().get(org.alpenstack.kernel.stack.StackCounter.UDP_IN_DATAGRAMS));
        assertTrue(udp >= 2, "datagrams through the stack: " + udp);
    }

    @Test
    void stockIfconfigShowsTheInstancesInterface() throws Exception {
        // The instance's lo has MTU 16384 (ShimTestStack), the kernel's 65536: the answer
        // can only have come from the instance.
        ShimTestStack.Result r = t.run(20, which("ifconfig"), "lo");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("127.0.0.1"), r::toString);
        assertTrue(r.out().contains("mtu 16384"), r::toString);
    }

    @Test
    void curlResolvesNamesThroughTheTenantsHostsAndDns() throws Exception {
        httpServer(8005);
        Path dns = Path.of(RealProgramsTest.class.getResource("/tiny_dns.py").toURI());
        t.spawn(which("python3"), dns.toString(), "127.0.0.1", "53", ".alp", "127.0.0.1");
        int lo = org.alpenstack.kernel.wire.Ipv4Address.parse("127.0.0.1");
        t.endpoint.setResolver(new ResolverConfig(java.util.List.of(lo), java.util.Map.of("hosts-entry.test", lo)));
        try {
            Path out = t.dir.resolve("named.out");
            ShimTestStack.Result r = retry(which("curl"), "-sS", "-o", out.toString(), "http://hosts-entry.test:8005/blob");
            assertEquals(0, r.exit(), r::toString);
            assertArrayEquals(blob, Files.readAllBytes(out));
            long before = t.onLoop(s -> s.counters().get(org.alpenstack.kernel.stack.StackCounter.UDP_IN_DATAGRAMS));
            r = retry(which("curl"), "-sS", "-o", out.toString(), "http://www.dns.alp:8005/blob");
            assertEquals(0, r.exit(), r::toString);
            assertArrayEquals(blob, Files.readAllBytes(out));
            long after = t.onLoop(s -> s.counters().get(org.alpenstack.kernel.stack.StackCounter.UDP_IN_DATAGRAMS));
            assertTrue(after - before >= 2, "the query and its answer crossed the tenant's UDP");
            r = t.run(30, which("curl"), "-sS", "http://nosuch.example:8005/");
            assertEquals(6, r.exit(), "curl: could not resolve host\n" + r);
        } finally {
            t.endpoint.setResolver(ResolverConfig.NONE);
        }
    }

    @Test
    void pythonHttpServerWithoutBindAddressServesIpv4() throws Exception {
        // Without --bind, http.server binds the first getaddrinfo answer, "::" on a dual-stack
        // host; the tenant has no IPv6, so the shim's getaddrinfo answers IPv4 only.
        t.spawn(which("python3"), "-m", "http.server", "--directory", www.toString(), "8006");
        Path out = t.dir.resolve("nobind.out");
        ShimTestStack.Result r = retry(which("curl"), "-sS", "-o", out.toString(), "http://127.0.0.1:8006/blob");
        assertEquals(0, r.exit(), r::toString);
        assertArrayEquals(blob, Files.readAllBytes(out));
    }
}
