package org.alpenstack.it.api;

import java.util.concurrent.TimeUnit;
import org.alpenstack.admin.api.local.LocalBackend;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.tcp.TcpSocket;
import org.alpenstack.kernel.udp.UdpSocket;
import org.alpenstack.kernel.wire.Ipv4Address;

/**
 * Real traffic between instances of the in-process backend, made on each instance's own
 * context the way a client through the shim would: sockets opened on the stack, listed in its
 * socket table. No mock anywhere: the API then reports what the stacks really hold.
 */
final class Traffic {
    private Traffic() {
    }

    private static <T> T run(LocalBackend b, String instance, java.util.function.Function<org.alpenstack.admin.api.local.LocalInstance, T> f)
            throws Exception {
        return b.execute(instance, f).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static void listen(LocalBackend b, String instance, String address, int port) throws Exception {
        int r = run(b, instance, i -> {
            TcpSocket s = i.stack().openTcp();
            int e = s.bind(new InetEndpoint(Ipv4Address.parse(address), port));
            return e < 0 ? e : s.listen(16);
        });
        if (r < 0) {
            throw new IllegalStateException("listen failed: " + r);
        }
    }

    static void connect(LocalBackend b, String instance, String address, int port) throws Exception {
        run(b, instance, i -> {
            TcpSocket s = i.stack().openTcp();
            return s.connect(new InetEndpoint(Ipv4Address.parse(address), port));
        });
    }

    /** Accepts what the listener on {@code port} has queued, listing the new sockets. */
    static int acceptAll(LocalBackend b, String instance) throws Exception {
        return run(b, instance, i -> {
            int n = 0;
            for (var s : i.stack().sockets().copy()) {
                if (s instanceof TcpSocket t && t.isListening()) {
                    TcpSocket c;
                    while ((c = t.accept()) != null) {
                        n++;
                    }
                }
            }
            return n;
        });
    }

    static void sendUdp(LocalBackend b, String instance, String address, int port, int count) throws Exception {
        run(b, instance, i -> {
            UdpSocket s = i.stack().openUdp();
            byte[] data = "alpenstack".getBytes();
            for (int k = 0; k < count; k++) {
                s.sendTo(data, 0, data.length, 0, new InetEndpoint(Ipv4Address.parse(address), port));
            }
            s.close();
            return null;
        });
    }
}
