package org.alpenstack.it.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.TreeSet;
import org.alpenstack.admin.api.AdminApi;
import org.junit.jupiter.api.Test;

/** openapi.yaml is the contract: every operation it names has a handler, and nothing else does. */
class ContractTest {

    private static Set<String> contractOperations() {
        JsonObject raw = AdminApi.parseYaml(AdminApi.contractText());
        Set<String> ids = new TreeSet<>();
        JsonObject paths = raw.getJsonObject("paths");
        for (String p : paths.fieldNames()) {
            JsonObject item = paths.getJsonObject(p);
            for (String m : item.fieldNames()) {
                if (item.getValue(m) instanceof JsonObject op && op.containsKey("operationId")) {
                    assertTrue(ids.add(op.getString("operationId")), "duplicate operationId " + op.getString("operationId"));
                }
            }
        }
        return ids;
    }

    @Test
    void everyOperationHasAHandlerAndEveryHandlerAnOperation() {
        Set<String> contract = contractOperations();
        assertFalse(contract.isEmpty());
        assertEquals(contract, AdminApi.handledOperations());
    }

    @Test
    void theContractIsOpenApi31UnderApiV1() {
        JsonObject raw = AdminApi.parseYaml(AdminApi.contractText());
        assertTrue(raw.getString("openapi").startsWith("3.1"));
        for (String p : raw.getJsonObject("paths").fieldNames()) {
            assertTrue(p.startsWith("/api/v1/"), p);
        }
    }

    @Test
    void everyMutatingOperationDocumentsItsErrors() {
        JsonObject paths = AdminApi.parseYaml(AdminApi.contractText()).getJsonObject("paths");
        for (String p : paths.fieldNames()) {
            JsonObject item = paths.getJsonObject(p);
            for (String m : item.fieldNames()) {
                if (!(item.getValue(m) instanceof JsonObject op) || !op.containsKey("operationId")) {
                    continue;
                }
                JsonObject responses = op.getJsonObject("responses");
                if (!m.equals("get")) {
                    assertTrue(responses.containsKey("401"), op.getString("operationId") + " lacks 401");
                }
                if (op.containsKey("requestBody")) {
                    for (String s : new String[] {"400", "413", "415", "422"}) {
                        assertTrue(responses.containsKey(s), op.getString("operationId") + " lacks " + s);
                    }
                }
                if (p.contains("{")) {
                    assertTrue(responses.containsKey("404") && responses.containsKey("422"),
                            op.getString("operationId") + " lacks 404 or 422");
                }
            }
        }
    }
}
