package org.alpenstack.it.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.alpenstack.admin.Server;
import org.alpenstack.admin.ServeCommand;
import org.alpenstack.it.link.Lab;
import org.alpenstack.it.link.Sh;
import org.junit.jupiter.api.Test;

/**
 * {@code alpenstack serve} without a config, as root: a TAP device with the host side on a free
 * private /24 and an instance behind it that the host pings and curls right away; the admin
 * endpoint lists it; stopping removes the TAP device. The "host" is a namespace the test
 * creates, so nothing touches the machine's own network.
 */
class EmbeddedDefaultTest {
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path stateDir;

    @Test
    void theHostPingsAndCurlsTheEmbeddedInstanceAndStopRemovesTheTap() throws Exception {
        Lab.assumeRoot();
        String ns = Lab.namespace("tap");
        Server server = null;
        try {
            // A route in the way: the first candidate subnet must be skipped.
            Sh.ok("ip", "-n", ns, "link", "add", "blocker0", "type", "veth", "peer", "name", "blocker1");
            Sh.ok("ip", "-n", ns, "addr", "add", "10.77.0.1/16", "dev", "blocker0");
            Sh.ok("ip", "-n", ns, "link", "set", "blocker0", "up");

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit = ServeCommand.run(new String[] {"--admin", "127.0.0.1:0", "--netns", ns, "--state-dir", stateDir.toString()},
                    new PrintStream(out, true),
                    new PrintStream(err, true), false);
            assertEquals(0, exit, err.toString());
            server = ServeCommand.lastStarted();
            String text = out.toString();
            Matcher m = Pattern.compile("curl http://([0-9.]+)/bytes/1000").matcher(text);
            assertTrue(m.find(), "the welcome text should say how to reach the instance:\n" + text);
            String ip = m.group(1);
            assertFalse(ip.startsWith("10.77."), "10.77.0.0/16 is routed in this namespace and must be avoided: " + ip);
            assertTrue(text.contains("ping -c 3 " + ip), text);

            Sh.Result ping = Sh.run(60, "ip", "netns", "exec", ns, "python3", Lab.extractTool().toString(), "ping", ip, "3");
            assertEquals("received 3", ping.output().trim(), ping.output());
            Sh.Result curl = Sh.run(60, "ip", "netns", "exec", ns, "curl", "-sS", "--max-time", "20", "http://" + ip + "/bytes/1000");
            assertEquals(1000, curl.output().length(), curl.output());
            assertTrue(curl.output().startsWith(" !\"#$%&"), "RFC 864 pattern expected: " + curl.output().substring(0, 20));

            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.adminPort();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            assertEquals("ok", new JsonObject(health.body()).getString("status"));
            assertEquals(1, new JsonObject(health.body()).getInteger("instances"), health.body());
            HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/instances")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, list.statusCode());
            JsonArray instances = new JsonArray(list.body());
            assertEquals(1, instances.size(), list.body());
            JsonObject demo = instances.getJsonObject(0);
            assertEquals("demo", demo.getString("name"));
            assertEquals("running", demo.getString("state"));
            assertTrue(demo.getJsonArray("addresses").contains(ip + "/24"), list.body());
            // The full REST API (openapi.yaml) is what serve runs: the counters show the traffic.
            HttpResponse<String> stats = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/instances/demo/stats")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, stats.statusCode(), stats.body());
            JsonObject counters = new JsonObject(stats.body()).getJsonObject("counters");
            assertTrue(counters.getLong("icmpOutEchoReps") >= 3, "the pings should be counted: " + stats.body());
            HttpResponse<String> contract = http.send(HttpRequest.newBuilder(URI.create(base + "/openapi.yaml")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, contract.statusCode());

            String tap = Sh.ok("ip", "-n", ns, "-o", "link", "show").output();
            assertTrue(tap.contains("alpen"), "the TAP device should exist while serving:\n" + tap);
            server.stop();
            server = null;
            String after = Sh.ok("ip", "-n", ns, "-o", "link", "show").output();
            assertFalse(after.contains("alpen"), "stopping must remove the TAP device:\n" + after);

            // A restart with the same state directory restores the same link and instance.
            String saved = java.nio.file.Files.readString(stateDir.resolve("state.json"));
            assertTrue(saved.contains("\"demo\"") && saved.contains(ip + "/24"), saved);
            ByteArrayOutputStream again = new ByteArrayOutputStream();
            assertEquals(0, ServeCommand.run(new String[] {"--admin", "127.0.0.1:0", "--state-dir", stateDir.toString()},
                    new PrintStream(again, true), new PrintStream(err, true), false), err.toString());
            server = ServeCommand.lastStarted();
            assertTrue(again.toString().contains("restoring 1 instance(s) and 1 link(s)"), again.toString());
            Sh.Result curl2 = Sh.run(60, "ip", "netns", "exec", ns, "curl", "-sS", "--max-time", "20", "http://" + ip + "/bytes/10");
            assertEquals(10, curl2.output().length(), "the restored instance answers: " + curl2.output());
            server.stop();
            server = null;
        } finally {
            if (server != null) {
                server.stop();
            }
            Lab.deleteNamespace(ns);
        }
    }
}
