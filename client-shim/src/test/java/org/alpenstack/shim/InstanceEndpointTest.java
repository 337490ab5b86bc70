package org.alpenstack.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.alpenstack.tenant.StackInstance;
import org.junit.jupiter.api.Test;

/** The endpoint on a tenant-manager StackInstance, as the server wires it. */
class InstanceEndpointTest {
    @Test
    void aProgramAttachedToAStackInstanceTalksThroughIt() throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        Path dir = Files.createTempDirectory("alpenstack-inst-");
        try {
            StackInstance inst = StackInstance.start(vertx, "blue").await(10, TimeUnit.SECONDS);
            TenantEndpoint ep = InstanceEndpoint.start(inst, dir.resolve("run"), AccessPolicy.serverUserOnly())
                    .await(10, TimeUnit.SECONDS);
            assertEquals(dir.resolve("run/blue.sock"), ep.socketPath());
            Path lib = ShimLibrary.extract(dir.resolve("lib"));
            ProcessBuilder pb = new ProcessBuilder(ShimTestStack.compile("echo_halfclose").toString());
            pb.environment().put("LD_PRELOAD", lib.resolve(ShimLibrary.PRELOAD).toString());
            pb.environment().put("ALPENSTACK_ENDPOINT", ep.socketPath().toString());
            pb.redirectErrorStream(true);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("client got: HELLO, STACK"), out);
            long opens = inst.query(s -> s.tcp().counters().passiveOpens).await(10, TimeUnit.SECONDS);
            assertEquals(1L, opens);
            ep.close();
            inst.stop().await(10, TimeUnit.SECONDS);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
