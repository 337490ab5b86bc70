package org.alpenstack.it.api;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /instances: create, list, get, patch, delete, and every way a request can be wrong. */
class InstancesApiTest {
    private static ApiServer server;

    @BeforeAll
    static void start() throws Exception {
        server = ApiServer.start();
        server.spec().body("{\"name\":\"lan\",\"type\":\"memory\"}").post("/api/v1/links").then().statusCode(201);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static void create(String json) {
        server.spec().body(json).post("/api/v1/instances").then().statusCode(201);
    }

    private static void delete(String name) {
        server.spec().delete("/api/v1/instances/" + name).then().statusCode(204);
    }

    @Test
    void createAnswers201WithLocationAndTheRunningInstance() {
        server.spec().body("{\"name\":\"blue\",\"link\":\"lan\",\"addresses\":[\"10.20.0.2/24\"],\"gateway\":\"10.20.0.1\",\"mode\":\"mac\"}")
                .post("/api/v1/instances")
                .then().statusCode(201)
                .header("Location", endsWith("/api/v1/instances/blue"))
                .body("name", equalTo("blue"))
                .body("state", equalTo("running"))
                .body("link", equalTo("lan"))
                .body("addresses", contains("10.20.0.2/24"))
                .body("gateway", equalTo("10.20.0.1"))
                // generated, locally administered (02:...), stable per name
                .body("mac", matchesPattern("02(:[0-9a-f]{2}){5}"));
        String mac = server.spec().get("/api/v1/instances/blue").then().statusCode(200).extract().path("mac");
        delete("blue");
        create("{\"name\":\"blue\",\"link\":\"lan\"}");
        server.spec().get("/api/v1/instances/blue").then().body("mac", equalTo(mac));
        delete("blue");
    }

    @Test
    void listGetPatchDelete() {
        create("{\"name\":\"green\",\"link\":\"lan\",\"addresses\":[\"10.21.0.2/24\"]}");
        server.spec().get("/api/v1/instances").then().statusCode(200).body("name", hasItem("green"));
        server.spec().body("{\"addresses\":[\"10.21.0.3/24\",\"10.21.0.4/24\"],\"gateway\":\"10.21.0.1\",\"tunables\":{\"sack\":false}}")
                .patch("/api/v1/instances/green")
                .then().statusCode(200)
                .body("addresses", contains("10.21.0.3/24", "10.21.0.4/24"))
                .body("gateway", equalTo("10.21.0.1"));
        server.spec().get("/api/v1/instances/green/tunables").then().body("find { it.name == 'sack' }.value", equalTo(false));
        server.spec().body("{\"gateway\":null}").patch("/api/v1/instances/green")
                .then().statusCode(200).body("gateway", equalTo(null));
        delete("green");
        server.spec().get("/api/v1/instances/green").then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404));
        server.spec().get("/api/v1/instances").then().body("name", not(hasItem("green")));
    }

    @Test
    void anInstanceWithoutLinkHasOnlyItsLoopback() {
        create("{\"name\":\"lonely\"}");
        server.spec().get("/api/v1/instances/lonely/interfaces").then().statusCode(200)
                .body("", hasSize(1)).body("[0].name", equalTo("lo")).body("[0].addresses", contains("127.0.0.1/8"));
        delete("lonely");
    }

    @Test
    void deleteFreesTheAddressAndMacForReuse() {
        create("{\"name\":\"first\",\"link\":\"lan\",\"addresses\":[\"10.22.0.2/24\"],\"mac\":\"02:00:00:00:22:02\"}");
        server.spec().body("{\"name\":\"second\",\"link\":\"lan\",\"addresses\":[\"10.22.0.2/24\"]}")
                .post("/api/v1/instances").then().statusCode(409).body("invalidParams[0].name", equalTo("body.addresses[0]"));
        server.spec().body("{\"name\":\"second\",\"link\":\"lan\",\"mac\":\"02:00:00:00:22:02\"}")
                .post("/api/v1/instances").then().statusCode(409).body("invalidParams[0].name", equalTo("body.mac"));
        delete("first");
        create("{\"name\":\"second\",\"link\":\"lan\",\"addresses\":[\"10.22.0.2/24\"],\"mac\":\"02:00:00:00:22:02\"}");
        delete("second");
    }

    @Test
    void duplicateNameIs409() {
        create("{\"name\":\"twin\"}");
        server.spec().body("{\"name\":\"twin\"}").post("/api/v1/instances")
                .then().statusCode(409).contentType("application/problem+json")
                .body("invalidParams[0].name", equalTo("body.name"));
        delete("twin");
    }

    @Test
    void missingFieldIs422NamingIt() {
        server.spec().body("{\"link\":\"lan\"}").post("/api/v1/instances")
                .then().statusCode(422).contentType("application/problem+json")
                .body("type", containsString("invalid-request"))
                .body("invalidParams.name", hasItem("body.name"));
    }

    @Test
    void wrongTypeIs422NamingTheField() {
        server.spec().body("{\"name\":\"x\",\"addresses\":\"10.0.0.1/24\"}").post("/api/v1/instances")
                .then().statusCode(422).body("invalidParams.name", hasItem("body.addresses"));
        server.spec().body("{\"name\":42}").post("/api/v1/instances")
                .then().statusCode(422).body("invalidParams.name", hasItem("body.name"));
    }

    @Test
    void badCidrIs422NamingTheListElement() {
        server.spec().body("{\"name\":\"x\",\"link\":\"lan\",\"addresses\":[\"10.0.0.2/24\",\"10.0.0.300/24\"]}")
                .post("/api/v1/instances").then().statusCode(422)
                .body("invalidParams.name", hasItem("body.addresses[1]"));
        server.spec().body("{\"name\":\"x\",\"link\":\"lan\",\"addresses\":[\"10.0.0.2/33\"]}")
                .post("/api/v1/instances").then().statusCode(422)
                .body("invalidParams.name", hasItem("body.addresses[0]"));
        // syntactically fine, semantically not a host address
        server.spec().body("{\"name\":\"x\",\"link\":\"lan\",\"addresses\":[\"10.0.0.0/24\"]}")
                .post("/api/v1/instances").then().statusCode(422)
                .body("invalidParams[0].name", equalTo("body.addresses[0]"));
        server.spec().get("/api/v1/instances/x").then().statusCode(404);
    }

    @Test
    void badMacIs422() {
        server.spec().body("{\"name\":\"x\",\"link\":\"lan\",\"mac\":\"02:00:00:00:00\"}").post("/api/v1/instances")
                .then().statusCode(422).body("invalidParams.name", hasItem("body.mac"));
        server.spec().body("{\"name\":\"x\",\"link\":\"lan\",\"mac\":\"01:00:5e:00:00:01\"}").post("/api/v1/instances")
                .then().statusCode(422).body("invalidParams[0].name", equalTo("body.mac")).body("detail", containsString("unicast"));
    }

    @Test
    void unknownLinkIs422AndUnknownFieldsAreRefused() {
        server.spec().body("{\"name\":\"x\",\"link\":\"nosuch\"}").post("/api/v1/instances")
                .then().statusCode(422).body("invalidParams[0].name", equalTo("body.link"));
        server.spec().body("{\"name\":\"x\",\"colour\":\"red\"}").post("/api/v1/instances")
                .then().statusCode(422);
    }

    @Test
    void unknownInstanceIs404Everywhere() {
        for (String sub : new String[] {"", "/interfaces", "/routes", "/neighbors", "/connections", "/stats",
                "/tunables", "/impairment", "/clients"}) {
            server.spec().get("/api/v1/instances/nosuch" + sub).then().statusCode(404)
                    .contentType("application/problem+json").body("detail", containsString("nosuch"));
        }
        server.spec().delete("/api/v1/instances/nosuch").then().statusCode(404);
        server.spec().body("{\"gateway\":null}").patch("/api/v1/instances/nosuch").then().statusCode(404);
    }

    @Test
    void oversizedBodyIs413() {
        StringBuilder big = new StringBuilder("{\"name\":\"big\",\"addresses\":[");
        while (big.length() < 70_000) {
            big.append("\"10.0.0.1/24\",");
        }
        big.append("\"10.0.0.1/24\"]}");
        server.spec().body(big.toString()).post("/api/v1/instances")
                .then().statusCode(413).contentType("application/problem+json").body("status", equalTo(413));
    }

    @Test
    void pathTraversalInANameIsRefused() {
        server.spec().body("{\"name\":\"../../etc/passwd\"}").post("/api/v1/instances")
                .then().statusCode(422).body("invalidParams.name", hasItem("body.name"));
        server.spec().body("{\"name\":\".hidden\"}").post("/api/v1/instances").then().statusCode(422);
        server.spec().urlEncodingEnabled(false).get("/api/v1/instances/..%2F..%2Fetc%2Fpasswd")
                .then().statusCode(422).contentType("application/problem+json").body("invalidParams[0].name", equalTo("name"));
        server.spec().urlEncodingEnabled(false).delete("/api/v1/instances/..%2Fblue")
                .then().statusCode(422);
    }

    @Test
    void malformedJsonIs400() {
        server.spec().body("{\"name\": ").post("/api/v1/instances")
                .then().statusCode(400).contentType("application/problem+json").body("status", equalTo(400));
    }

    @Test
    void aBodyWithoutMediaTypeIsJsonButOtherTypesAre415() {
        server.spec().contentType("application/x-www-form-urlencoded").body("{\"name\":\"curly\"}")
                .post("/api/v1/instances").then().statusCode(201);
        delete("curly");
        server.spec().contentType("text/plain").body("{\"name\":\"plain\"}").post("/api/v1/instances")
                .then().statusCode(415).contentType("application/problem+json");
    }

    @Test
    void concurrentCreatesOfOneNameGiveOne201AndThe409s() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var pending = new java.util.ArrayList<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>>();
        for (int k = 0; k < 20; k++) {
            pending.add(http.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUri + "/api/v1/instances"))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"name\":\"race\",\"link\":\"lan\",\"addresses\":[\"10.23.0." + (k + 2) + "/24\"]}"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString()));
        }
        int created = 0;
        int conflicts = 0;
        for (var f : pending) {
            int status = f.get().statusCode();
            created += status == 201 ? 1 : 0;
            conflicts += status == 409 ? 1 : 0;
        }
        org.junit.jupiter.api.Assertions.assertEquals(1, created);
        org.junit.jupiter.api.Assertions.assertEquals(19, conflicts);
        delete("race");
    }

    @Test
    void unknownPathIsAProblemToo() {
        server.raw().get("/api/v1/nothing-here").then().statusCode(404)
                .contentType("application/problem+json").body("title", notNullValue());
    }
}
