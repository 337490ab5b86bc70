package org.alpenstack.it.tenant;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.alpenstack.it.link.Lab;
import org.alpenstack.it.link.Sh;
import org.junit.jupiter.api.Test;

/**
 * The real server process ({@code java -jar alpenstack.jar serve}, what bin/alpenstack runs):
 * on SIGTERM it stops its instances and removes the TAP device it created, logging one line per
 * event.
 */
class ServeProcessSigtermTest {
    @Test
    void sigtermStopsCleanlyAndRemovesTheTap() throws Exception {
        Lab.assumeRoot();
        Path jar = Path.of("..", "admin-api", "target", "alpenstack.jar").toAbsolutePath().normalize();
        assumeTrue(Files.exists(jar), "needs the packaged server " + jar + " (mvn package / verify builds it)");
        String ns = Lab.namespace("sig");
        Process p = null;
        try {
            p = new ProcessBuilder("java", "-jar", jar.toString(), "serve", "--admin", "127.0.0.1:0", "--netns", ns)
                    .redirectErrorStream(true).start();
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder log = new StringBuilder();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String line;
            while (System.nanoTime() < deadline && (line = r.readLine()) != null) {
                log.append(line).append('\n');
                if (line.contains("stop with Ctrl-C")) {
                    break;
                }
            }
            assertTrue(log.toString().contains("stop with Ctrl-C"), "the server should have started:\n" + log);
            assertTrue(Sh.ok("ip", "-n", ns, "-o", "link", "show").output().contains("alpen"), "TAP device expected");

            Sh.ok("kill", "-TERM", String.valueOf(p.pid()));
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the server should exit after SIGTERM");
            while ((line = r.readLine()) != null) {
                log.append(line).append('\n');
            }
            String all = log.toString();
            assertTrue(all.contains("event=instance-stopped instance=demo"), all);
            assertTrue(all.contains("event=link-closed link=tap"), all);
            assertTrue(all.contains("event=server-stopped"), all);
            String links = Sh.ok("ip", "-n", ns, "-o", "link", "show").output();
            assertFalse(links.contains("alpen"), "the TAP device must be gone after SIGTERM:\n" + links);
        } finally {
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
            Lab.deleteNamespace(ns);
        }
    }
}
