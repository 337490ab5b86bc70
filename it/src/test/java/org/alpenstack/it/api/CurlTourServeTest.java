package org.alpenstack.it.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.alpenstack.it.link.Lab;
import org.alpenstack.it.link.Sh;
import org.junit.jupiter.api.Test;

/**
 * The README's curl tour, as a shell script with curl and jq, against the real server process
 * ({@code java -jar alpenstack.jar serve}, what bin/alpenstack runs) with a TAP link: links and
 * instances created over REST on tenant-manager, routes, a refused address naming its field,
 * counters, a capture of the gratuitous ARPs, metrics, and everything deleted again. The TAP's
 * host side lives in a namespace this test creates. Root only.
 */
class CurlTourServeTest {

    @Test
    void theTourRunsAgainstTheServeProcessWithATapLink() throws Exception {
        Lab.assumeRoot();
        for (String tool : new String[] {"sh", "curl", "jq"}) {
            assumeTrue(new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0,
                    "the curl tour needs " + tool);
        }
        Path jar = Path.of("..", "admin-api", "target", "alpenstack.jar").toAbsolutePath().normalize();
        assumeTrue(Files.exists(jar), "needs the packaged server " + jar + " (mvn package / verify builds it)");
        Path dir = Files.createDirectories(Path.of("target", "curl-tour-serve"));
        Path script = dir.resolve("curl-tour.sh");
        try (InputStream in = CurlTourServeTest.class.getResourceAsStream("curl-tour.sh")) {
            Files.write(script, in.readAllBytes());
        }
        Path config = Files.writeString(dir.resolve("empty.json"), "{\"links\": [], \"instances\": []}");
        String ns = Lab.namespace("tour");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process server = null;
        try {
            server = new ProcessBuilder("java", "-jar", jar.toString(), "serve", "--config", config.toString(),
                    "--admin", "127.0.0.1:" + port).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("server.log").toFile()).start();
            String base = "http://127.0.0.1:" + port;
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!up(http, base)) {
                assertTrue(server.isAlive() && System.nanoTime() < deadline, "the server did not start:\n"
                        + Files.readString(dir.resolve("server.log")));
                Thread.sleep(100);
            }

            ProcessBuilder pb = new ProcessBuilder("sh", script.toAbsolutePath().toString()).directory(dir.toFile())
                    .redirectErrorStream(true);
            pb.environment().put("ALPENSTACK", base);
            // bin/alpenstack run is the launcher; the test uses the one the build packaged.
            pb.environment().put("RUN", org.alpenstack.shim.ShimLibrary.extract(dir.resolve("lib").toAbsolutePath())
                    .resolve(org.alpenstack.shim.ShimLibrary.LAUNCHER).toString());
            // The tour's default TAP link, with its host side in the test's namespace.
            pb.environment().put("LINK", "{\"name\":\"lab\",\"type\":\"tap\",\"hostAddress\":\"10.213.0.1/24\",\"netns\":\""
                    + ns + "\"}");
            Process p = pb.start();
            boolean done = p.waitFor(120, TimeUnit.SECONDS);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("output.txt"), out);
            assertTrue(done, "the tour hung:\n" + out);
            assertEquals(0, p.exitValue(), out + "\nserver log:\n" + Files.readString(dir.resolve("server.log")));
            assertTrue(out.contains("\"type\":\"tap\""), out);
            assertTrue(out.matches("(?s).*blue [0-9a-f]{2}:.* 10\\.213\\.0\\.2/24.*"), out);
            assertTrue(out.contains("10.99.0.0/16 via 10.213.0.3 eth0"), out);
            assertTrue(out.contains("\"removed\":2"), out); // the static route and the default route
            assertTrue(out.contains("body.addresses[0]"), out);
            assertTrue(out.contains("blue fetched from green: HTTP 200"), out);
            assertTrue(out.contains("LISTEN 10.213.0.3:8000 python3"), out);
            assertTrue(out.matches("(?s).*attached: pid [0-9]+ python3.*"), out);
            assertTrue(out.contains("alpenstack_packets_total{instance=\"blue\""), out);
            assertTrue(out.trim().endsWith("[]"), out);
            ByteBuffer pcap = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("tour.pcap")));
            assertEquals(0xa1b2c3d4, pcap.getInt(0));
            int off = 24;
            int records = 0;
            while (off < pcap.limit()) {
                off += 16 + pcap.getInt(off + 8);
                records++;
            }
            assertEquals(10, records, out);
            // Deleting the link removed its TAP device.
            String links = Sh.ok("ip", "-n", ns, "-o", "link", "show").output();
            assertTrue(!links.contains("lab"), links);
        } finally {
            if (server != null && server.isAlive()) {
                server.destroy();
                if (!server.waitFor(30, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            }
            Lab.deleteNamespace(ns);
        }
    }

    private static boolean up(HttpClient http, String base) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base + "/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }
}
