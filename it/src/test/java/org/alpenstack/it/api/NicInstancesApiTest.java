package org.alpenstack.it.api;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.alpenstack.admin.api.AdminApiOptions;
import org.alpenstack.admin.api.tenant.TenantBackend;
import org.alpenstack.it.link.Lab;
import org.alpenstack.it.link.Sh;
import org.alpenstack.tenant.TenantManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real server's backend (tenant-manager) through the API, with Linux peers: an instance
 * created with POST answers a kernel's ping at once, a deleted one stops answering and its
 * address can be taken again; links on AF_PACKET (a veth in a namespace) and TAP. Root only:
 * skipped with a message otherwise. All traffic stays inside the namespaces this test creates.
 */
class NicInstancesApiTest {
    private static Lab lab;
    private static ApiServer server;

    @BeforeAll
    static void start() throws Exception {
        Lab.assumeRoot();
        lab = Lab.create("api");
        server = ApiServer.start(AdminApiOptions.defaults().withPort(0).withSampleInterval(Duration.ofMillis(500)),
                vertx -> new TenantBackend(vertx, new TenantManager(vertx)));
        server.spec().body("{\"name\":\"lan\",\"type\":\"afpacket\",\"device\":\"" + lab.srvDev + "\",\"netns\":\"" + lab.srv + "\"}")
                .post("/api/v1/links").then().statusCode(201).body("type", equalTo("afpacket"))
                .body("receive", equalTo("socket"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    /** One echo request from the peer namespace's kernel, waiting at most a second for the reply. */
    private static Sh.Result ping(String ip) {
        return lab.inPeer(10, "ping", "-c", "1", "-W", "1", "-n", ip);
    }

    @Test
    void aCreatedInstanceAnswersPingAtOnceAndADeletedOneFreesItsAddress() throws Exception {
        // The pinger starts ahead and waits for its cue, so the time measured after the 201 is the
        // network's (ARP resolution and one echo), not the cost of starting a process, which on
        // a loaded machine alone can exceed the 100 ms.
        Process pinger = new ProcessBuilder("ip", "netns", "exec", lab.peer, "python3", lab.tool().toString(),
                "ping-on-cue", "192.0.2.20").redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(pinger.getInputStream(), StandardCharsets.US_ASCII));
                Writer cue = new OutputStreamWriter(pinger.getOutputStream(), StandardCharsets.US_ASCII)) {
            assertEquals("ready", out.readLine());
            long t0 = System.nanoTime();
            server.spec().body("{\"name\":\"blue\",\"link\":\"lan\",\"addresses\":[\"192.0.2.20/24\"]}")
                    .post("/api/v1/instances").then().statusCode(201).body("state", equalTo("running"));
            long created = System.nanoTime();
            cue.write("go\n");
            cue.flush();
            String result = out.readLine();
            long answered = System.nanoTime();
            assertTrue(result != null && result.startsWith("reply "),
                    "the first echo request after the 201 was not answered: " + result);
            long ms = (answered - created) / 1_000_000;
            assertTrue(ms < 100, "the reply came " + ms + " ms after the 201 (" + result + ")");
            System.out.println("create " + (created - t0) / 1_000_000 + " ms, ping answered " + ms + " ms after the 201 ("
                    + result + " ms from its sending)");
        } finally {
            pinger.destroyForcibly().waitFor();
        }

        server.spec().get("/api/v1/instances/blue/stats").then().statusCode(200)
                .body("counters.icmpOutEchoReps", equalTo(1));
        // The link's own totals, like ip -s link: frames and bytes both ways (an echo request
        // and reply are 98 bytes each), kept after the instance that sent them is gone.
        server.spec().delete("/api/v1/instances/blue").then().statusCode(204);
        server.spec().get("/api/v1/links/lan").then().statusCode(200)
                .body("counters.rxFrames", greaterThan(0)).body("counters.rxBytes", greaterThanOrEqualTo(98))
                .body("counters.txFrames", greaterThan(0)).body("counters.txBytes", greaterThanOrEqualTo(98));
        assertNotEquals(0, ping("192.0.2.20").exit(), "a deleted instance still answers");

        server.spec().body("{\"name\":\"green\",\"link\":\"lan\",\"addresses\":[\"192.0.2.20/24\"]}")
                .post("/api/v1/instances").then().statusCode(201);
        // The peer's ARP cache still has blue's MAC: give it green's by a gratuitous ARP (sent on
        // create) or a fresh resolution; either way the address answers again.
        Sh.Result again = lab.inPeer(10, "ping", "-c", "3", "-i", "0.2", "-W", "1", "-n", "192.0.2.20");
        assertTrue(again.output().contains(" 0% packet loss") || again.output().matches("(?s).*[123] received.*"),
                again.output());
        server.spec().delete("/api/v1/instances/green").then().statusCode(204);
    }

    @Test
    void errorsFromTheManagerNameTheField() {
        server.spec().body("{\"name\":\"dup1\",\"link\":\"lan\",\"addresses\":[\"192.0.2.30/24\"]}")
                .post("/api/v1/instances").then().statusCode(201);
        server.spec().body("{\"name\":\"dup2\",\"link\":\"lan\",\"addresses\":[\"192.0.2.30/24\"]}")
                .post("/api/v1/instances").then().statusCode(409).body("invalidParams[0].name", equalTo("body.addresses[0]"));
        server.spec().body("{\"name\":\"dup1\",\"link\":\"lan\",\"addresses\":[\"192.0.2.31/24\"]}")
                .post("/api/v1/instances").then().statusCode(409).body("invalidParams[0].name", equalTo("body.name"));
        server.spec().body("{\"name\":\"nolink\",\"link\":\"nosuch\",\"addresses\":[\"192.0.2.32/24\"]}")
                .post("/api/v1/instances").then().statusCode(422).body("invalidParams[0].name", equalTo("body.link"));
        server.spec().delete("/api/v1/links/lan").then().statusCode(409);
        server.spec().get("/api/v1/links/lan").then().statusCode(200).body("instances", hasItem("dup1"));
        server.spec().get("/api/v1/instances/dup1/routes").then().statusCode(200)
                .body("destination", hasItem("192.0.2.0/24"));
        server.spec().delete("/api/v1/instances/dup1").then().statusCode(204);
        server.spec().delete("/api/v1/instances/dup1").then().statusCode(404);
    }

    @Test
    void anAddressAddedToAnIpModeInstanceIsDemultiplexedToIt() {
        // IP mode shares the NIC's MAC: frames reach the instance by destination address, so an
        // address added at run time must reach the demux and the kernel filter too.
        server.spec().body("{\"name\":\"ipm\",\"link\":\"lan\",\"mode\":\"ip\",\"addresses\":[\"192.0.2.70/24\"]}")
                .post("/api/v1/instances").then().statusCode(201).body("mode", equalTo("ip"));
        assertEquals(0, ping("192.0.2.70").exit());
        server.spec().body("{\"address\":\"192.0.2.71/24\"}").post("/api/v1/instances/ipm/interfaces/eth0/addresses")
                .then().statusCode(201);
        Sh.Result added = lab.inPeer(10, "ping", "-c", "2", "-i", "0.2", "-W", "1", "-n", "192.0.2.71");
        assertTrue(added.output().matches("(?s).*[12] received.*"), "the added address does not answer: " + added.output());
        server.spec().delete("/api/v1/instances/ipm/interfaces/eth0/addresses/192.0.2.71").then().statusCode(204);
        assertNotEquals(0, ping("192.0.2.71").exit(), "a removed address still answers");
        assertEquals(0, ping("192.0.2.70").exit());
        server.spec().delete("/api/v1/instances/ipm").then().statusCode(204);
    }

    @Test
    void aTapLinkInItsOwnNamespace() {
        String ns = Lab.namespace("apitap");
        try {
            server.spec().body("{\"name\":\"tapl\",\"type\":\"tap\",\"device\":\"alptap" + (ProcessHandle.current().pid() % 10000)
                    + "\",\"hostAddress\":\"10.213.9.1/24\",\"netns\":\"" + ns + "\"}")
                    .post("/api/v1/links").then().statusCode(201).body("type", equalTo("tap"))
                    .body("hostAddress", equalTo("10.213.9.1/24")).body("receive", nullValue());
            server.spec().body("{\"name\":\"tapped\",\"link\":\"tapl\",\"addresses\":[\"10.213.9.2/24\"]}")
                    .post("/api/v1/instances").then().statusCode(201);
            Sh.Result r = Sh.run(10, "ip", "netns", "exec", ns, "ping", "-c", "1", "-W", "1", "-n", "10.213.9.2");
            assertEquals(0, r.exit(), r.output());
            server.spec().delete("/api/v1/instances/tapped").then().statusCode(204);
            server.spec().delete("/api/v1/links/tapl").then().statusCode(204);
            server.spec().get("/api/v1/links/tapl").then().statusCode(404);
        } finally {
            Lab.deleteNamespace(ns);
        }
    }
}
