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
            // vertx-web wraps what a handler failed with (the contract validator's exception) in a 400.
            if (h.getCause() != null && h.getCause() != h) {
                return from(h.getCause(), rc);
            }
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
            case 413 -> ApiProblem.of(413, "Body too large", "the request body is larger than this server accepts");
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
        if (msg.contains("content-type") || msg.contains("Content-Type") || msg.contains("content type")
                || msg.contains("format of the request body is not supported")) {
            return ApiProblem.of(415, "Unsupported media type", "request bodies are JSON: send Content-Type: application/json");
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

    /** Messages that only say "something below failed"; the leaf error says what. */
    private static boolean generic(String err) {
        return err.endsWith("does not match schema") || err.startsWith("A subschema had errors")
                || err.startsWith("Items did not match schema") || err.contains("additional properties schema");
    }

    /**
     * Flattens the validator's output to one reason per field: the most specific error for the
     * deepest location (an error at "addresses[1]" hides the summary at "addresses").
     */
    private static void collect(OutputUnit u, String prefix, Map<String, String> out) {
        List<OutputUnit> flat = new ArrayList<>();
        flatten(u, flat);
        Map<String, String> best = new LinkedHashMap<>();
        for (OutputUnit x : flat) {
            String err = x.getError();
            if (err == null) {
                continue;
            }
            String field = fieldName(prefix, x.getInstanceLocation());
            Matcher req = REQUIRED.matcher(err);
            String reason;
            if (req.find()) {
                field = field + "." + req.group(1);
                reason = "is required";
            } else if (err.contains("additional properties schema")) {
                reason = "unknown field";
            } else {
                reason = humane(err, x.getAbsoluteKeywordLocation(), prefix);
            }
            String had = best.get(field);
            if (had == null || generic(had) && !generic(reason) || had.equals("unknown field") && !generic(reason)) {
                best.put(field, reason);
            }
        }
        for (Map.Entry<String, String> e : best.entrySet()) {
            boolean hasDeeper = false;
            for (String other : best.keySet()) {
                if (other.length() > e.getKey().length() && (other.startsWith(e.getKey() + ".")
                        || other.startsWith(e.getKey() + "["))) {
                    hasDeeper = true;
                }
            }
            if (!hasDeeper) {
                out.put(e.getKey(), e.getValue());
            }
        }
    }

    private static void flatten(OutputUnit u, List<OutputUnit> into) {
        if (u == null) {
            return;
        }
        into.add(u);
        if (u.getErrors() != null) {
            for (OutputUnit c : u.getErrors()) {
                flatten(c, into);
            }
        }
    }

    /** A pattern failure says which format was expected, by the schema it came from. */
    private static String humane(String err, String keywordLocation, String prefix) {
        if (!err.contains("does not match pattern")) {
            return err;
        }
        String k = keywordLocation == null ? "" : keywordLocation;
        if (k.contains("/schemas/Ipv4Cidr/") || prefix.endsWith("destination")) {
            return "not an IPv4 CIDR (a.b.c.d/len)";
        }
        if (k.contains("/schemas/Ipv4/") || prefix.endsWith("address") || prefix.endsWith("host")) {
            return "not an IPv4 address (a.b.c.d)";
        }
        if (k.contains("/schemas/Mac/")) {
            return "not a MAC address (xx:xx:xx:xx:xx:xx)";
        }
        if (k.contains("/schemas/Name/") || prefix.equals("name") || prefix.equals("link") || prefix.endsWith("instance")) {
            return "a name is 1-32 of a-z, 0-9 and '-', starting with a letter";
        }
        if (k.contains("/schemas/InterfaceName/") || prefix.equals("interface")) {
            return "an interface name is a letter then up to 14 letters or digits";
        }
        return err;
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
