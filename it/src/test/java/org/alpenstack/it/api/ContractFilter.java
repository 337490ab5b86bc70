package org.alpenstack.it.api;

import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.http.Header;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.alpenstack.admin.api.AdminApi;

/**
 * Checks every response against openapi.yaml: the status must be declared for the operation,
 * the body must match the declared schema for its media type, declared headers must be right.
 * Also records which operations the tests exercised, so a test can insist all of them were.
 */
final class ContractFilter implements Filter {
    static final Set<String> EXERCISED = ConcurrentHashMap.newKeySet();
    private final OpenAPIContract contract;
    private final ResponseValidator validator;

    ContractFilter(Vertx vertx) {
        try {
            this.contract = AdminApi.loadContract(vertx, AdminApi.contractText())
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        this.validator = ResponseValidator.create(vertx, contract);
    }

    OpenAPIContract contract() {
        return contract;
    }

    @Override
    public Response filter(FilterableRequestSpecification req, FilterableResponseSpecification res, FilterContext ctx) {
        Response r = ctx.next(req, res);
        String path = URI.create(req.getURI()).getRawPath();
        Operation op = contract.findOperation(path, HttpMethod.valueOf(req.getMethod()));
        if (op == null) {
            return r;
        }
        EXERCISED.add(op.getOperationId() + " " + r.getStatusCode());
        String type = r.getContentType();
        Map<String, String> headers = new HashMap<>();
        for (Header h : r.getHeaders()) {
            headers.put(h.getName(), h.getValue());
        }
        ValidatableResponse v;
        if (type == null || type.isEmpty()) {
            v = ValidatableResponse.create(r.getStatusCode(), headers);
        } else {
            String media = AdminApi.supportedMediaType(type.split(";")[0].trim());
            if (!media.endsWith("json")) {
                // vertx-openapi cannot validate text or binary bodies; check the status and media type are declared.
                JsonObject declared = op.getOpenAPIModel().getJsonObject("responses")
                        .getJsonObject(String.valueOf(r.getStatusCode()));
                if (declared == null || declared.getJsonObject("content") == null
                        || !declared.getJsonObject("content").containsKey(media)) {
                    throw new AssertionError(req.getMethod() + " " + path + " -> " + r.getStatusCode() + " " + type
                            + " is not declared for " + op.getOperationId() + " in openapi.yaml");
                }
                return r;
            }
            v = ValidatableResponse.create(r.getStatusCode(), headers, Buffer.buffer(r.asByteArray()), media);
        }
        try {
            validator.validate(v, op.getOperationId()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            throw new AssertionError(req.getMethod() + " " + path + " -> " + r.getStatusCode() + " does not match "
                    + op.getOperationId() + " in openapi.yaml: " + c.getMessage() + "\nbody: " + r.asString(), c);
        }
        return r;
    }

    static Set<String> exercisedOperations() {
        Set<String> ids = new TreeSet<>();
        for (String s : EXERCISED) {
            ids.add(s.substring(0, s.indexOf(' ')));
        }
        return ids;
    }
}
