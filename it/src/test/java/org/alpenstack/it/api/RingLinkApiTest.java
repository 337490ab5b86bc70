package org.alpenstack.it.api;

import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.alpenstack.admin.Server;
import org.alpenstack.admin.api.AdminApiOptions;
import org.alpenstack.it.link.Lab;
import org.alpenstack.it.link.Sh;
import org.alpenstack.link.afpacket.AfPacketConfig;
import org.alpenstack.tenant.StateStore;
import org.alpenstack.tenant.config.TenantConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An afpacket link that receives from a TPACKET_V3 ring ({@code "receive": "ring"}) through the
 * real server's API: the link reports it, its port really is on the ring, an instance on it
 * answers a Linux peer's ping, the choice is in state.json when the call answers and a server
 * restarted on that directory opens the ring again. Values outside the enum and the field on a
 * tap link are refused naming {@code body.receive}. Root only (veth in namespaces this test
 * creates); every response is checked against openapi.yaml.
 */
class RingLinkApiTest {
    @TempDir
    Path stateDir;

    private static RequestSpecification api(Server s, ContractFilter contract) {
        return RestAssured.given(new RequestSpecBuilder().setBaseUri("http://127.0.0.1:" + s.adminPort())
                .setContentType(ContentType.JSON).addFilter(contract).build());
    }

    private static void assertPingAnswered(Lab lab, String ip) {
        // The ring hands a lone frame over after the block's retire timeout (a jiffy): slower, still answered.
        Sh.Result ping = lab.inPeer(10, "ping", "-c", "3", "-i", "0.2", "-W", "2", "-n", ip);
        assertTrue(ping.output().matches("(?s).*[123] received.*"), ping.output());
    }

    @Test
    void aRingLinkReportsItAnswersPingAndIsRestoredOnTheRing() throws Exception {
        Lab.assumeRoot();
        StateStore store = new StateStore(stateDir);
        Vertx vertx = Vertx.vertx();
        ContractFilter contract = new ContractFilter(vertx);
        Server server = null;
        try (Lab lab = Lab.create("ring")) {
            server = Server.start(new TenantConfig(List.of(), List.of()), AdminApiOptions.defaults().withPort(0), store);
            String link = "{\"name\":\"bulk\",\"type\":\"afpacket\",\"device\":\"" + lab.srvDev + "\",\"netns\":\"" + lab.srv + "\"";

            api(server, contract).body(link + ",\"receive\":\"bogus\"}").post("/api/v1/links").then()
                    .statusCode(anyOf(equalTo(400), equalTo(422))).contentType("application/problem+json")
                    .body("invalidParams.name", hasItem("body.receive"));
            // Refused by the manager's validator, before any TAP device is made.
            api(server, contract).body("{\"name\":\"t\",\"type\":\"tap\",\"device\":\"alprg" + (ProcessHandle.current().pid() % 10000)
                    + "\",\"hostAddress\":\"10.213.11.1/24\",\"receive\":\"ring\"}").post("/api/v1/links").then()
                    .statusCode(422).contentType("application/problem+json")
                    .body("invalidParams[0].name", equalTo("body.receive"));
            api(server, contract).get("/api/v1/links").then().statusCode(200).body("size()", equalTo(0));

            api(server, contract).body(link + ",\"receive\":\"ring\"}").post("/api/v1/links").then()
                    .statusCode(201).body("receive", equalTo("ring"));
            assertEquals(AfPacketConfig.Receive.RING, server.manager().link("bulk").receive(), "the port is not on the ring");
            api(server, contract).get("/api/v1/links/bulk").then().statusCode(200).body("receive", equalTo("ring"));
            api(server, contract).body("{\"name\":\"r\",\"link\":\"bulk\",\"addresses\":[\"192.0.2.40/24\"]}")
                    .post("/api/v1/instances").then().statusCode(201);
            assertPingAnswered(lab, "192.0.2.40");

            String saved = Files.readString(store.file());
            assertTrue(saved.contains("\"receive\" : \"ring\""), "state.json lacks the ring:\n" + saved);

            server.stop();
            server = null;
            server = Server.start(store.load().orElseThrow(), AdminApiOptions.defaults().withPort(0), store);
            assertEquals(AfPacketConfig.Receive.RING, server.manager().link("bulk").receive(), "restored off the ring");
            api(server, contract).get("/api/v1/links/bulk").then().statusCode(200).body("receive", equalTo("ring"));
            assertPingAnswered(lab, "192.0.2.40");
        } finally {
            if (server != null) {
                server.stop();
            }
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
