package org.alpenstack.link.afpacket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs system tools (ip, ping, bridge, ethtool) for tests; never used by the library itself. */
final class Sh {
    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    private Sh() {
    }

    /** Runs {@code cmd} and waits (at most 30 s). */
    static Result run(String... cmd) {
        try {
            Process p = start(cmd);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out: " + String.join(" ", cmd));
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }

    /** Runs {@code cmd} and fails the test if it fails. */
    static String ok(String... cmd) {
        Result r = run(cmd);
        if (!r.ok()) {
            throw new AssertionError(String.join(" ", cmd) + " exited " + r.exit() + ":\n" + r.output());
        }
        return r.output();
    }

    /** Starts {@code cmd} in the background, output merged. */
    static Process start(String... cmd) throws IOException {
        return new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
    }

    static String output(Process p) {
        try {
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, tool))) {
                return true;
            }
        }
        return java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/sbin", tool))
                || java.nio.file.Files.isExecutable(java.nio.file.Path.of("/sbin", tool));
    }
}
