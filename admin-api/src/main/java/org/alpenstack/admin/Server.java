package org.alpenstack.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.alpenstack.admin.api.AdminApi;
import org.alpenstack.admin.api.AdminApiOptions;
import org.alpenstack.admin.api.WebUi;
import org.alpenstack.admin.api.tenant.TenantBackend;
import org.alpenstack.shim.AccessPolicy;
import org.alpenstack.tenant.StateStore;
import org.alpenstack.tenant.TenantManager;
import org.alpenstack.tenant.config.ConfigValidator;
import org.alpenstack.tenant.config.TenantConfig;

/**
 * The server process's parts, started in an order that never leaves it half-running: the
 * config is validated first (shape, then against the host), the admin endpoint binds next (a
 * taken port fails before any device is touched), and only then are links opened and
 * instances started; if that fails, everything started is stopped again.
 *
 * <p>The admin endpoint is the full REST API of openapi.yaml ({@link AdminApi}) over
 * tenant-manager ({@link TenantBackend}): what the API changes is what this process runs.
 */
public final class Server {
    private static final Logger LOG = Logger.getLogger("alpenstack.server");

    private final Vertx vertx;
    private final TenantManager manager;
    private final TenantBackend backend;
    private AdminApi api;
    private volatile boolean stopped;

    private Server(Vertx vertx) {
        this.vertx = vertx;
        this.manager = new TenantManager(vertx);
        this.backend = new TenantBackend(vertx, manager, attachShimEndpoints(manager));
    }

    /**
     * Every instance gets a shim endpoint under the socket directory, so programs can be
     * attached to it with {@code bin/alpenstack run --tenant NAME}; the endpoints also tell the
     * API which processes are attached (/clients, and the owner of each connection). Where that directory cannot
     * be made (not root, read-only /run), the server runs without endpoints and says so.
     */
    private static ShimEndpoints attachShimEndpoints(TenantManager manager) {
        try {
            ShimEndpoints endpoints = new ShimEndpoints(ShimEndpoints.defaultSocketDir(), AccessPolicy.serverUserOnly());
            manager.addListener(endpoints);
            return endpoints;
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warning("event=shim-endpoints-disabled dir=" + ShimEndpoints.defaultSocketDir() + " error=" + e);
            return null;
        }
    }

    /**
     * Starts a server for {@code config} with the admin endpoint at {@code adminHost:adminPort}
     * (port 0: any free port). Throws {@link org.alpenstack.tenant.config.ConfigException} for a
     * bad config and IllegalStateException for anything else that prevented the start, in both
     * cases with nothing left running.
     */
    public static Server start(TenantConfig config, String adminHost, int adminPort) {
        return start(config, adminHost, adminPort, null);
    }

    /** As above; with a {@code state} store the running definitions are saved after every change. */
    public static Server start(TenantConfig config, String adminHost, int adminPort, StateStore state) {
        return start(config, AdminApiOptions.defaults().withHost(adminHost).withPort(adminPort), state);
    }

    /**
     * As above with every option of the admin API (bearer token, body limit ...); with a {@code
     * state} store the running definitions, and what the API changes in them, are saved after
     * every change.
     */
    public static Server start(TenantConfig config, AdminApiOptions options, StateStore state) {
        ConfigValidator.validate(config);
        // The shim endpoints are epoll unix sockets living on the instances' own event loops,
        // so Vert.x must run on the native transport (client-shim brings netty's epoll).
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        Server s = new Server(vertx);
        try {
            // The REST API with the dashboard's static files at "/".
            s.api = await(WebUi.start(vertx, s.backend, options), "admin endpoint " + options.host() + ":" + options.port());
            await(s.manager.apply(config), "configuration");
            if (state != null) {
                s.manager.persistTo(state);
            }
            LOG.info("event=server-started admin=http://" + options.host() + ":" + s.adminPort() + " instances="
                    + s.manager.tenants().size() + " links=" + s.manager.linkSpecs().size()
                    + " token=" + (options.bearerToken() == null ? "none" : "required"));
            return s;
        } catch (RuntimeException e) {
            s.stop();
            throw e;
        }
    }

    public TenantManager manager() {
        return manager;
    }

    public int adminPort() {
        return api == null ? -1 : api.port();
    }

    /** The REST API's backend (tests and the shim endpoint's client directory use it). */
    public TenantBackend backend() {
        return backend;
    }

    /** Stops instances, closes links (TAPs disappear, filters and memberships go), closes Vert.x. Idempotent. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            Future<Void> closeApi = api == null ? Future.succeededFuture() : api.close();
            await(closeApi.transform(ar -> backend.close()), "shutdown");
        } catch (RuntimeException e) {
            LOG.warning("event=shutdown-incomplete error=" + e.getMessage());
        }
        // Closed from this thread, not from a callback: its completion must not be dispatched
        // to an event loop that the close itself terminates.
        try {
            await(vertx.close(), "Vert.x close");
        } catch (RuntimeException e) {
            LOG.warning("event=shutdown-incomplete error=" + e.getMessage());
        }
        LOG.info("event=server-stopped");
    }

    static <T> T await(Future<T> f, String what) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(what + ": " + c, c);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(what + ": no answer within 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + ": interrupted");
        }
    }
}
