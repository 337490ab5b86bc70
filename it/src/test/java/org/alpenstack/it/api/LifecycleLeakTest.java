package org.alpenstack.it.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.alpenstack.admin.api.AdminApiOptions;
import org.alpenstack.admin.api.tenant.TenantBackend;
import org.alpenstack.it.link.Lab;
import org.alpenstack.tenant.TenantManager;
import org.junit.jupiter.api.Test;

/**
 * 100 instances created and deleted through the API, 10 times over: afterwards the process
 * has no more threads, file descriptors or heap than after the first round, and the backend
 * holds nothing. In-process backend always; the tenant-manager backend on a veth as root.
 */
class LifecycleLeakTest {
    private static final int INSTANCES = 100;
    private static final int ROUNDS = 10;
    /** A fixed pool, so the client's own threads cannot be mistaken for the server's. */
    private final java.util.concurrent.ExecutorService clientThreads = java.util.concurrent.Executors.newFixedThreadPool(4);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .executor(clientThreads).build();
    /**
     * Requests in flight at once. JDK 17's client speaks HTTP/2 (h2c) on one connection and, at
     * the server's concurrent-stream limit, sometimes fails a send with "too many concurrent
     * streams" instead of queueing it; HTTP/1.1 instead opens a connection per request in flight,
     * and the server's event-loop threads it wakes blur the thread count this test watches.
     */
    private static final int IN_FLIGHT = 25;

    @org.junit.jupiter.api.AfterEach
    void stopClient() {
        clientThreads.shutdownNow();
    }

    private static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static int fds() {
        String[] l = new File("/proc/self/fd").list();
        return l == null ? -1 : l.length;
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private void round(String baseUri, String link, String prefix) throws Exception {
        for (int from = 0; from < INSTANCES; from += IN_FLIGHT) {
            List<CompletableFuture<HttpResponse<String>>> creates = new ArrayList<>();
            for (int i = from; i < Math.min(INSTANCES, from + IN_FLIGHT); i++) {
                String body = "{\"name\":\"leak" + i + "\",\"link\":\"" + link + "\",\"addresses\":[\"" + prefix + (10 + i) + "/24\"]}";
                creates.add(http.sendAsync(HttpRequest.newBuilder(URI.create(baseUri + "/api/v1/instances"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> f : creates) {
                HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
                assertEquals(201, r.statusCode(), r.body());
            }
        }
        for (int from = 0; from < INSTANCES; from += IN_FLIGHT) {
            List<CompletableFuture<HttpResponse<String>>> deletes = new ArrayList<>();
            for (int i = from; i < Math.min(INSTANCES, from + IN_FLIGHT); i++) {
                deletes.add(http.sendAsync(HttpRequest.newBuilder(URI.create(baseUri + "/api/v1/instances/leak" + i))
                        .DELETE().build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> f : deletes) {
                HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
                assertEquals(204, r.statusCode(), r.body());
            }
        }
    }

    private void loop(String baseUri, String link, String prefix) throws Exception {
        round(baseUri, link, prefix); // warm-up: class loading, pools, the HTTP client's connections
        int threads = threads();
        int fds = fds();
        long heap = heapAfterGc();
        for (int r = 1; r < ROUNDS; r++) {
            round(baseUri, link, prefix);
        }
        int threadsAfter = threads();
        int fdsAfter = fds();
        long heapAfter = heapAfterGc();
        System.out.printf("threads %d -> %d, fds %d -> %d, heap %d KiB -> %d KiB%n", threads, threadsAfter, fds, fdsAfter,
                heap / 1024, heapAfter / 1024);
        assertTrue(threadsAfter <= threads + 2, "threads " + threads + " -> " + threadsAfter);
        assertTrue(fdsAfter <= fds + 4, "file descriptors " + fds + " -> " + fdsAfter);
        assertTrue(heapAfter <= heap + 16L * 1024 * 1024, "heap " + heap / 1024 + " KiB -> " + heapAfter / 1024 + " KiB");
        String list = http.send(HttpRequest.newBuilder(URI.create(baseUri + "/api/v1/instances")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertEquals("[]", list);
    }

    @Test
    void inProcessBackend() throws Exception {
        try (ApiServer s = ApiServer.start()) {
            s.spec().body("{\"name\":\"loop\",\"type\":\"memory\"}").post("/api/v1/links").then().statusCode(201);
            loop(s.baseUri, "loop", "10.90.0.");
            int[] sizes = s.backend.sizes();
            assertEquals(0, sizes[0], "instances left");
            assertEquals(0, sizes[2], "reservations left");
        }
    }

    @Test
    void tenantManagerBackend() throws Exception {
        Lab.assumeRoot();
        try (Lab lab = Lab.create("leak");
             ApiServer s = ApiServer.start(AdminApiOptions.defaults().withPort(0).withSampleInterval(Duration.ofSeconds(1)),
                     vertx -> new TenantBackend(vertx, new TenantManager(vertx)))) {
            s.spec().body("{\"name\":\"lan\",\"type\":\"afpacket\",\"device\":\"" + lab.srvDev + "\",\"netns\":\"" + lab.srv + "\"}")
                    .post("/api/v1/links").then().statusCode(201);
            loop(s.baseUri, "lan", "192.0.2.");
        }
    }

    /**
     * The whole server as {@code serve} runs it: a state directory (one state file, written
     * atomically) and a shim endpoint per instance. After the rounds the state directory holds
     * the state file alone (no temporary files) and no endpoint socket is left behind.
     */
    @Test
    void realServerLeavesNoStateFilesOrEndpointSockets(@org.junit.jupiter.api.io.TempDir java.nio.file.Path state)
            throws Exception {
        Lab.assumeRoot();
        java.nio.file.Path sockets = java.nio.file.Path.of(
                System.getenv().getOrDefault("ALPENSTACK_SOCKET_DIR", "/run/alpenstack"));
        try (Lab lab = Lab.create("leaksrv")) {
            org.alpenstack.admin.Server server = org.alpenstack.admin.Server.start(
                    org.alpenstack.tenant.config.ConfigParser.parse("{\"links\": [{\"name\": \"lan\", \"type\": \"afpacket\", "
                            + "\"device\": \"" + lab.srvDev + "\", \"netns\": \"" + lab.srv + "\"}], \"instances\": []}"),
                    AdminApiOptions.defaults().withPort(0), new org.alpenstack.tenant.StateStore(state));
            try {
                loop("http://127.0.0.1:" + server.adminPort(), "lan", "192.0.2.");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (endpointSockets(sockets) > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(0, endpointSockets(sockets), "endpoint sockets left in " + sockets);
                try (var files = java.nio.file.Files.list(state)) {
                    assertEquals(List.of("state.json"), files.map(f -> f.getFileName().toString()).sorted().toList());
                }
            } finally {
                server.stop();
            }
        }
    }

    private static long endpointSockets(java.nio.file.Path dir) throws java.io.IOException {
        if (!java.nio.file.Files.isDirectory(dir)) {
            return 0;
        }
        try (var files = java.nio.file.Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("leak[0-9]+\\.sock")).count();
        }
    }
}
