package org.alpenstack.it.ui;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dashboard's files as the server hands them out (no browser needed). */
class WebUiTest {
    private static UiServer server;

    @BeforeAll
    static void start() throws Exception {
        server = UiServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void indexAtTheRootWithAStrictContentSecurityPolicy() {
        given().baseUri(server.baseUri).get("/").then().statusCode(200)
                .contentType(startsWith("text/html"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("X-Content-Type-Options", "nosniff")
                .body(containsString("<script type=\"module\" src=\"js/main.js\">"));
        given().baseUri(server.baseUri).get("/index.html").then().statusCode(200).contentType(startsWith("text/html"));
        String length = given().baseUri(server.baseUri).get("/").then().extract().header("Content-Length");
        given().baseUri(server.baseUri).head("/").then().statusCode(200).header("Content-Length", length);
    }

    @Test
    void modulesStylesAndIconWithTheirTypes() {
        given().baseUri(server.baseUri).get("/js/main.js").then().statusCode(200).contentType(startsWith("text/javascript"));
        given().baseUri(server.baseUri).get("/app.css").then().statusCode(200).contentType(startsWith("text/css"));
        given().baseUri(server.baseUri).get("/favicon.svg").then().statusCode(200).contentType(startsWith("image/svg+xml"));
    }

    @Test
    void revalidatedByEtag() {
        String etag = given().baseUri(server.baseUri).get("/app.css").then().statusCode(200)
                .header("Cache-Control", "no-cache").extract().header("ETag");
        given().baseUri(server.baseUri).header("If-None-Match", etag).get("/app.css").then().statusCode(304);
    }

    @Test
    void nothingElseOnTheClassPathIsReachable() {
        for (String path : new String[] {"/../pom.xml", "/%2e%2e/%2e%2e/alpenstack/openapi.yaml", "/js/../../webui/index.html.bak",
                "/org/alpenstack/admin/api/WebUi.class", "/js/", "/missing.js", "/META-INF/MANIFEST.MF"}) {
            given().baseUri(server.baseUri).urlEncodingEnabled(false).get(path).then().log().ifValidationFails().statusCode(404)
                    .contentType(startsWith("application/problem+json"));
        }
    }

    @Test
    void theApiIsUntouched() {
        given().baseUri(server.baseUri).get("/api/v1/health").then().statusCode(200).body("status", equalTo("ok"));
        given().baseUri(server.baseUri).get("/api/v1/index.html").then().statusCode(404)
                .contentType(startsWith("application/problem+json"));
        given().baseUri(server.baseUri).get("/openapi.yaml").then().statusCode(200).contentType(startsWith("application/yaml"));
    }
}
