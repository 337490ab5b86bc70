package org.alpenstack.admin.api;

import java.util.List;

/**
 * A failed request as RFC 9457 problem details. The backend fails its futures with these; the
 * router turns them into {@code application/problem+json}. {@code invalidParams} names the
 * offending fields ("body.addresses[0]", "name", "query.port") so a form can show the error next
 * to the field.
 */
public final class ApiProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** One offending field (RFC 9457 section 3's "invalid-params" extension, in lowerCamelCase). */
    public record InvalidParam(String name, String reason) {
    }

    private final int status;
    private final String title;
    private final List<InvalidParam> invalidParams;

    public ApiProblem(int status, String title, String detail, List<InvalidParam> invalidParams) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.invalidParams = List.copyOf(invalidParams);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public List<InvalidParam> invalidParams() {
        return invalidParams;
    }

    /** A problem type URI per status, stable so scripts can match on it. */
    public String type() {
        return "https://alpenstack.org/problems/" + switch (status) {
            case 400 -> "malformed-request";
            case 401 -> "unauthorized";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 409 -> "conflict";
            case 413 -> "body-too-large";
            case 415 -> "unsupported-media-type";
            case 422 -> "invalid-request";
            case 501 -> "not-implemented";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal-error" : "bad-request";
        };
    }

    public static ApiProblem notFound(String what, String name) {
        return new ApiProblem(404, "Not found", what + " '" + name + "' does not exist", List.of());
    }

    /** 409: the request conflicts with what exists (duplicate name, address, MAC; link in use). */
    public static ApiProblem conflict(String field, String reason) {
        return new ApiProblem(409, "Conflict", field == null ? reason : field + ": " + reason,
                field == null ? List.of() : List.of(new InvalidParam(field, reason)));
    }

    /** 422: a field is missing, mistyped or semantically invalid. */
    public static ApiProblem invalid(String field, String reason) {
        return new ApiProblem(422, "Invalid request", field + ": " + reason, List.of(new InvalidParam(field, reason)));
    }

    public static ApiProblem invalid(List<InvalidParam> params) {
        StringBuilder detail = new StringBuilder();
        for (InvalidParam p : params) {
            if (detail.length() > 0) {
                detail.append("; ");
            }
            detail.append(p.name()).append(": ").append(p.reason());
        }
        return new ApiProblem(422, "Invalid request", detail.toString(), params);
    }

    public static ApiProblem notImplemented(String detail) {
        return new ApiProblem(501, "Not implemented", detail, List.of());
    }

    public static ApiProblem of(int status, String title, String detail) {
        return new ApiProblem(status, title, detail, List.of());
    }
}
