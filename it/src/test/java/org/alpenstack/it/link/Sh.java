package org.alpenstack.it.link;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host commands (ip, python3, curl ...) for the link tests and returns their output. */
public final class Sh {
    private Sh() {
    }

    public record Result(int exit, String output) {
        public Result ok(String... what) {
            if (exit != 0) {
                throw new AssertionError(String.join(" ", what) + " failed (" + exit + "): " + output);
            }
            return this;
        }
    }

    public static Result run(String... cmd) {
        return run(120, cmd);
    }

    public static Result run(int timeoutSeconds, List<String> cmd) {
        return run(timeoutSeconds, cmd.toArray(new String[0]));
    }

    /** Runs a command to its end; after the timeout it is killed with everything it forked. */
    public static Result run(int timeoutSeconds, String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread pump = new Thread(() -> copy(p.getInputStream(), out));
            pump.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                // `ip netns exec` and shells fork: their children would keep running (and hold the pipe).
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                pump.join(1000);
                return new Result(-1, "timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd) + "\n" + out);
            }
            pump.join(5000);
            return new Result(p.exitValue(), out.toString());
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    public static Result ok(String... cmd) {
        return run(cmd).ok(cmd);
    }

    public static Result ok(List<String> cmd) {
        return ok(cmd.toArray(new String[0]));
    }

    public static boolean onPath(String tool) {
        return run("sh", "-c", "command -v " + tool).exit() == 0;
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] b = new byte[8192];
        try {
            for (int n; (n = in.read(b)) > 0; ) {
                synchronized (out) {
                    out.write(b, 0, n);
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }
}
