package org.alpenstack.it.api;

import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import org.alpenstack.admin.api.AdminApiOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With a bearer token configured, every mutating call needs it; reads do not. */
class AuthApiTest {
    private static ApiServer server;

    @BeforeAll
    static void start() throws Exception {
        server = ApiServer.start(AdminApiOptions.defaults().withPort(0).withBearerToken("s3cret")
                .withSampleInterval(Duration.ofMillis(500)));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void mutatingCallsNeedTheToken() {
        server.spec().body("{\"name\":\"guarded\"}").post("/api/v1/instances").then().statusCode(401)
                .contentType("application/problem+json").header("WWW-Authenticate", "Bearer realm=\"alpenstack\"");
        server.spec().header("Authorization", "Bearer wrong").body("{\"name\":\"guarded\"}").post("/api/v1/instances")
                .then().statusCode(401);
        server.spec().header("Authorization", "Bearer s3cret").body("{\"name\":\"guarded\"}").post("/api/v1/instances")
                .then().statusCode(201);
        server.spec().get("/api/v1/instances/guarded").then().statusCode(200).body("name", equalTo("guarded"));
        server.spec().delete("/api/v1/instances/guarded").then().statusCode(401);
        server.spec().header("Authorization", "Bearer s3cret").delete("/api/v1/instances/guarded").then().statusCode(204);
    }
}
