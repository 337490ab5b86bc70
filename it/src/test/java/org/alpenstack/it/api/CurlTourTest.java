package org.alpenstack.it.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The curl tour runs, as a shell script, against the real server (in-process backend, memory link). */
class CurlTourTest {

    @Test
    void theTourRunsAsPasted() throws Exception {
        for (String tool : new String[] {"sh", "curl", "jq"}) {
            assumeTrue(new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0,
                    "the curl tour needs " + tool);
        }
        Path dir = Files.createDirectories(Path.of("target", "curl-tour"));
        Path script = dir.resolve("curl-tour.sh");
        try (InputStream in = CurlTourTest.class.getResourceAsStream("curl-tour.sh")) {
            Files.write(script, in.readAllBytes());
        }
        try (ApiServer s = ApiServer.start()) {
            ProcessBuilder pb = new ProcessBuilder("sh", script.toAbsolutePath().toString()).directory(dir.toFile())
                    .redirectErrorStream(true);
            pb.environment().put("ALPENSTACK", s.baseUri);
            pb.environment().put("LINK", "{\"name\":\"lab\",\"type\":\"memory\"}");
            // The in-process memory backend gives instances no shim endpoints: skip that step here;
            // CurlTourServeTest runs it against the real server.
            pb.environment().put("RUN", "");
            Process p = pb.start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the tour hung");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("output.txt"), out);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("blue 02:"), out);
            assertTrue(out.contains("10.99.0.0/16 via 10.213.0.3 eth0"), out);
            assertTrue(out.contains("\"removed\":2"), out); // the static route and the default route
            assertTrue(out.contains("body.addresses[0]"), out);
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
        }
    }
}
