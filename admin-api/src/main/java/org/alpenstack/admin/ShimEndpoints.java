package org.alpenstack.admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.alpenstack.admin.api.ClientDirectory;
import org.alpenstack.admin.api.model.ClientInfo;
import org.alpenstack.shim.AccessPolicy;
import org.alpenstack.shim.InstanceEndpoint;
import org.alpenstack.shim.TenantEndpoint;
import org.alpenstack.tenant.Tenant;
import org.alpenstack.tenant.TenantManager;

/**
 * Gives every running instance its shim endpoint ({@code <socketDir>/<name>.sock}), so that
 * {@code bin/alpenstack run --tenant NAME -- prog} can attach programs to it, and closes the
 * endpoint (disconnecting its clients) when the instance stops.
 *
 * <p>It lives here, in the composition root, because the arrows only point down: the shim
 * depends on tenant-manager, so the manager only announces instances and knows nothing of it.
 */
final class ShimEndpoints implements TenantManager.Listener, ClientDirectory {
    private static final Logger LOG = Logger.getLogger("alpenstack.shim");

    /** Where the launcher looks by default (client-shim's launcher.c, $ALPENSTACK_SOCKET_DIR). */
    static Path defaultSocketDir() {
        String env = System.getenv("ALPENSTACK_SOCKET_DIR");
        return Path.of(env != null && !env.isEmpty() ? env : "/run/alpenstack");
    }

    private final Path socketDir;
    private final AccessPolicy policy;
    private final Map<String, TenantEndpoint> endpoints = new ConcurrentHashMap<>();

    ShimEndpoints(Path socketDir, AccessPolicy policy) throws IOException {
        this.socketDir = socketDir;
        this.policy = policy;
        Files.createDirectories(socketDir);
    }

    @Override
    public void started(Tenant tenant) {
        InstanceEndpoint.start(tenant.instance(), socketDir, policy).onComplete(ar -> {
            if (ar.succeeded()) {
                endpoints.put(tenant.name(), ar.result());
                LOG.info("event=endpoint-started instance=" + tenant.name() + " socket=" + ar.result().socketPath());
            } else {
                LOG.warning("event=endpoint-failed instance=" + tenant.name() + " error=" + ar.cause().getMessage());
            }
        });
    }

    @Override
    public void stopping(Tenant tenant) {
        TenantEndpoint ep = endpoints.remove(tenant.name());
        if (ep != null) {
            ep.close();
            LOG.info("event=endpoint-stopped instance=" + tenant.name());
        }
    }

    /** For /clients: the processes attached to {@code instance}'s endpoint (on its context). */
    @Override
    public List<ClientInfo> clients(String instance) {
        TenantEndpoint ep = endpoints.get(instance);
        List<ClientInfo> out = new ArrayList<>();
        if (ep != null) {
            for (TenantEndpoint.Client c : ep.clients()) {
                out.add(info(c));
            }
        }
        return out;
    }

    /** For the pid/program columns of /connections (like {@code ss -p}). */
    @Override
    public ClientInfo ownerOf(String instance, int socketId) {
        TenantEndpoint ep = endpoints.get(instance);
        TenantEndpoint.Client c = ep == null ? null : ep.ownerOf(socketId);
        return c == null ? null : info(c);
    }

    private static ClientInfo info(TenantEndpoint.Client c) {
        return new ClientInfo((int) c.pid(), c.program(), c.uid(), Instant.ofEpochMilli(c.attachedAtMillis()).toString(),
                c.sockets());
    }

    void closeAll() {
        for (TenantEndpoint ep : endpoints.values()) {
            ep.close();
        }
        endpoints.clear();
    }
}
