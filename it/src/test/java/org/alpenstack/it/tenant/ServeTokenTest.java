package org.alpenstack.it.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.alpenstack.admin.Server;
import org.alpenstack.admin.ServeCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --token-file FILE}: the real server runs the REST API of openapi.yaml and asks
 * for the bearer token (RFC 6750) on every mutating call, while reads stay open. An empty
 * config needs no device, so this runs without root.
 */
class ServeTokenTest {
    @TempDir
    Path dir;

    private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void mutatingCallsNeedTheTokenFromTheFileReadsDoNot() throws Exception {
        Path config = Files.writeString(dir.resolve("empty.json"), "{\"links\": [], \"instances\": []}");
        Path token = Files.writeString(dir.resolve("token"), "s3cret-tour-token\nignored second line\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ServeCommand.run(new String[] {"--config", config.toString(), "--admin", "127.0.0.1:0",
                "--token-file", token.toString()}, new PrintStream(out, true), new PrintStream(err, true), false);
        assertEquals(0, exit, err.toString());
        Server server = ServeCommand.lastStarted();
        try {
            assertTrue(out.toString().contains("mutating calls need the bearer token"), out.toString());
            String base = "http://127.0.0.1:" + server.adminPort();
            URI missing = URI.create(base + "/api/v1/instances/nosuch");

            HttpResponse<String> anonymous = send(HttpRequest.newBuilder(missing).DELETE());
            assertEquals(401, anonymous.statusCode(), anonymous.body());
            assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
            HttpResponse<String> wrong = send(HttpRequest.newBuilder(missing).DELETE()
                    .header("Authorization", "Bearer s3cret-tour-tokeN"));
            assertEquals(401, wrong.statusCode(), wrong.body());
            // With the token the call reaches the backend, which knows no such instance.
            HttpResponse<String> authorised = send(HttpRequest.newBuilder(missing).DELETE()
                    .header("Authorization", "Bearer s3cret-tour-token"));
            assertEquals(404, authorised.statusCode(), authorised.body());
            assertTrue(authorised.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));

            HttpResponse<String> list = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/instances")));
            assertEquals(200, list.statusCode());
            assertEquals("[]", list.body().strip());
            assertEquals(200, send(HttpRequest.newBuilder(URI.create(base + "/api/v1/links"))).statusCode());
        } finally {
            server.stop();
        }
    }

    @Test
    void anEmptyTokenFileIsRefusedBeforeAnythingStarts() throws Exception {
        Path config = Files.writeString(dir.resolve("empty.json"), "{\"links\": [], \"instances\": []}");
        Path token = Files.writeString(dir.resolve("token"), "\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ServeCommand.run(new String[] {"--config", config.toString(), "--admin", "127.0.0.1:0",
                "--token-file", token.toString()}, new PrintStream(new ByteArrayOutputStream(), true),
                new PrintStream(err, true), false);
        assertEquals(2, exit);
        assertTrue(err.toString().contains("--token-file") && err.toString().contains("is empty"), err.toString());
    }
}
