package org.alpenstack.it.api;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Interfaces and addresses, routes (with flush), neighbours (with flush), like ip addr/route/neigh. */
class NetworkApiTest {
    private static ApiServer server;
    private static final String I = "/api/v1/instances/red";

    @BeforeAll
    static void start() throws Exception {
        server = ApiServer.start();
        server.spec().body("{\"name\":\"net\",\"type\":\"memory\"}").post("/api/v1/links").then().statusCode(201);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @BeforeEach
    void createRed() {
        server.spec().body("{\"name\":\"red\",\"link\":\"net\",\"addresses\":[\"10.40.0.2/24\"],\"gateway\":\"10.40.0.1\"}")
                .post("/api/v1/instances").then().statusCode(201);
    }

    @AfterEach
    void deleteRed() {
        server.spec().delete(I).then().statusCode(204);
    }

    @Test
    void interfacesLikeIpAddr() {
        server.spec().get(I + "/interfaces").then().statusCode(200)
                .body("name", contains("lo", "eth0"))
                .body("find { it.name == 'eth0' }.addresses", contains("10.40.0.2/24"))
                .body("find { it.name == 'eth0' }.up", equalTo(true))
                .body("find { it.name == 'lo' }.loopback", equalTo(true));
    }

    @Test
    void addAndRemoveAnAddress() {
        server.spec().body("{\"address\":\"10.41.0.2/16\"}").post(I + "/interfaces/eth0/addresses")
                .then().statusCode(201).header("Location", endsWith("/interfaces/eth0/addresses/10.41.0.2"))
                .body("addresses", containsInAnyOrder("10.40.0.2/24", "10.41.0.2/16"));
        // Its connected route came with it (proto kernel).
        server.spec().get(I + "/routes").then().body("destination", hasItem("10.41.0.0/16"));
        server.spec().body("{\"address\":\"10.41.0.2/16\"}").post(I + "/interfaces/eth0/addresses").then().statusCode(409);
        server.spec().delete(I + "/interfaces/eth0/addresses/10.41.0.2").then().statusCode(204);
        server.spec().get(I + "/routes").then().body("destination", not(hasItem("10.41.0.0/16")));
        server.spec().delete(I + "/interfaces/eth0/addresses/10.41.0.2").then().statusCode(404);
    }

    @Test
    void addressErrors() {
        server.spec().body("{\"address\":\"10.41.0.2\"}").post(I + "/interfaces/eth0/addresses")
                .then().statusCode(422).body("invalidParams[0].name", equalTo("body.address"));
        server.spec().body("{\"addr\":\"10.41.0.2/24\"}").post(I + "/interfaces/eth0/addresses")
                .then().statusCode(422).body("invalidParams.name", hasItem("body.address"));
        server.spec().body("{\"address\":\"10.41.0.2/24\"}").post(I + "/interfaces/eth9/addresses").then().statusCode(404);
        server.spec().body("{\"address\":\"10.41.0.2/24\"}").post("/api/v1/instances/nosuch/interfaces/eth0/addresses")
                .then().statusCode(404);
        server.spec().delete(I + "/interfaces/eth0/addresses/10.41.0.999").then().statusCode(422)
                .body("invalidParams[0].name", equalTo("address"));
    }

    @Test
    void anAddressOfAnotherInstanceOnTheLinkIs409() {
        server.spec().body("{\"name\":\"other\",\"link\":\"net\",\"addresses\":[\"10.40.0.3/24\"]}")
                .post("/api/v1/instances").then().statusCode(201);
        server.spec().body("{\"address\":\"10.40.0.3/24\"}").post(I + "/interfaces/eth0/addresses").then().statusCode(409);
        server.spec().body("{\"addresses\":[\"10.40.0.3/24\"]}").patch(I).then().statusCode(409)
                .body("invalidParams[0].name", equalTo("body.addresses[0]"));
        server.spec().delete("/api/v1/instances/other").then().statusCode(204);
    }

    @Test
    void routesAddListDeleteFlush() {
        server.spec().get(I + "/routes").then().statusCode(200)
                .body("destination", hasItems("10.40.0.0/24", "0.0.0.0/0"))
                .body("find { it.id == 'default' }.gateway", equalTo("10.40.0.1"))
                .body("find { it.id == '10.40.0.0-24' }.connected", equalTo(true));
        server.spec().body("{\"destination\":\"10.50.0.0/16\",\"gateway\":\"10.40.0.9\",\"metric\":5}").post(I + "/routes")
                .then().statusCode(201).header("Location", endsWith("/routes/10.50.0.0-16"))
                .body("id", equalTo("10.50.0.0-16")).body("metric", equalTo(5)).body("interface", equalTo("eth0"));
        server.spec().body("{\"destination\":\"10.60.0.0/16\",\"gateway\":\"10.40.0.9\"}").post(I + "/routes").then().statusCode(201);
        server.spec().body("{\"destination\":\"10.50.0.0/16\",\"gateway\":\"10.40.0.9\",\"metric\":5}").post(I + "/routes")
                .then().statusCode(409);
        server.spec().delete(I + "/routes/10.50.0.0-16?metric=6").then().statusCode(404);
        server.spec().delete(I + "/routes/10.50.0.0-16?metric=5").then().statusCode(204);
        server.spec().delete(I + "/routes/10.50.0.0-16").then().statusCode(404);
        // Flush: static routes go (the default route too), connected ones stay.
        server.spec().delete(I + "/routes").then().statusCode(200).body("removed", equalTo(2));
        server.spec().get(I + "/routes").then().body("destination", contains("10.40.0.0/24"));
        server.spec().delete(I + "/routes?includeConnected=true").then().statusCode(200).body("removed", equalTo(1));
        server.spec().get(I + "/routes").then().body("", hasSize(0));
    }

    @Test
    void routeErrors() {
        server.spec().body("{\"destination\":\"10.50.0.1/16\",\"gateway\":\"10.40.0.9\"}").post(I + "/routes")
                .then().statusCode(422).body("invalidParams[0].name", equalTo("body.destination"));
        server.spec().body("{\"destination\":\"10.50.0.0/16\",\"gateway\":\"192.168.9.9\"}").post(I + "/routes")
                .then().statusCode(422).body("invalidParams[0].name", equalTo("body.gateway"));
        server.spec().body("{\"destination\":\"10.50.0.0/16\"}").post(I + "/routes")
                .then().statusCode(422).body("invalidParams[0].name", equalTo("body.gateway"));
        server.spec().body("{\"destination\":\"10.50.0.0/16\",\"gateway\":\"10.40.0.9\",\"metric\":\"low\"}").post(I + "/routes")
                .then().statusCode(422).body("invalidParams.name", hasItem("body.metric"));
        server.spec().body("{\"gateway\":\"10.40.0.9\"}").post(I + "/routes")
                .then().statusCode(422).body("invalidParams.name", hasItem("body.destination"));
        server.spec().delete(I + "/routes/10.50.0.0_16").then().statusCode(422)
                .body("invalidParams[0].name", equalTo("route"));
        server.spec().get("/api/v1/instances/nosuch/routes").then().statusCode(404);
    }

    @Test
    void neighborsAddListDeleteFlush() {
        server.spec().body("{\"address\":\"10.40.0.9\",\"mac\":\"02:00:00:00:00:09\"}").post(I + "/neighbors")
                .then().statusCode(201).header("Location", endsWith("/neighbors/10.40.0.9"))
                .body("state", equalTo("PERMANENT")).body("interface", equalTo("eth0"));
        server.spec().body("{\"address\":\"10.40.0.10\",\"mac\":\"02:00:00:00:00:0a\",\"interface\":\"eth0\"}")
                .post(I + "/neighbors").then().statusCode(201);
        server.spec().get(I + "/neighbors").then().statusCode(200)
                .body("address", hasItems("10.40.0.9", "10.40.0.10"))
                .body("find { it.address == '10.40.0.9' }.mac", equalTo("02:00:00:00:00:09"));
        server.spec().delete(I + "/neighbors/10.40.0.9").then().statusCode(204);
        server.spec().delete(I + "/neighbors/10.40.0.9").then().statusCode(404);
        server.spec().delete(I + "/neighbors").then().statusCode(200).body("removed", equalTo(1));
        server.spec().get(I + "/neighbors").then().body("", hasSize(0));
    }

    @Test
    void neighborErrors() {
        server.spec().body("{\"address\":\"10.40.0.9\",\"mac\":\"02:00:00:00:00:0g\"}").post(I + "/neighbors")
                .then().statusCode(422).body("invalidParams[0].name", equalTo("body.mac"));
        server.spec().body("{\"address\":\"10.40.0.9\",\"mac\":\"ff:ff:ff:ff:ff:ff\"}").post(I + "/neighbors")
                .then().statusCode(422).body("invalidParams[0].name", equalTo("body.mac"));
        server.spec().body("{\"address\":\"10.40.0.9\"}").post(I + "/neighbors")
                .then().statusCode(422).body("invalidParams.name", hasItem("body.mac"));
        server.spec().body("{\"address\":\"172.16.0.9\",\"mac\":\"02:00:00:00:00:09\"}").post(I + "/neighbors")
                .then().statusCode(422).body("invalidParams[0].name", equalTo("body.address"));
        server.spec().body("{\"address\":\"10.40.0.9\",\"mac\":\"02:00:00:00:00:09\",\"interface\":\"eth7\"}")
                .post(I + "/neighbors").then().statusCode(422).body("invalidParams[0].name", equalTo("body.interface"));
    }
}
