package org.alpenstack.admin.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** Response helpers: JSON bodies, 201 + Location, 204, problem+json. */
final class Http {
    static final String JSON = "application/json";
    static final String PROBLEM_JSON = "application/problem+json";

    private Http() {
    }

    static void json(RoutingContext rc, int status, Object body) {
        if (rc.response().ended()) {
            return;
        }
        rc.response().setStatusCode(status).putHeader("Content-Type", JSON).end(Json.encode(body));
    }

    /** Answers 200 with the future's value, or the problem it failed with. */
    static <T> void ok(RoutingContext rc, Future<T> f) {
        f.onComplete(ar -> {
            if (ar.succeeded()) {
                json(rc, 200, ar.result());
            } else {
                fail(rc, ar.cause());
            }
        });
    }

    /** Answers 201 with a Location header made from the created value. */
    static <T> void created(RoutingContext rc, Future<T> f, Function<T, String> location) {
        f.onComplete(ar -> {
            if (ar.succeeded()) {
                rc.response().putHeader("Location", location.apply(ar.result()));
                json(rc, 201, ar.result());
            } else {
                fail(rc, ar.cause());
            }
        });
    }

    static void noContent(RoutingContext rc, Future<?> f) {
        f.onComplete(ar -> {
            if (ar.succeeded()) {
                if (!rc.response().ended()) {
                    rc.response().setStatusCode(204).end();
                }
            } else {
                fail(rc, ar.cause());
            }
        });
    }

    static void fail(RoutingContext rc, Throwable t) {
        problem(rc, Problems.from(t, rc));
    }

    static void problem(RoutingContext rc, ApiProblem p) {
        if (rc.response().ended() || rc.response().headWritten()) {
            if (!rc.response().ended()) {
                rc.response().reset();
            }
            return;
        }
        JsonObject body = new JsonObject()
                .put("type", p.type())
                .put("title", p.title())
                .put("status", p.status())
                .put("detail", p.detail() == null ? p.title() : p.detail())
                .put("instance", rc.request().path());
        if (!p.invalidParams().isEmpty()) {
            JsonArray a = new JsonArray();
            for (ApiProblem.InvalidParam ip : p.invalidParams()) {
                a.add(new JsonObject().put("name", ip.name()).put("reason", ip.reason()));
            }
            body.put("invalidParams", a);
        }
        rc.response().setStatusCode(p.status()).putHeader("Content-Type", PROBLEM_JSON).end(body.encode());
    }
}
