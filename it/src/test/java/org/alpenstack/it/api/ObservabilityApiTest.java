package org.alpenstack.it.api;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /health, /stats, /metrics, /events (SSE), /capture (pcap) and GET /openapi.yaml. */
class ObservabilityApiTest {
    private static ApiServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = ApiServer.start();
        server.spec().body("{\"name\":\"obs\",\"type\":\"memory\"}").post("/api/v1/links").then().statusCode(201);
        server.spec().body("{\"name\":\"alpha\",\"link\":\"obs\",\"addresses\":[\"10.70.0.2/24\"]}")
                .post("/api/v1/instances").then().statusCode(201);
        server.spec().body("{\"name\":\"beta\",\"link\":\"obs\",\"addresses\":[\"10.70.0.3/24\"]}")
                .post("/api/v1/instances").then().statusCode(201);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void health() {
        server.spec().get("/api/v1/health").then().statusCode(200)
                .body("status", equalTo("ok")).body("instances", greaterThanOrEqualTo(2)).body("links", equalTo(1));
    }

    @Test
    void statsCountWhatTheStackDid() throws Exception {
        Traffic.sendUdp(server.backend, "beta", "10.70.0.2", 9, 3);
        long end = System.nanoTime() + 5_000_000_000L;
        while (server.spec().get("/api/v1/instances/alpha/stats").then().extract().<Integer>path("counters.udpNoPorts") < 3) {
            assertTrue(System.nanoTime() < end, "alpha never counted the datagrams to a closed port");
            Thread.sleep(20);
        }
        server.spec().get("/api/v1/instances/alpha/stats").then().statusCode(200)
                .body("instance", equalTo("alpha"))
                .body("counters.ipInReceives", greaterThanOrEqualTo(3))
                // RFC 1122 3.2.2.1: a datagram to a closed UDP port draws port unreachable
                .body("counters.icmpOutDestUnreachs", greaterThanOrEqualTo(1))
                .body("tcp.activeOpens", greaterThanOrEqualTo(0));
    }

    @Test
    void metricsInPrometheusTextFormat() {
        String text = server.spec().get("/api/v1/metrics").then().statusCode(200)
                .contentType(containsString("text/plain")).extract().asString();
        assertTrue(text.contains("# TYPE alpenstack_packets_total counter"), text);
        assertTrue(text.contains("alpenstack_packets_total{instance=\"alpha\",direction=\"out\"}"), text);
        assertTrue(text.contains("alpenstack_bytes_total{instance=\"beta\",direction=\"in\"}"), text);
        assertTrue(text.contains("alpenstack_tcp_retransmits_total{instance=\"alpha\"} 0"), text);
        // every sample line is "name{labels} integer"
        for (String line : text.split("\n")) {
            assertTrue(line.startsWith("#") || line.matches("[a-z_]+\\{[^}]*\\} -?[0-9]+"), line);
        }
    }

    @Test
    void theContractIsServed() throws Exception {
        String served = server.raw().get("/openapi.yaml").then().statusCode(200)
                .contentType(containsString("yaml")).extract().asString();
        Path file = Path.of("..", "openapi.yaml");
        assertEquals(Files.readString(file), served);
    }

