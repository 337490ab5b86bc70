package org.alpenstack.admin.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web dashboard: the static files of the {@code web-ui} module (on the class path under
 * {@value #RESOURCE_ROOT}) served at {@code /} next to the API. The dashboard uses only the
 * public REST API and /events, so this class serves files and nothing else.
 *
 * <p>Only names made of lower-case letters, digits, {@code -}, {@code _} and single dots, with
 * a known extension, are looked up: no {@code ..}, no other class-path resource can be reached.
 * Files are read once and kept in memory (the whole dashboard is a few tens of kilobytes) and
 * revalidated by ETag, so a new server version is picked up without a stale cache.
 */
public final class WebUi {
    public static final String RESOURCE_ROOT = "org/alpenstack/webui/";

    private static final Pattern SAFE_PATH = Pattern.compile("^(?:[a-z0-9_-]+/)*[a-z0-9_-]+(?:\\.[a-z0-9_-]+)*\\.(html|css|js|svg)$");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml");
    /**
     * Everything from this origin only: no inline script, no CDN, no framing. A violation shows
     * up as a console error, which the browser tests fail on.
     */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private record Asset(Buffer bytes, String type, String etag) {
    }

    private final ClassLoader loader;
    private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

    private WebUi(ClassLoader loader) {
        this.loader = loader;
    }

    /**
     * Mounts the dashboard on {@code router} for GET and HEAD of every path outside /api/.
     * Call it after {@link AdminApi#create} and before {@link AdminApi#listen()}.
     */
    public static void mount(Router router) {
        WebUi ui = new WebUi(WebUi.class.getClassLoader());
        if (ui.asset("index.html").isEmpty()) {
            throw new IllegalStateException(RESOURCE_ROOT + "index.html is not on the class path (is web-ui a dependency?)");
        }
        router.routeWithRegex("^/(?!api/).*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ui::serve);
    }

    /** The API with the dashboard at / : the one call a server makes. */
    public static Future<AdminApi> start(Vertx vertx, AdminBackend backend, AdminApiOptions options) {
        return AdminApi.create(vertx, backend, options).compose(api -> {
            mount(api.router());
            return api.listen();
        });
    }

    private void serve(RoutingContext rc) {
        String path = rc.normalizedPath();
        String name = path.equals("/") ? "index.html" : path.substring(1);
        Optional<Asset> found = SAFE_PATH.matcher(name).matches() ? asset(name) : Optional.empty();
        if (found.isEmpty()) {
            rc.next();
            return;
        }
        Asset a = found.get();
        var response = rc.response()
                .putHeader("Content-Type", a.type())
                .putHeader("ETag", a.etag())
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer");
        if (a.type().startsWith("text/html")) {
            response.putHeader("Content-Security-Policy", CSP);
        }
        if (a.etag().equals(rc.request().getHeader("If-None-Match"))) {
            response.setStatusCode(304).end();
        } else if (rc.request().method() == HttpMethod.HEAD) {
            response.putHeader("Content-Length", Integer.toString(a.bytes().length())).end();
        } else {
            response.end(a.bytes());
        }
    }

    private Optional<Asset> asset(String name) {
        return cache.computeIfAbsent(name, this::load);
    }

    private Optional<Asset> load(String name) {
        try (InputStream in = loader.getResourceAsStream(RESOURCE_ROOT + name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            String ext = name.substring(name.lastIndexOf('.') + 1);
            return Optional.of(new Asset(Buffer.buffer(bytes), TYPES.get(ext), etag(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
