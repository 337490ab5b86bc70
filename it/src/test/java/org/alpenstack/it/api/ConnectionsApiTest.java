package org.alpenstack.it.api;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /connections like ss -tuanpi, with state and port filters, and abort (ss -K) sending a reset. */
class ConnectionsApiTest {
    private static ApiServer server;

    @BeforeAll
    static void start() throws Exception {
        server = ApiServer.start();
        server.spec().body("{\"name\":\"wire\",\"type\":\"memory\"}").post("/api/v1/links").then().statusCode(201);
        server.spec().body("{\"name\":\"srv\",\"link\":\"wire\",\"addresses\":[\"10.60.0.2/24\"]}")
                .post("/api/v1/instances").then().statusCode(201);
        server.spec().body("{\"name\":\"cli\",\"link\":\"wire\",\"addresses\":[\"10.60.0.3/24\"]}")
                .post("/api/v1/instances").then().statusCode(201);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static List<String> states(String instance) {
        return server.spec().get("/api/v1/instances/" + instance + "/connections").then().statusCode(200)
                .extract().path("state");
    }

    private static void awaitState(String instance, String state) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (!states(instance).contains(state)) {
            assertTrue(System.nanoTime() < end, instance + " never showed " + state + ": " + states(instance));
            Thread.sleep(20);
        }
    }

    @Test
    void listFilterAndAbort() throws Exception {
        Traffic.listen(server.backend, "srv", "0.0.0.0", 80);
        Traffic.connect(server.backend, "cli", "10.60.0.2", 80);
        awaitState("cli", "ESTAB");
        Traffic.acceptAll(server.backend, "srv");
        awaitState("srv", "ESTAB");

        server.spec().get("/api/v1/instances/srv/connections").then().statusCode(200)
                .body("state", hasItem("LISTEN"))
                .body("find { it.state == 'LISTEN' }.local", equalTo("0.0.0.0:80"))
                .body("find { it.state == 'ESTAB' }.protocol", equalTo("tcp"))
                .body("find { it.state == 'ESTAB' }.local", equalTo("10.60.0.2:80"))
                .body("find { it.state == 'ESTAB' }.rttMicros", notNullValue())
                .body("find { it.state == 'ESTAB' }.cwnd", notNullValue());
        server.spec().get("/api/v1/instances/srv/connections?state=LISTEN").then().statusCode(200)
                .body("", hasSize(1)).body("state", everyItem(equalTo("LISTEN")));
        server.spec().get("/api/v1/instances/srv/connections?port=81").then().statusCode(200).body("", hasSize(0));
        server.spec().get("/api/v1/instances/cli/connections?port=80&protocol=tcp").then().statusCode(200)
                .body("", hasSize(1)).body("[0].remote", equalTo("10.60.0.2:80"));
        server.spec().get("/api/v1/instances/srv/instances/connections?state=BOGUS").then().statusCode(404);
        server.spec().get("/api/v1/instances/srv/connections?state=BOGUS").then().statusCode(422)
                .body("invalidParams[0].name", equalTo("query.state"));
        server.spec().get("/api/v1/instances/srv/connections?port=70000").then().statusCode(422)
                .body("invalidParams[0].name", equalTo("query.port"));

        String id = server.spec().get("/api/v1/instances/cli/connections?state=ESTAB").then().extract().path("[0].id");
        server.spec().delete("/api/v1/instances/cli/connections/" + id).then().statusCode(204);
        server.spec().get("/api/v1/instances/cli/connections").then().body("state", not(hasItem("ESTAB")));
        // The reset reached the server side: its connection is gone too (RFC 9293 3.10.7.4).
        long end = System.nanoTime() + 5_000_000_000L;
        while (states("srv").contains("ESTAB")) {
            assertTrue(System.nanoTime() < end, "the server still shows ESTAB after the reset");
            Thread.sleep(20);
        }
        server.spec().delete("/api/v1/instances/cli/connections/" + id).then().statusCode(404);
        server.spec().delete("/api/v1/instances/cli/connections/bogus").then().statusCode(422);
        server.spec().get("/api/v1/instances/srv/stats").then().body("tcp.resetsReceived", equalTo(1));
    }
}
