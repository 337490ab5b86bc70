package org.alpenstack.it.api;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.alpenstack.admin.Server;
import org.alpenstack.admin.api.AdminApiOptions;
import org.alpenstack.it.link.Lab;
import org.alpenstack.it.link.Sh;
import org.alpenstack.tenant.StateStore;
import org.alpenstack.tenant.config.ConfigParser;
import org.alpenstack.tenant.config.TenantConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the REST API changes on a running instance of the real server (addresses, routes,
 * static neighbours, gateway, TCP tunables, impairment, deletions) is in the state directory
 * when the call answers, and a server restarted on that directory runs it again: the same
 * values through the API, and the added address answers a Linux peer's ping. Root only (an
 * AF_PACKET link on a veth in namespaces this test creates).
 */
class PersistedApiChangesTest {
    @TempDir
    Path stateDir;

    private static RequestSpecification api(Server s) {
        return RestAssured.given(new RequestSpecBuilder().setBaseUri("http://127.0.0.1:" + s.adminPort())
                .setContentType(ContentType.JSON).build());
    }

    private static Server start(TenantConfig config, StateStore store) {
        return Server.start(config, AdminApiOptions.defaults().withPort(0), store);
    }

    @Test
    void aRestartedServerRunsWhatTheApiChanged() throws Exception {
        Lab.assumeRoot();
        StateStore store = new StateStore(stateDir);
        Server server = null;
        try (Lab lab = Lab.create("persist")) {
            TenantConfig config = ConfigParser.parse("{\"links\": [{\"name\": \"lan\", \"type\": \"afpacket\", \"device\": \""
                    + lab.srvDev + "\", \"netns\": \"" + lab.srv + "\"}], \"instances\": []}");
            server = start(config, store);
            String i = "/api/v1/instances/keep";
            api(server).body("{\"name\":\"keep\",\"link\":\"lan\",\"addresses\":[\"192.0.2.50/24\"],"
                    + "\"tunables\":{\"minRtoNanos\":50000000}}").post("/api/v1/instances").then().statusCode(201);
            api(server).body("{\"name\":\"gone\",\"link\":\"lan\",\"addresses\":[\"192.0.2.60/24\"]}")
                    .post("/api/v1/instances").then().statusCode(201);
            api(server).body("{\"address\":\"192.0.2.51/24\"}").post(i + "/interfaces/eth0/addresses").then().statusCode(201);
            api(server).body("{\"destination\":\"198.51.100.0/24\",\"gateway\":\"192.0.2.254\",\"metric\":7}")
                    .post(i + "/routes").then().statusCode(201);
            api(server).body("{\"destination\":\"203.0.113.0/24\",\"interface\":\"eth0\"}").post(i + "/routes").then()
                    .statusCode(201);
            api(server).body("{\"gateway\":\"192.0.2.1\"}").patch(i).then().statusCode(200);
            api(server).body("{\"address\":\"192.0.2.99\",\"mac\":\"02:00:00:00:99:99\"}").post(i + "/neighbors").then()
                    .statusCode(201);
            api(server).body("{\"delayedAckNanos\":20000000,\"moderateRcvbuf\":false}").patch(i + "/tunables").then()
                    .statusCode(200);
            api(server).body("{\"transmit\":{\"duplicateRate\":0.001,\"delayMillis\":1},\"receive\":{\"corruptRate\":0.0001}}")
                    .put(i + "/impairment").then().statusCode(200);
            api(server).delete("/api/v1/instances/gone").then().statusCode(204);

            // Answered means saved: the state file holds every change already, before any stop.
            String saved = Files.readString(store.file());
            for (String s : List.of("192.0.2.51/24", "198.51.100.0/24", "\"metric\" : 7", "203.0.113.0/24", "192.0.2.1",
                    "02:00:00:00:99:99", "delayedAckNanos", "minRtoNanos", "moderateRcvbuf", "duplicateRate")) {
                assertTrue(saved.contains(s), "state.json lacks " + s + ":\n" + saved);
            }
            assertTrue(!saved.contains("\"gone\""), "a deleted instance stays deleted:\n" + saved);

            server.stop();
            server = null;
            server = start(store.load().orElseThrow(), store);

            api(server).get("/api/v1/instances").then().statusCode(200).body("name", equalTo(List.of("keep")));
            api(server).get(i + "/interfaces").then().statusCode(200)
                    .body("find { it.name == 'eth0' }.addresses", hasItems("192.0.2.50/24", "192.0.2.51/24"));
            api(server).get(i + "/routes").then().statusCode(200)
                    .body("find { it.destination == '198.51.100.0/24' }.gateway", equalTo("192.0.2.254"))
                    .body("find { it.destination == '198.51.100.0/24' }.metric", equalTo(7))
                    .body("find { it.destination == '203.0.113.0/24' }.interface", equalTo("eth0"))
                    .body("find { it.destination == '0.0.0.0/0' || it.destination == 'default' }.gateway", equalTo("192.0.2.1"));
            api(server).get(i + "/neighbors").then().statusCode(200)
                    .body("find { it.address == '192.0.2.99' }.mac", equalTo("02:00:00:00:99:99"))
                    .body("find { it.address == '192.0.2.99' }.state", equalTo("PERMANENT"));
            api(server).get(i + "/tunables").then().statusCode(200)
                    .body("find { it.name == 'minRtoNanos' }.value", equalTo(50000000))
                    .body("find { it.name == 'delayedAckNanos' }.value", equalTo(20000000))
                    .body("find { it.name == 'moderateRcvbuf' }.value", equalTo(false));
            api(server).get(i + "/impairment").then().statusCode(200)
                    .body("transmit.duplicateRate", equalTo(0.001f)).body("transmit.delayMillis", equalTo(1.0f))
                    .body("receive.corruptRate", equalTo(1.0E-4f)).body("receive.lossRate", equalTo(0.0f));
            api(server).get("/api/v1/instances/gone").then().statusCode(404);
            api(server).get("/api/v1/links").then().statusCode(200).body("name", hasItem("lan")).body("name", not(hasItem("x")));

            // The restored address is live: the peer's kernel gets an answer from it.
            Sh.Result ping = lab.inPeer(10, "ping", "-c", "2", "-i", "0.2", "-W", "2", "-n", "192.0.2.51");
            assertTrue(ping.output().matches("(?s).*[12] received.*"), ping.output());

            // Flushing the static routes is saved too, and so is a removed address.
            api(server).delete(i + "/routes").then().statusCode(200);
            api(server).delete(i + "/interfaces/eth0/addresses/192.0.2.51").then().statusCode(204);
            TenantConfig after = store.load().orElseThrow();
            assertEquals(List.of(), after.instances().get(0).routes(), Files.readString(store.file()));
            assertEquals(1, after.instances().get(0).addresses().size(), Files.readString(store.file()));
        } finally {
            if (server != null) {
                server.stop();
            }
        }
    }
}
