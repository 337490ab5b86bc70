package org.alpenstack.it.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.alpenstack.admin.Server;
import org.alpenstack.admin.ServeCommand;
import org.alpenstack.it.link.Lab;
import org.alpenstack.it.link.Sh;
import org.alpenstack.tenant.StateStore;
import org.alpenstack.tenant.config.ConfigParser;
import org.alpenstack.tenant.config.ConfigValidator;
import org.alpenstack.tenant.config.InstanceSpec;
import org.alpenstack.tenant.config.TenantConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server process ({@code java -jar alpenstack.jar serve}) is killed with SIGKILL in the
 * middle of a burst of concurrent POST /instances. Its state directory is never torn or
 * half-applied: state.json parses and validates, every create that was answered 201 before the
 * kill is in it, every instance in it is complete, and a server restarted on it runs every one
 * of them (each answers a ping from the TAP's namespace). Root only.
 */
class ServeSigkillStateTest {
    @TempDir
    Path dir;

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void sigkillDuringABurstOfCreatesLeavesAStateThatRestartsWhole() throws Exception {
        Lab.assumeRoot();
        Path jar = Path.of("..", "admin-api", "target", "alpenstack.jar").toAbsolutePath().normalize();
        assumeTrue(Files.exists(jar), "needs the packaged server " + jar + " (mvn package / verify builds it)");
        String ns = Lab.namespace("kill");
        Path stateDir = dir.resolve("state");
        Path config = Files.writeString(dir.resolve("config.json"), "{\"links\": [{\"name\": \"tap\", \"type\": \"tap\", "
                + "\"device\": \"alpk%d\", \"hostAddress\": \"10.214.0.1/24\", \"netns\": \"" + ns + "\"}], \"instances\": []}");
        int port = freePort();
        Process p = null;
        Server restarted = null;
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            p = new ProcessBuilder("java", "-jar", jar.toString(), "serve", "--config", config.toString(), "--state-dir",
                    stateDir.toString(), "--admin", "127.0.0.1:" + port).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("server.log").toFile()).start();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();
            String base = "http://127.0.0.1:" + port;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!up(http, base)) {
                assertTrue(p.isAlive() && System.nanoTime() < deadline, "the server did not start:\n"
                        + Files.readString(dir.resolve("server.log")));
                Thread.sleep(100);
            }

            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicInteger next = new AtomicInteger(10);
            List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                workers.add(pool.submit(() -> {
                    int k;
                    while ((k = next.getAndIncrement()) < 250) {
                        String name = "i" + k;
                        String body = "{\"name\":\"" + name + "\",\"link\":\"tap\",\"addresses\":[\"10.214.0." + k + "/24\"],"
                                + "\"tunables\":{\"minRtoNanos\":" + (100_000_000L + k) + "}}";
                        try {
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/instances"))
                                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 201) {
                                acknowledged.add(name);
                            }
                        } catch (Exception e) {
                            return null; // the server is gone
                        }
                    }
                    return null;
                }));
            }
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (acknowledged.size() < 12 && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            // What was answered before the signal must survive it.
            Set<String> answeredBeforeKill = new TreeSet<>(acknowledged);
            Sh.ok("kill", "-KILL", String.valueOf(p.pid()));
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "SIGKILL should end the server");
            for (java.util.concurrent.Future<?> f : workers) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertTrue(answeredBeforeKill.size() >= 12, "the burst did not get going: " + answeredBeforeKill);
            assertTrue(next.get() < 250, "the kill came after the burst had ended, not during it");

            StateStore store = new StateStore(stateDir);
            String text = Files.readString(store.file());
            TenantConfig saved = ConfigParser.parse(text);
            ConfigValidator.validate(saved);
            Set<String> names = new TreeSet<>();
            for (InstanceSpec s : saved.instances()) {
                names.add(s.name());
                int k = Integer.parseInt(s.name().substring(1));
                // Complete: the address and the tunable of its own create, nothing of another's.
                assertEquals(List.of("10.214.0." + k + "/24"), s.addresses().stream().map(Object::toString).toList(), text);
                assertEquals(100_000_000L + k, ((Number) s.tunables().get("minRtoNanos")).longValue(), text);
            }
            assertTrue(names.containsAll(answeredBeforeKill), "answered creates missing from the state file: "
                    + answeredBeforeKill + " vs " + names);
            System.out.println("SIGKILL after " + answeredBeforeKill.size() + " answered creates; the state holds "
                    + names.size() + " instances");

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(0, ServeCommand.run(new String[] {"--state-dir", stateDir.toString(), "--admin", "127.0.0.1:0"},
                    new PrintStream(out, true), new PrintStream(err, true), false), err.toString());
            restarted = ServeCommand.lastStarted();
            assertTrue(out.toString().contains("restoring " + names.size() + " instance(s) and 1 link(s)"), out.toString());
            HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restarted.adminPort()
                    + "/api/v1/instances")).build(), HttpResponse.BodyHandlers.ofString());
            JsonArray running = new JsonArray(list.body());
            Set<String> runningNames = new TreeSet<>();
            for (int i = 0; i < running.size(); i++) {
                JsonObject o = running.getJsonObject(i);
                assertEquals("running", o.getString("state"), o.encode());
                runningNames.add(o.getString("name"));
            }
            assertEquals(names, runningNames);
            for (String n : names) {
                String ip = "10.214.0." + n.substring(1);
                Sh.Result ping = Sh.run(10, "ip", "netns", "exec", ns, "ping", "-c", "1", "-W", "2", "-n", ip);
                assertEquals(0, ping.exit(), n + " at " + ip + " does not answer after the restart: " + ping.output());
            }
        } finally {
            pool.shutdownNow();
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
            if (restarted != null) {
                restarted.stop();
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
