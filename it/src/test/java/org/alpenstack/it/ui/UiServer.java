package org.alpenstack.it.ui;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.alpenstack.admin.api.AdminApi;
import org.alpenstack.admin.api.AdminApiOptions;
import org.alpenstack.admin.api.WebUi;
import org.alpenstack.admin.api.local.LocalBackend;
import org.alpenstack.admin.api.local.LocalInstance;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.tcp.TcpSocket;
import org.alpenstack.kernel.udp.UdpSocket;
import org.alpenstack.kernel.wire.Ipv4Address;

/**
 * The real admin server with the dashboard, in-process on a free loopback port, over the
 * {@link LocalBackend} (real core-kernel stacks on in-memory links). Sockets are opened on an
 * instance's own context, the way a program attached through the shim would get them.
 */
final class UiServer implements AutoCloseable {
    final Vertx vertx;
    final LocalBackend backend;
    final AdminApi api;
    final String baseUri;

    private UiServer(Vertx vertx, LocalBackend backend, AdminApi api) {
        this.vertx = vertx;
        this.backend = backend;
        this.api = api;
        this.baseUri = "http://127.0.0.1:" + api.port();
    }

    static UiServer start() throws Exception {
        return start(null);
    }

    /** With {@code bearerToken} non-null, every change needs it (reads never do). */
    static UiServer start(String bearerToken) throws Exception {
        Vertx vertx = Vertx.vertx();
        LocalBackend backend = new LocalBackend(vertx);
        AdminApiOptions options = AdminApiOptions.defaults().withPort(0).withSampleInterval(Duration.ofMillis(250))
                .withBearerToken(bearerToken);
        AdminApi api = await(WebUi.start(vertx, backend, options));
        return new UiServer(vertx, backend, api);
    }

    private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private <T> T on(String instance, Function<LocalInstance, T> work) throws Exception {
        return await(backend.execute(instance, work));
    }

    void listen(String instance, String address, int port) throws Exception {
        int r = on(instance, i -> {
            TcpSocket s = i.stack().openTcp();
            int e = s.bind(new InetEndpoint(Ipv4Address.parse(address), port));
            return e < 0 ? e : s.listen(16);
        });
        if (r < 0) {
            throw new IllegalStateException("listen failed: " + r);
        }
    }

    void connect(String instance, String address, int port) throws Exception {
        int r = on(instance, i -> i.stack().openTcp().connect(new InetEndpoint(Ipv4Address.parse(address), port)));
        if (r < 0 && r != -Errno.EINPROGRESS) { // the handshake completes on the instance's context
            throw new IllegalStateException("connect failed: " + r);
        }
    }

    void sendUdp(String instance, String address, int port, int count) throws Exception {
        on(instance, i -> {
            UdpSocket s = i.stack().openUdp();
            byte[] data = "alpenstack".getBytes();
            for (int k = 0; k < count; k++) {
                s.sendTo(data, 0, data.length, 0, new InetEndpoint(Ipv4Address.parse(address), port));
            }
            s.close();
            return null;
        });
    }

    @Override
    public void close() throws Exception {
        await(api.close());
        await(backend.close());
        await(vertx.close());
    }
}
