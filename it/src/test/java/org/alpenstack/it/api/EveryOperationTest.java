package org.alpenstack.it.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.alpenstack.admin.api.AdminApi;
import org.junit.jupiter.api.Test;

/**
 * Walks every operation of openapi.yaml once with a good request, in an order where each finds
 * what it needs, and checks it succeeds; the contract filter checks each answer against its
 * schema. Then the operations covered must be exactly the contract's.
 */
class EveryOperationTest {

    private record Call(String method, String path, String body, int status) {
    }

    @Test
    void everyOperationAnswersAndMatchesItsSchema() throws Exception {
        Map<String, Call> calls = new LinkedHashMap<>();
        String i = "/api/v1/instances/every";
        calls.put("getHealth", new Call("GET", "/api/v1/health", null, 200));
        calls.put("createLink", new Call("POST", "/api/v1/links", "{\"name\":\"eo\",\"type\":\"memory\"}", 201));
        calls.put("listLinks", new Call("GET", "/api/v1/links", null, 200));
        calls.put("getLink", new Call("GET", "/api/v1/links/eo", null, 200));
        calls.put("createInstance", new Call("POST", "/api/v1/instances",
                "{\"name\":\"every\",\"link\":\"eo\",\"addresses\":[\"10.120.0.2/24\"],\"gateway\":\"10.120.0.1\"}", 201));
        calls.put("listInstances", new Call("GET", "/api/v1/instances", null, 200));
        calls.put("getInstance", new Call("GET", i, null, 200));
        calls.put("patchInstance", new Call("PATCH", i, "{\"gateway\":\"10.120.0.254\"}", 200));
        calls.put("listInterfaces", new Call("GET", i + "/interfaces", null, 200));
        calls.put("addAddress", new Call("POST", i + "/interfaces/eth0/addresses", "{\"address\":\"10.121.0.2/24\"}", 201));
        calls.put("removeAddress", new Call("DELETE", i + "/interfaces/eth0/addresses/10.121.0.2", null, 204));
        calls.put("addRoute", new Call("POST", i + "/routes", "{\"destination\":\"10.122.0.0/16\",\"gateway\":\"10.120.0.9\"}", 201));
        calls.put("listRoutes", new Call("GET", i + "/routes", null, 200));
        calls.put("deleteRoute", new Call("DELETE", i + "/routes/10.122.0.0-16", null, 204));
        calls.put("flushRoutes", new Call("DELETE", i + "/routes", null, 200));
        calls.put("addNeighbor", new Call("POST", i + "/neighbors", "{\"address\":\"10.120.0.9\",\"mac\":\"02:00:00:00:00:09\"}", 201));
        calls.put("listNeighbors", new Call("GET", i + "/neighbors", null, 200));
        calls.put("deleteNeighbor", new Call("DELETE", i + "/neighbors/10.120.0.9", null, 204));
        calls.put("flushNeighbors", new Call("DELETE", i + "/neighbors", null, 200));
        calls.put("listConnections", new Call("GET", i + "/connections", null, 200));
        calls.put("getStats", new Call("GET", i + "/stats", null, 200));
        calls.put("getTunables", new Call("GET", i + "/tunables", null, 200));
        calls.put("patchTunables", new Call("PATCH", i + "/tunables", "{\"sack\":false}", 200));
        calls.put("getImpairment", new Call("GET", i + "/impairment", null, 200));
        calls.put("setImpairment", new Call("PUT", i + "/impairment", "{\"receive\":{\"delayMillis\":1}}", 200));
        calls.put("listClients", new Call("GET", i + "/clients", null, 200));
        calls.put("captureTraffic", new Call("GET", i + "/capture?count=1&seconds=1", null, 200));
        calls.put("getMetrics", new Call("GET", "/api/v1/metrics", null, 200));
        calls.put("streamEvents", new Call("GET", "/api/v1/events?instance=every", null, 200));
        calls.put("deleteInstance", new Call("DELETE", i, null, 204));
        calls.put("deleteLink", new Call("DELETE", "/api/v1/links/eo", null, 204));

        try (ApiServer s = ApiServer.start()) {
            // A listening socket, so that abortConnection has something to abort.
            int abortAt = 0;
            for (Map.Entry<String, Call> e : calls.entrySet()) {
                Call c = e.getValue();
                if (e.getKey().equals("listConnections")) {
                    Traffic.listen(s.backend, "every", "0.0.0.0", 8080);
                }
                Response r;
                if (e.getKey().equals("streamEvents")) {
                    // A stream never ends: read its head only.
                    var http = java.net.http.HttpClient.newHttpClient();
                    var resp = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.baseUri + c.path()))
                            .build(), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
                    assertEquals(200, resp.statusCode());
                    assertTrue(resp.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
                    resp.body().close();
                    ContractFilter.EXERCISED.add("streamEvents 200");
                    continue;
                }
                var spec = s.spec();
                if (c.body() != null) {
                    spec = spec.body(c.body());
                }
                r = spec.request(c.method(), c.path());
                assertEquals(c.status(), r.statusCode(), e.getKey() + ": " + r.asString());
                if (e.getKey().equals("listConnections")) {
                    String id = r.path("find { it.state == 'LISTEN' }.id");
                    s.spec().delete(i + "/connections/" + id).then().statusCode(204);
                    abortAt++;
                }
            }
            assertEquals(1, abortAt);
        }
        Set<String> covered = new TreeSet<>(calls.keySet());
        covered.add("abortConnection");
        assertEquals(contractOperations(), covered);
    }

    private static Set<String> contractOperations() {
        Set<String> ids = new TreeSet<>();
        JsonObject paths = AdminApi.parseYaml(AdminApi.contractText()).getJsonObject("paths");
        for (String p : paths.fieldNames()) {
            JsonObject item = paths.getJsonObject(p);
            for (String m : item.fieldNames()) {
                if (item.getValue(m) instanceof JsonObject op && op.containsKey("operationId")) {
                    ids.add(op.getString("operationId"));
                }
            }
        }
        return ids;
    }
}
