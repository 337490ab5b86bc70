package org.alpenstack.admin.api;

import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns whatever failed a request into problem details naming the field: the contract
 * validator's schema errors (JSON pointers become "body.addresses[0]"), missing or malformed
 * parameters, too-large bodies, unparseable JSON, and the backend's {@link ApiProblem}s.
 */
final class Problems {
    private static final Pattern PARAMETER = Pattern.compile("(path|query|header|cookie) parameter (\\S+?)[ .:]");
    private static final Pattern REQUIRED = Pattern.compile("required property \"?'?([^\"' ]+)");

    private Problems() {
    }

    static ApiProblem from(Throwable t, RoutingContext rc) {
        if (t instanceof ApiProblem p) {
            return p;
        }
        if (t instanceof SchemaValidationException s) {
            return fromSchema(s);
        }
        if (t instanceof ValidatorException v) {
            return fromValidator(v, rc);
        }
        if (t instanceof DecodeException) {
            return ApiProblem.of(400, "Malformed request", "the body is not valid JSON");
        }
        if (t instanceof HttpException h) {
            return fromStatus(h.getStatusCode(), rc);
        }
        if (t == null) {
            return fromStatus(rc.statusCode() < 0 ? 500 : rc.statusCode(), rc);
        }
        return ApiProblem.of(500, "Internal error", t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + t.getMessage()));
    }

    static ApiProblem fromStatus(int status, RoutingContext rc) {
        return switch (status) {
            case 413 -> ApiProblem.of(413, "Body too large", "request bodies are limited to "
                    + rc.get(AdminApi.BODY_LIMIT_KEY, "?") + " bytes");
            case 404 -> ApiProblem.of(404, "Not found", "no resource at " + rc.request().path());
            case 405 -> ApiProblem.of(405, "Method not allowed",
                    rc.request().method() + " is not allowed on " + rc.request().path());
            case 400 -> ApiProblem.of(400, "Malformed request", "the request could not be read");
            case 415 -> ApiProblem.of(415, "Unsupported media type", "send application/json");
            default -> ApiProblem.of(status, status >= 500 ? "Internal error" : "Bad request", "HTTP " + status);
        };
    }

    private static ApiProblem fromValidator(ValidatorException v, RoutingContext rc) {
        String msg = v.getMessage() == null ? "invalid request" : v.getMessage();
        if (v.type() == ValidatorErrorType.MISSING_OPERATION) {
            return ApiProblem.of(404, "Not found", msg);
        }
        if (msg.contains("decode") && msg.toLowerCase().contains("body")) {
            return ApiProblem.of(400, "Malformed request", "the body is not valid JSON");
        }
        if (msg.contains("content-type") || msg.contains("Content-Type") || msg.contains("content type")) {
            return ApiProblem.of(415, "Unsupported media type", msg);
        }
        Matcher m = PARAMETER.matcher(msg + " ");
        String field = m.find() ? (m.group(1).equals("path") ? m.group(2) : m.group(1) + "." + m.group(2)) : "request";
        if (v.type() == ValidatorErrorType.MISSING_REQUIRED_PARAMETER && msg.toLowerCase().contains("body")) {
            field = "body";
        }
        return ApiProblem.invalid(field, msg);
    }

    private static ApiProblem fromSchema(SchemaValidationException s) {
        String msg = s.getMessage() == null ? "" : s.getMessage();
        Matcher pm = PARAMETER.matcher(msg + " ");
        String prefix = pm.find() ? (pm.group(1).equals("path") ? pm.group(2) : pm.group(1) + "." + pm.group(2)) : "body";
        Map<String, String> byField = new LinkedHashMap<>();
        OutputUnit root = s.getOutputUnit();
        collect(root, prefix, byField);
        if (byField.isEmpty()) {
            byField.put(prefix, msg);
        }
        List<ApiProblem.InvalidParam> params = new ArrayList<>();
        byField.forEach((k, r) -> params.add(new ApiProblem.InvalidParam(k, r)));
        return ApiProblem.invalid(params);
    }

    /** Keeps the first, most specific error per field (leaf errors of the output tree). */
    private static void collect(OutputUnit u, String prefix, Map<String, String> out) {
        if (u == null) {
            return;
        }
        List<OutputUnit> children = u.getErrors();
        if (children != null && !children.isEmpty()) {
            for (OutputUnit c : children) {
                collect(c, prefix, out);
            }
            return;
        }
        String err = u.getError();
        if (err == null) {
            return;
        }
        String field = fieldName(prefix, u.getInstanceLocation());
        Matcher req = REQUIRED.matcher(err);
        if (req.find()) {
            field = field + "." + req.group(1);
            err = "is required";
        }
        out.putIfAbsent(field, err);
    }

    /** "/addresses/0" under "body" becomes "body.addresses[0]". */
    static String fieldName(String prefix, String pointer) {
        StringBuilder b = new StringBuilder(prefix);
        if (pointer == null) {
            return b.toString();
        }
        String p = pointer.startsWith("#") ? pointer.substring(1) : pointer;
        for (String seg : p.split("/")) {
            if (seg.isEmpty()) {
                continue;
            }
            String s = seg.replace("~1", "/").replace("~0", "~");
            if (s.chars().allMatch(Character::isDigit)) {
                b.append('[').append(s).append(']');
            } else {
                b.append('.').append(s);
            }
        }
        return b.toString();
    }
}