    @Test
    void eventsStreamInstanceLifecycleConnectionsAndThroughput() throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.baseUri + "/api/v1/events")).GET().build();
        CompletableFuture<HttpResponse<Stream<String>>> resp = HTTP.sendAsync(req, HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> r = resp.get(10, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        Thread reader = new Thread(() -> r.body().forEach(lines::add));
        reader.setDaemon(true);
        reader.start();
        try {
            server.spec().body("{\"name\":\"gamma\",\"link\":\"obs\",\"addresses\":[\"10.70.0.4/24\"]}")
                    .post("/api/v1/instances").then().statusCode(201);
            String data = awaitEvent(lines, "instanceCreated");
            assertTrue(data.contains("\"instance\":\"gamma\""), data);

            // The sampler reports changes between samples: wait until it has sampled alpha once.
            do {
                data = awaitEvent(lines, "throughput");
            } while (!data.contains("\"instance\":\"alpha\""));
            Traffic.listen(server.backend, "gamma", "10.70.0.4", 7);
            Traffic.connect(server.backend, "alpha", "10.70.0.4", 7);
            data = awaitEvent(lines, "connectionOpened");
            assertTrue(data.contains("tcp-"), data);
            assertTrue(data.contains("10.70.0.4:7"), data);

            server.spec().delete("/api/v1/instances/gamma").then().statusCode(204);
            data = awaitEvent(lines, "instanceDeleted");
            assertTrue(data.contains("\"instance\":\"gamma\""), data);
            // Deleting gamma closed its listener with alpha's connection still in the accept
            // queue, which resets it (as Linux does): alpha's side closes.
            do {
                data = awaitEvent(lines, "connectionClosed");
            } while (!data.contains("10.70.0.4:7"));
        } finally {
            r.body().close();
        }
    }

    private static String awaitEvent(BlockingQueue<String> lines, String type) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.equals("event: " + type)) {
                String data = lines.poll(2, TimeUnit.SECONDS);
                assertNotNull(data);
                assertTrue(data.startsWith("data: {"), data);
                return data;
            }
        }
        throw new AssertionError("no " + type + " event within 10 s");
    }

    @Test
    void captureStreamsAPcapOfMatchingFrames() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.baseUri
                + "/api/v1/instances/alpha/capture?count=4&seconds=10&protocol=udp&port=5353")).GET().build();
        CompletableFuture<HttpResponse<byte[]>> pending = HTTP.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray());
        // Keep sending until the capture has started and taken its four frames.
        long end = System.nanoTime() + 10_000_000_000L;
        while (!pending.isDone()) {
            assertTrue(System.nanoTime() < end, "capture did not finish");
            Traffic.sendUdp(server.backend, "beta", "10.70.0.2", 5353, 1);
            Traffic.sendUdp(server.backend, "beta", "10.70.0.2", 9999, 1); // filtered out
            Thread.sleep(20);
        }
        HttpResponse<byte[]> r = pending.get();
        assertEquals(200, r.statusCode());
        assertEquals("application/vnd.tcpdump.pcap", r.headers().firstValue("content-type").orElse(""));
        ByteBuffer b = ByteBuffer.wrap(r.body());
        assertEquals(0xa1b2c3d4, b.getInt(0), "pcap magic (big-endian, microseconds)");
        assertEquals(1, b.getInt(20), "LINKTYPE_ETHERNET");
        int off = 24;
        int records = 0;
        while (off < b.limit()) {
            int incl = b.getInt(off + 8);
            int frame = off + 16;
            assertEquals(0x0800, b.getShort(frame + 12) & 0xffff, "IPv4");
            assertEquals(17, b.get(frame + 14 + 9), "UDP");
            assertEquals(5353, b.getShort(frame + 14 + 20 + 2) & 0xffff, "destination port");
            off = frame + incl;
            records++;
        }
        assertEquals(off, b.limit(), "records end exactly at the end of the file");
        assertEquals(4, records);
        String s = new String(r.body(), 0, 4, StandardCharsets.ISO_8859_1);
        assertEquals(4, s.length());
    }

    @Test
    void captureErrors() {
        server.spec().get("/api/v1/instances/nosuch/capture?count=1").then().statusCode(404);
        server.spec().get("/api/v1/instances/alpha/capture?count=0").then().statusCode(422)
                .body("invalidParams[0].name", equalTo("query.count"));
        server.spec().get("/api/v1/instances/alpha/capture?host=10.1.1").then().statusCode(422)
                .body("invalidParams[0].name", equalTo("query.host"));
        server.spec().get("/api/v1/instances/alpha/capture?protocol=sctp").then().statusCode(422);
    }

    @Test
    void eventsFilterIsValidated() {
        server.spec().get("/api/v1/events?instance=../x").then().statusCode(422)
                .body("invalidParams[0].name", equalTo("query.instance"));
        server.spec().get("/api/v1/instances/alpha/stats").then().body("totalDrops", greaterThanOrEqualTo(0))
                .body("counters.ethOutFrames", greaterThan(0));
    }
}
