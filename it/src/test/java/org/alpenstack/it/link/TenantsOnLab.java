package org.alpenstack.it.link;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.alpenstack.tenant.TenantManager;
import org.alpenstack.tenant.config.ConfigParser;

/**
 * The set-up of the link tests: a fresh {@link Lab}, and a TenantManager with one AF_PACKET link
 * "lan" on the lab's srv end of the veth carrying the instances given. {@link #close} shuts the
 * manager down, closes Vert.x and removes the namespaces, in that order, each whatever happened
 * to the one before; a start that fails half-way cleans up what it made.
 */
final class TenantsOnLab implements AutoCloseable {
    final Lab lab;
    final Vertx vertx;
    final TenantManager manager;

    private TenantsOnLab(Lab lab, Vertx vertx, TenantManager manager) {
        this.lab = lab;
        this.vertx = vertx;
        this.manager = manager;
    }

    /**
     * @param labName   the Lab's name (part of its namespace and device names)
     * @param instances the config's "instances" array as JSON, each instance on link "lan"
     */
    static TenantsOnLab start(String labName, String instances) throws Exception {
        Lab lab = Lab.create(labName);
        TenantsOnLab t = null;
        try {
            Vertx vertx = Vertx.vertx();
            t = new TenantsOnLab(lab, vertx, new TenantManager(vertx));
            String config = """
                    { "links": [ { "name": "lan", "type": "afpacket", "device": "%s", "netns": "%s" } ],
                      "instances": %s }
                    """.formatted(lab.srvDev, lab.srv, instances);
            t.manager.apply(ConfigParser.parse(config)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return t;
        } catch (Exception | Error e) {
            if (t != null) {
                t.close();
            } else {
                lab.close();
            }
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            manager.shutdown().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } finally {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } finally {
                lab.close();
            }
        }
    }
}
