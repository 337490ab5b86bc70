package org.alpenstack.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Either side dying: the server frees what a dead client held; clients never hang on a dead server. */
class LifecycleTest {
    private static String awaitReady(ShimTestStack t, Process p) throws Exception {
        Path out = null;
        for (Path f : Files.list(t.dir).toList()) {
            if (f.getFileName().toString().startsWith("bg-out")) {
                out = f;
            }
        }
        for (int i = 0; i < 100; i++) {
            String s = Files.readString(out);
            if (s.contains("ready")) {
                return s;
            }
            assertTrue(p.isAlive(), () -> "exited early: " + readQuietly(t));
            Thread.sleep(100);
        }
        throw new AssertionError("not ready");
    }

    private static String readQuietly(ShimTestStack t) {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.list(t.dir)) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().startsWith("bg-")) {
                    sb.append(Files.readString(f));
                }
            }
        } catch (Exception e) {
            sb.append(e);
        }
        return sb.toString();
    }

    @Test
    void aKilledClientsSocketsAreAllFreed() throws Exception {
        try (ShimTestStack t = ShimTestStack.start("death")) {
            int baseline = t.onLoop(s -> t.endpoint.socketCount());
            Process p = t.spawn(ShimTestStack.compile("hold").toString());
            awaitReady(t, p);
            assertTrue(t.onLoop(s -> t.endpoint.socketCount()) >= baseline + 5, t::describe);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            int left = -1;
            for (int i = 0; i < 50 && left != baseline; i++) {
                Thread.sleep(100);
                left = t.onLoop(s -> t.endpoint.socketCount());
            }
            assertEquals(baseline, left, t::describe);
        }
    }

    @Test
    void clientsOfAServerThatWentAwayGetErrorsNotHangs() throws Exception {
        try (ShimTestStack t = ShimTestStack.start("vanish")) {
            Process p = t.spawn(ShimTestStack.compile("orphaned").toString());
            awaitReady(t, p);
            Thread.sleep(200); // let the child block in read
            t.endpoint.close();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the program hung after the server went away");
            String out = readQuietly(t);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("socket after: -1 (Network is down)"), out);
        }
    }

    @Test
    void aSocketClosedAfterItsHalfCloseIsFreedWhileThePeerStaysSilent() throws Exception {
        try (ShimTestStack t = ShimTestStack.start("halfclose")) {
            Process p = t.spawn(ShimTestStack.compile("halfclose_then_close").toString());
            awaitReady(t, p);
            // Left: the listener and the silent accepted end; the closed end must go.
            int left = -1;
            for (int i = 0; i < 40 && left != 2; i++) {
                Thread.sleep(100);
                left = t.onLoop(s -> t.endpoint.socketCount());
            }
            assertEquals(2, left, t::describe);
            p.destroyForcibly();
        }
    }
}
