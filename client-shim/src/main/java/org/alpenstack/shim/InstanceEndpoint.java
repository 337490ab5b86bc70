package org.alpenstack.shim;

import io.netty.channel.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.nio.file.Path;
import org.alpenstack.kernel.stack.NetStack;
import org.alpenstack.tenant.StackInstance;

/**
 * Wires a {@link TenantEndpoint} to a tenant-manager {@link StackInstance}: the endpoint runs on
 * the instance's own Vert.x context (its Netty event loop), and after it touches the stack the
 * instance's after-work step runs (outputs flushed, poll timer re-armed).
 *
 * <p>Needs Vert.x on the native transport ({@code VertxOptions.setPreferNativeTransport(true)}
 * with netty-transport-native-epoll on the class path, which this module brings): the
 * endpoint's unix sockets are epoll channels and must live on an epoll event loop.
 */
public final class InstanceEndpoint {
    private InstanceEndpoint() {
    }

    /** Starts the endpoint of {@code instance} at {@code socketDir/<name>.sock}. Any thread. */
    public static Future<TenantEndpoint> start(StackInstance instance, Path socketDir, AccessPolicy policy) {
        Vertx vertx = instance.vertx();
        if (!vertx.isNativeTransportEnabled()) {
            return Future.failedFuture(new IllegalStateException(
                    "the shim endpoint needs Vert.x's native transport (VertxOptions.setPreferNativeTransport(true)): "
                            + vertx.unavailableNativeTransportCause()));
        }
        return instance.call(stack -> new Object[] {((ContextInternal) Vertx.currentContext()).nettyEventLoop(), stack})
                .compose(a -> {
                    EventLoop loop = (EventLoop) a[0];
                    NetStack stack = (NetStack) a[1];
                    Kicker kicker = new Kicker(instance);
                    return Future.fromCompletionStage(TenantEndpoint.start(loop, instance.name(), stack, stack::openTcp,
                            socketDir, policy, kicker::kick));
                });
    }

    /** One after-work task per burst of endpoint activity, not one per call. */
    private static final class Kicker {
        private final StackInstance instance;
        private boolean queued;

        Kicker(StackInstance instance) {
            this.instance = instance;
        }

        void kick() {
            if (!queued) {
                queued = true;
                instance.submit(() -> queued = false);
            }
        }
    }
}
