package org.alpenstack.it.api;

import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.alpenstack.admin.api.AdminApi;
import org.alpenstack.admin.api.AdminBackend;
import org.alpenstack.admin.api.AdminApiOptions;
import org.alpenstack.admin.api.local.LocalBackend;

/**
 * The real admin server, in-process, on a free loopback port: Vert.x, the {@link LocalBackend}
 * (real core-kernel stacks on memory links) and the router built from openapi.yaml. Every
 * request made through {@link #spec()} has its response checked against the contract.
 */
final class ApiServer implements AutoCloseable {
    final Vertx vertx;
    /** The in-process backend, or null when the server runs another one. */
    final LocalBackend backend;
    final AdminBackend anyBackend;
    final AdminApi api;
    final String baseUri;
    final ContractFilter contract;

    private ApiServer(Vertx vertx, AdminBackend backend, AdminApi api) {
        this.vertx = vertx;
        this.backend = backend instanceof LocalBackend l ? l : null;
        this.anyBackend = backend;
        this.api = api;
        this.baseUri = "http://127.0.0.1:" + api.port();
        this.contract = new ContractFilter(vertx);
    }

    static ApiServer start() throws Exception {
        return start(AdminApiOptions.defaults().withPort(0).withSampleInterval(Duration.ofMillis(200)));
    }

    static ApiServer start(AdminApiOptions options) throws Exception {
        return start(options, LocalBackend::new);
    }

    /** The server over the backend {@code factory} makes (TenantBackend for NIC-attached instances). */
    static ApiServer start(AdminApiOptions options, java.util.function.Function<Vertx, AdminBackend> factory)
            throws Exception {
        Vertx vertx = Vertx.vertx();
        AdminBackend backend = factory.apply(vertx);
        AdminApi api = AdminApi.start(vertx, backend, options).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        return new ApiServer(vertx, backend, api);
    }

    /** A request spec against this server that validates every response against openapi.yaml. */
    RequestSpecification spec() {
        return RestAssured.given(new RequestSpecBuilder().setBaseUri(baseUri).setContentType(ContentType.JSON)
                .addFilter(contract).build());
    }

    /** Without the contract check (for deliberately malformed exchanges). */
    RequestSpecification raw() {
        return RestAssured.given(new RequestSpecBuilder().setBaseUri(baseUri).build());
    }

    <T> T await(io.vertx.core.Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        await(api.close());
        await(anyBackend.close());
        await(vertx.close());
    }
}
