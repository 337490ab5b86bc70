package org.alpenstack.it.api;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /tunables (sysctl-like), /impairment (netem-like), /clients. */
class ExperimentsApiTest {
    private static ApiServer server;
    private static final String I = "/api/v1/instances/lab";

    @BeforeAll
    static void start() throws Exception {
        server = ApiServer.start();
        server.spec().body("{\"name\":\"bench\",\"type\":\"memory\"}").post("/api/v1/links").then().statusCode(201);
        server.spec().body("{\"name\":\"lab\",\"link\":\"bench\",\"addresses\":[\"10.80.0.2/24\"],\"tunables\":{\"congestionControl\":\"newreno\"}}")
                .post("/api/v1/instances").then().statusCode(201);
        server.spec().body("{\"name\":\"peer\",\"link\":\"bench\",\"addresses\":[\"10.80.0.3/24\"]}")
                .post("/api/v1/instances").then().statusCode(201);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void tunablesGetAndPatch() {
        server.spec().get(I + "/tunables").then().statusCode(200)
                .body("name", hasItems("congestionControl", "sack", "minRtoNanos"))
                .body("find { it.name == 'congestionControl' }.value", equalTo("newreno"))
                .body("find { it.name == 'sack' }.type", equalTo("boolean"))
                .body("find { it.name == 'minRtoNanos' }.min", greaterThan(0));
        server.spec().body("{\"sack\":false,\"minRtoNanos\":100000000,\"congestionControl\":\"cubic\"}")
                .patch(I + "/tunables").then().statusCode(200)
                .body("find { it.name == 'sack' }.value", equalTo(false))
                .body("find { it.name == 'minRtoNanos' }.value", equalTo(100000000))
                .body("find { it.name == 'congestionControl' }.value", equalTo("cubic"));
    }

    @Test
    void aBadTunableChangesNothing() {
        server.spec().body("{\"timestamps\":false,\"noSuchKnob\":1}").patch(I + "/tunables")
                .then().statusCode(422).body("invalidParams[0].name", equalTo("body.noSuchKnob"));
        server.spec().body("{\"timestamps\":false,\"keepaliveProbes\":100000}").patch(I + "/tunables")
                .then().statusCode(422).body("invalidParams[0].name", equalTo("body.keepaliveProbes"));
        server.spec().body("{\"timestamps\":false,\"congestionControl\":\"bbr9\"}").patch(I + "/tunables")
                .then().statusCode(422).body("invalidParams[0].name", equalTo("body.congestionControl"));
        server.spec().body("{\"timestamps\":\"sometimes\"}").patch(I + "/tunables").then().statusCode(422);
        server.spec().body("{}").patch(I + "/tunables").then().statusCode(422);
        server.spec().get(I + "/tunables").then().body("find { it.name == 'timestamps' }.value", equalTo(true));
        server.spec().body("{\"name\":\"x\",\"tunables\":{\"bogus\":1}}").post("/api/v1/instances")
                .then().statusCode(422).body("invalidParams[0].name", equalTo("body.tunables.bogus"));
    }

    @Test
    void impairmentSetGetAndEffect() throws Exception {
        server.spec().get(I + "/impairment").then().statusCode(200)
                .body("transmit.lossRate", equalTo(0.0f)).body("receive.delayMillis", equalTo(0.0f));
        server.spec().body("{\"transmit\":{\"lossRate\":1.0},\"receive\":{\"delayMillis\":20,\"jitterMillis\":5}}")
                .put(I + "/impairment").then().statusCode(200)
                .body("transmit.lossRate", equalTo(1.0f))
                .body("receive.delayMillis", equalTo(20.0f))
                .body("receive.jitterMillis", equalTo(5.0f));
        // Everything lab sends is lost now: its datagrams never reach peer.
        long before = server.spec().get("/api/v1/instances/peer/stats").then().extract().<Number>path("counters.udpNoPorts").longValue();
        Traffic.sendUdp(server.backend, "lab", "10.80.0.3", 9, 5);
        Thread.sleep(200);
        server.spec().get(I + "/impairment").then().body("transmit.counters.lost", greaterThan(0));
        long after = server.spec().get("/api/v1/instances/peer/stats").then().extract().<Number>path("counters.udpNoPorts").longValue();
        assertTrue(after == before, "datagrams got through a 100% loss link");
        // A direction left out is cleared.
        server.spec().body("{}").put(I + "/impairment").then().statusCode(200)
                .body("transmit.lossRate", equalTo(0.0f)).body("receive.delayMillis", equalTo(0.0f));
    }

    @Test
    void impairmentErrors() {
        server.spec().body("{\"transmit\":{\"lossRate\":1.5}}").put(I + "/impairment")
                .then().statusCode(422).body("invalidParams.name", hasItem("body.transmit.lossRate"));
        server.spec().body("{\"transmit\":{\"lossRate\":\"high\"}}").put(I + "/impairment")
                .then().statusCode(422).body("invalidParams.name", hasItem("body.transmit.lossRate"));
        server.spec().body("{\"sideways\":{}}").put(I + "/impairment").then().statusCode(422);
        server.spec().body("{}").put("/api/v1/instances/nosuch/impairment").then().statusCode(404);
    }

    @Test
    void clientsOfAnInstanceWithoutShimAreNone() {
        server.spec().get(I + "/clients").then().statusCode(200).body("", hasSize(0));
        server.spec().get(I).then().body("clients", equalTo(0));
    }

    @Test
    void instanceWithoutLinkCannotBeImpaired() {
        server.spec().body("{\"name\":\"island\"}").post("/api/v1/instances").then().statusCode(201);
        server.spec().body("{}").put("/api/v1/instances/island/impairment").then().statusCode(409)
                .body("detail", containsString("no link"));
        server.spec().get("/api/v1/instances/island/capture?count=1").then().statusCode(409);
        server.spec().delete("/api/v1/instances/island").then().statusCode(204);
    }
}
