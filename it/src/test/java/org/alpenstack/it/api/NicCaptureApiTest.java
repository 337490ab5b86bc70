package org.alpenstack.it.api;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.alpenstack.admin.api.AdminApiOptions;
import org.alpenstack.admin.api.tenant.TenantBackend;
import org.alpenstack.it.link.Lab;
import org.alpenstack.it.link.Sh;
import org.alpenstack.tenant.Tenant;
import org.alpenstack.tenant.TenantManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /capture on the real server's backend: an instance on a veth (AF_PACKET) in a namespace
 * this test creates, pinged by the peer namespace's kernel; the capture is a pcap file that
 * tcpdump reads, holding exactly the requested number of frames, both directions, and when it
 * ends the instance's frame tap is gone. Root only.
 */
class NicCaptureApiTest {
    @TempDir
    Path dir;

    @Test
    void tcpdumpReadsACaptureOfBothDirectionsFromAVethAttachedInstance() throws Exception {
        Lab.assumeRoot();
        org.junit.jupiter.api.Assumptions.assumeTrue(Sh.run(5, "sh", "-c", "command -v tcpdump").exit() == 0,
                "needs tcpdump to read the capture");
        TenantManager[] manager = new TenantManager[1];
        try (Lab lab = Lab.create("cap");
             ApiServer server = ApiServer.start(AdminApiOptions.defaults().withPort(0).withSampleInterval(Duration.ofSeconds(1)),
                     vertx -> new TenantBackend(vertx, manager[0] = new TenantManager(vertx)))) {
            server.spec().body("{\"name\":\"lan\",\"type\":\"afpacket\",\"device\":\"" + lab.srvDev + "\",\"netns\":\""
                    + lab.srv + "\"}").post("/api/v1/links").then().statusCode(201);
            server.spec().body("{\"name\":\"cap\",\"link\":\"lan\",\"addresses\":[\"192.0.2.40/24\"]}")
                    .post("/api/v1/instances").then().statusCode(201).body("state", equalTo("running"));

            HttpClient http = HttpClient.newHttpClient();
            HttpRequest req = HttpRequest.newBuilder(URI.create(server.baseUri
                    + "/api/v1/instances/cap/capture?count=8&seconds=30&protocol=icmp")).GET().build();
            CompletableFuture<HttpResponse<byte[]>> pending = http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray());
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!pending.isDone()) {
                assertTrue(System.nanoTime() < end, "the capture did not take 8 frames within 30 s");
                lab.inPeer(5, "ping", "-c", "1", "-W", "1", "-n", "192.0.2.40");
            }
            HttpResponse<byte[]> r = pending.get();
            assertEquals(200, r.statusCode(), new String(r.body()));
            assertEquals("application/vnd.tcpdump.pcap", r.headers().firstValue("content-type").orElse(""));
            Path pcap = Files.write(dir.resolve("cap.pcap"), r.body());

            Sh.Result dump = Sh.run(10, "tcpdump", "-nr", pcap.toString());
            assertEquals(0, dump.exit(), dump.output());
            List<String> lines = dump.output().lines().filter(l -> l.contains(" IP ")).toList();
            assertEquals(8, lines.size(), "exactly count=8 frames:\n" + dump.output());
            long requests = lines.stream().filter(l -> l.contains("192.0.2.1 > 192.0.2.40: ICMP echo request")).count();
            long replies = lines.stream().filter(l -> l.contains("192.0.2.40 > 192.0.2.1: ICMP echo reply")).count();
            // Inbound (the peer's requests) and outbound (the instance's replies) frames both appear.
            assertEquals(8, requests + replies, "only the peer's echo requests and the instance's replies:\n" + dump.output());
            assertTrue(requests >= 3 && replies >= 3, dump.output());

            // The capture ended with its count: the tap it installed is removed again.
            Tenant t = manager[0].tenant("cap");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            int taps;
            do {
                Thread.sleep(20);
                taps = server.await(t.instance().call(s -> t.attachment().tapCount()));
            } while (taps != 0 && System.nanoTime() < deadline);
            assertEquals(0, taps, "the finished capture left its tap on the instance");

            server.spec().get("/api/v1/instances/nosuch/capture?count=1").then().statusCode(404);
            server.spec().delete("/api/v1/instances/cap").then().statusCode(204);
            server.spec().delete("/api/v1/links/lan").then().statusCode(204);
        }
    }
}
