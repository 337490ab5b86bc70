package org.alpenstack.shim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** alpenstack-run: attaches, sandboxes, and refuses what the preload cannot follow. */
class LauncherTest {
    static ShimTestStack t;
    static Path launcher;

    @BeforeAll
    static void start() throws Exception {
        t = ShimTestStack.start("launch");
        launcher = t.preload.getParent().resolve(ShimLibrary.LAUNCHER);
    }

    @AfterAll
    static void stop() throws Exception {
        if (t != null) {
            t.close();
        }
    }

    /** Runs the launcher itself (not preloaded: it sets the preload up). */
    private static ShimTestStack.Result launch(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new ShimTestStack.Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Test
    void sandboxedProgramSeesOnlyLoopbackYetReachesTheInstance() throws Exception {
        assumeTrue(root() || Files.exists(Path.of("/proc/sys/kernel/unprivileged_userns_clone")),
                "needs root or unprivileged user namespaces to create a network namespace");
        Path dir = Files.createDirectories(t.dir.resolve("www"));
        byte[] page = "served inside the instance\n".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("page"), page);
        t.spawn("python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory", dir.toString(), "8011");
        Path out = t.dir.resolve("page.out");
        ShimTestStack.Result r = null;
        for (int i = 0; i < 40; i++) {
            r = launch("--tenant", "launch", "--socket-dir", t.endpoint.socketPath().getParent().toString(), "--",
                    "curl", "-sS", "-o", out.toString(), "http://127.0.0.1:8011/page");
            if (r.exit() == 0) {
                break;
            }
            Thread.sleep(250);
        }
        assertEquals(0, r.exit(), r::toString);
        assertArrayEquals(page, Files.readAllBytes(out));
        // The kernel's view from inside the sandbox: nothing but lo.
        r = launch("--endpoint", t.endpoint.socketPath().toString(), "--", "cat", "/proc/net/dev");
        assertEquals(0, r.exit(), r::toString);
        List<String> ifaces = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            if (line.contains(":")) {
                ifaces.add(line.substring(0, line.indexOf(':')).trim());
            }
        }
        assertEquals(List.of("lo"), ifaces, r::toString);
        // --no-sandbox keeps the host's namespace (which has more than lo on any networked host).
        r = launch("--no-sandbox", "--endpoint", t.endpoint.socketPath().toString(), "--", "cat", "/proc/net/dev");
        assertEquals(0, r.exit(), r::toString);
        assertEquals(Files.readString(Path.of("/proc/net/dev")).lines().count(), r.out().lines().count());
    }

    @Test
    void setuidProgramsAreRefusedWithAReason() throws Exception {
        Path copy = t.dir.resolve("suid-true");
        Files.copy(Path.of("/bin/true"), copy);
        // Java's PosixFilePermissions has no setuid bit: chmod does.
        assertEquals(0, new ProcessBuilder("chmod", "4755", copy.toString()).start().waitFor());
        ShimTestStack.Result r = launch("--no-sandbox", "--endpoint", t.endpoint.socketPath().toString(), "--", copy.toString());
        assertEquals(126, r.exit(), r::toString);
        assertTrue(r.err().contains("setuid") && r.err().contains("LD_PRELOAD"), r::toString);
    }

    @Test
    void staticProgramsAreRefusedWithAReason() throws Exception {
        Path src = t.dir.resolve("static.c");
        Files.writeString(src, "int main(void) { return 0; }\n");
        Path bin = t.dir.resolve("static-prog");
        Process gcc = new ProcessBuilder("gcc", "-static", "-o", bin.toString(), src.toString()).redirectErrorStream(true).start();
        gcc.getInputStream().readAllBytes();
        assumeTrue(gcc.waitFor() == 0, "no static libc to build a static test program");
        ShimTestStack.Result r = launch("--no-sandbox", "--endpoint", t.endpoint.socketPath().toString(), "--", bin.toString());
        assertEquals(126, r.exit(), r::toString);
        assertTrue(r.err().contains("statically linked"), r::toString);
    }

    @Test
    void aMissingTenantSaysSo() throws Exception {
        ShimTestStack.Result r = launch("--tenant", "nosuch", "--socket-dir", t.dir.toString(), "--", "true");
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("no tenant endpoint"), r::toString);
        assertFalse(r.err().isEmpty());
    }
}
