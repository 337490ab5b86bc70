package org.alpenstack.it.api;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /links: attach, list, get with counters, delete; in-use, duplicate and unknown links. */
class LinksApiTest {
    private static ApiServer server;

    @BeforeAll
    static void start() throws Exception {
        server = ApiServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void memoryLinkLifecycle() {
        server.spec().body("{\"name\":\"sw0\",\"type\":\"memory\",\"mtu\":9000}").post("/api/v1/links")
                .then().statusCode(201).header("Location", endsWith("/api/v1/links/sw0"))
                .body("name", equalTo("sw0")).body("type", equalTo("memory")).body("mtu", equalTo(9000))
                .body("receive", nullValue());
        server.spec().get("/api/v1/links").then().statusCode(200).body("name", hasItem("sw0"));
        server.spec().get("/api/v1/links/sw0").then().statusCode(200).body("counters.txFrames", equalTo(0));
        server.spec().delete("/api/v1/links/sw0").then().statusCode(204);
        server.spec().get("/api/v1/links/sw0").then().statusCode(404).contentType("application/problem+json");
        server.spec().get("/api/v1/links").then().body("name", not(hasItem("sw0")));
    }

    @Test
    void countersShowTheInstancesTraffic() {
        server.spec().body("{\"name\":\"sw1\",\"type\":\"memory\"}").post("/api/v1/links").then().statusCode(201);
        // An address announces itself with a gratuitous ARP (RFC 5227): one frame onto the link.
        server.spec().body("{\"name\":\"talker\",\"link\":\"sw1\",\"addresses\":[\"10.31.0.2/24\"]}")
                .post("/api/v1/instances").then().statusCode(201);
        server.spec().get("/api/v1/links/sw1").then().statusCode(200)
                .body("instances", hasItem("talker")).body("counters.txFrames", greaterThan(0));
        server.spec().delete("/api/v1/links/sw1").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("talker"));
        server.spec().delete("/api/v1/instances/talker").then().statusCode(204);
        server.spec().delete("/api/v1/links/sw1").then().statusCode(204);
    }

    @Test
    void duplicateLinkIs409() {
        server.spec().body("{\"name\":\"dup\",\"type\":\"memory\"}").post("/api/v1/links").then().statusCode(201);
        server.spec().body("{\"name\":\"dup\",\"type\":\"memory\"}").post("/api/v1/links")
                .then().statusCode(409).body("invalidParams[0].name", equalTo("body.name"));
        server.spec().delete("/api/v1/links/dup").then().statusCode(204);
    }

    @Test
    void badLinkRequests() {
        server.spec().body("{\"name\":\"x\"}").post("/api/v1/links")
                .then().statusCode(422).body("invalidParams.name", hasItem("body.type"));
        server.spec().body("{\"name\":\"x\",\"type\":\"wormhole\"}").post("/api/v1/links")
                .then().statusCode(422).body("invalidParams.name", hasItem("body.type"));
        server.spec().body("{\"name\":\"x\",\"type\":\"tap\",\"hostAddress\":\"10.213.0.1/99\"}").post("/api/v1/links")
                .then().statusCode(422).body("invalidParams.name", hasItem("body.hostAddress"));
        server.spec().body("{\"name\":\"x\",\"type\":\"memory\",\"receive\":\"bogus\"}").post("/api/v1/links")
                .then().statusCode(422).body("invalidParams.name", hasItem("body.receive"));
        server.spec().body("{\"name\":\"x\",\"type\":\"memory\",\"receive\":\"ring\"}").post("/api/v1/links")
                .then().statusCode(422).body("invalidParams.name", hasItem("body.receive"));
        server.spec().body("{\"name\":\"../x\",\"type\":\"memory\"}").post("/api/v1/links")
                .then().statusCode(422).body("invalidParams.name", hasItem("body.name"));
        server.spec().delete("/api/v1/links/nosuch").then().statusCode(404);
        server.spec().urlEncodingEnabled(false).get("/api/v1/links/..%2F..%2Fproc").then().statusCode(422);
    }

    @Test
    void nicLinksAreNotInThisBackendYet() {
        // The in-process backend has no NIC-attached tenant-manager: it says so instead of faking it.
        server.spec().body("{\"name\":\"tap0\",\"type\":\"tap\",\"hostAddress\":\"10.213.0.1/24\"}").post("/api/v1/links")
                .then().statusCode(501).contentType("application/problem+json");
    }
}
