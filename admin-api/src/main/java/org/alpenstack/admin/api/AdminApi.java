package org.alpenstack.admin.api;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.alpenstack.admin.api.events.ActivitySampler;
import org.alpenstack.admin.api.events.Event;
import org.alpenstack.admin.api.events.EventHub;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The admin REST API: a router built from openapi.yaml (every operationId bound to a handler,
 * every request validated against the contract), problem+json for every error, an optional
 * bearer token on mutating calls, a body size limit, /events and /metrics, and the contract
 * itself at GET /openapi.yaml.
 *
 * <p>The one call the server makes: {@link #start(Vertx, AdminBackend, AdminApiOptions)}.
 * Use {@link #create} instead to get the {@link Router} and mount more routes on it (static
 * dashboard files) before listening.
 */
public final class AdminApi {
    /** Where openapi.yaml sits on the class path (copied there from the top-level file). */
    public static final String CONTRACT_RESOURCE = "alpenstack/openapi.yaml";

    private final Vertx vertx;
    private final AdminBackend backend;
    private final AdminApiOptions options;
    private final Router router;
    private final EventHub events;
    private final ActivitySampler sampler;
    private final AutoCloseable instanceEvents;
    private HttpServer server;

    private AdminApi(Vertx vertx, AdminBackend backend, AdminApiOptions options, Router router, EventHub events,
                     ActivitySampler sampler, AutoCloseable instanceEvents) {
        this.vertx = vertx;
        this.backend = backend;
        this.options = options;
        this.router = router;
        this.events = events;
        this.sampler = sampler;
        this.instanceEvents = instanceEvents;
    }

    /** Builds the API and listens on {@code options.host():options.port()}. */
    public static Future<AdminApi> start(Vertx vertx, AdminBackend backend, AdminApiOptions options) {
        return create(vertx, backend, options).compose(api -> api.listen());
    }

    /** Builds the API (router, events) without listening; call {@link #listen()} after mounting more routes. */
    public static Future<AdminApi> create(Vertx vertx, AdminBackend backend, AdminApiOptions options) {
        String text = contractText();
        return loadContract(vertx, text).map(contract -> {
            EventHub events = new EventHub(vertx);
            Operations ops = new Operations(backend, events, new Observability(vertx, backend));
            Router router = buildRouter(vertx, contract, ops.handlers(), options, text);
            AutoCloseable sub = backend.onInstanceEvent(e -> events.publish(e.type(), e.instance(),
                    e.type().equals(Event.INSTANCE_DELETED) ? Map.of("name", e.instance()) : e.info()));
            ActivitySampler sampler = new ActivitySampler(vertx, backend, events, options.sampleInterval());
            sampler.start();
            return new AdminApi(vertx, backend, options, router, events, sampler, sub);
        });
    }

    public Future<AdminApi> listen() {
        HttpServerOptions o = new HttpServerOptions().setHost(options.host()).setPort(options.port())
                .setCompressionSupported(false);
        return vertx.createHttpServer(o).requestHandler(router).listen().map(s -> {
            this.server = s;
            return this;
        });
    }

    public Router router() {
        return router;
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return server == null ? -1 : server.actualPort();
    }

    public AdminBackend backend() {
        return backend;
    }

    /** Stops listening and ends the event streams; the backend is the caller's to close. */
    public Future<Void> close() {
        sampler.stop();
        events.close();
        try {
            instanceEvents.close();
        } catch (Exception e) {
            // nothing to undo: the listener list is in memory
        }
        return server == null ? Future.succeededFuture() : server.close();
    }

    /** The operationIds this build handles (a test compares them with the contract's). */
    public static Set<String> handledOperations() {
        return new TreeSet<>(new Operations(null, new EventHub(null), new Observability(null, null)).handlers().keySet());
    }

    public static String contractText() {
        try (InputStream in = AdminApi.class.getClassLoader().getResourceAsStream(CONTRACT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CONTRACT_RESOURCE + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The contract as vertx-openapi can hold it. That library models only a few media types
     * (JSON, vnd.*+json, text/plain, multipart, octet-stream) and refuses a contract naming any
     * other, though RFC 9457's application/problem+json is JSON and the two streams here
     * (text/event-stream, application/vnd.tcpdump.pcap) are never validated. So in the copy given
     * to it, and never in the served openapi.yaml, a "+json" type is read as application/json and
     * any other unsupported type as application/octet-stream.
     */
    public static Future<OpenAPIContract> loadContract(Vertx vertx, String text) {
        JsonObject raw = parseYaml(text);
        rewriteMediaTypes(raw);
        return OpenAPIContract.from(vertx, raw);
    }

    /** The media type vertx-openapi knows that stands for {@code media} (see {@link #loadContract}). */
    public static String supportedMediaType(String media) {
        if (MediaType.isMediaTypeSupported(media)) {
            return media;
        }
        return media.endsWith("+json") ? MediaType.APPLICATION_JSON : MediaType.APPLICATION_OCTET_STREAM;
    }

    private static void rewriteMediaTypes(Object node) {
        if (node instanceof JsonObject o) {
            for (String key : Set.copyOf(o.fieldNames())) {
                Object child = o.getValue(key);
                if (key.equals("content") && child instanceof JsonObject content) {
                    for (String media : Set.copyOf(content.fieldNames())) {
                        String to = supportedMediaType(media);
                        if (!to.equals(media)) {
                            content.put(to, content.remove(media));
                        }
                    }
                }
                rewriteMediaTypes(child);
            }
        } else if (node instanceof io.vertx.core.json.JsonArray a) {
            for (Object child : a) {
                rewriteMediaTypes(child);
            }
        }
    }

    @SuppressWarnings("unchecked")
    public static JsonObject parseYaml(String text) {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        return new JsonObject((Map<String, Object>) yaml.load(text));
    }

    private static Router buildRouter(Vertx vertx, OpenAPIContract contract, Map<String, Handler<RoutingContext>> handlers,
                                      AdminApiOptions options, String contractText) {
        RouterBuilder rb = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
        // Vert.x-web wants platform handlers, then body handling, then user handlers.
        rb.rootHandler(new JsonByDefault());
        rb.rootHandler(BodyHandler.create(false).setBodyLimit(options.bodyLimitBytes()));
        if (options.bearerToken() != null) {
            rb.rootHandler(new BearerAuth(options.bearerToken()));
        }
        for (OpenAPIRoute route : rb.getRoutes()) {
            String id = route.getOperation().getOperationId();
            Handler<RoutingContext> h = handlers.get(id);
            if (h == null) {
                throw new IllegalStateException("openapi.yaml operation '" + id + "' has no handler");
            }
            // Security requirements in the contract are documentation; BearerAuth enforces them.
            route.setDoSecurity(false);
            route.addHandler(rc -> {
                try {
                    h.handle(rc);
                } catch (RuntimeException e) {
                    Http.fail(rc, e);
                }
            });
        }
        Router router = rb.createRouter();
        Buffer contractBytes = Buffer.buffer(contractText);
        router.get("/openapi.yaml").handler(rc -> rc.response()
                .putHeader("Content-Type", "application/yaml; charset=utf-8").end(contractBytes));
        // Where probes and Prometheus look by convention; the same operations as under /api/v1.
        router.get("/health").handler(rc -> rc.reroute("/api/v1/health"));
        router.get("/metrics").handler(rc -> rc.reroute("/api/v1/metrics"));
        router.route().failureHandler(rc -> {
            if (rc.statusCode() == 413 || rc.failure() instanceof io.vertx.ext.web.handler.HttpException h
                    && h.getStatusCode() == 413) {
                Http.problem(rc, ApiProblem.of(413, "Body too large",
                        "request bodies are limited to " + options.bodyLimitBytes() + " bytes"));
            } else {
                Http.fail(rc, rc.failure());
            }
        });
        router.errorHandler(404, rc -> Http.problem(rc, Problems.fromStatus(404, rc)));
        router.errorHandler(405, rc -> Http.problem(rc, Problems.fromStatus(405, rc)));
        return router;
    }
}
