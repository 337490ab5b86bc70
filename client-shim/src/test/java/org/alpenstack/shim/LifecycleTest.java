package org.alpenstack.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
            assertTrue(out.contains("read returned -1 (Connection reset by peer)"), out);
            assertTrue(out.contains("accept returned -1 (Interrupted system call)"), out);
            assertTrue(out.contains("socket after: -1 (Network is down)"), out);
        }
    }

    /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /**
     * The nginx case: a master and a worker (forked and exec'd) accepting from epoll on a
     * listener shared across fork. Once the server is gone neither spins (the shim swaps the
     * listener's dead data socket for one that never becomes ready), and the program's calls
     * say what Linux would.
     */
    @Test
    void aServerThatWentAwayLeavesIdleListenersAndResetConnectionsAndNobodySpins() throws Exception {
        try (ShimTestStack t = ShimTestStack.start("gone")) {
            Process p = t.spawn(ShimTestStack.compile("server_gone").toString());
            Matcher m = Pattern.compile("ready worker=(\\d+)").matcher(awaitReady(t, p));
            assertTrue(m.find(), readQuietly(t));
            long worker = Long.parseLong(m.group(1));
            t.endpoint.close();
            // As a killed server, leave its socket file behind: connecting is refused (not ENOENT).
            for (int i = 0; i < 100 && Files.exists(t.endpoint.socketPath()); i++) {
                Thread.sleep(20);
            }
            try (SocketChannel stale = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                stale.bind(UnixDomainSocketAddress.of(t.endpoint.socketPath()));
                Thread.sleep(300); // both notice at their next epoll_wait
                long master0 = cpuTicks(p.pid());
                long worker0 = cpuTicks(worker);
                Thread.sleep(2000);
                long masterTicks = cpuTicks(p.pid()) - master0;
                long workerTicks = cpuTicks(worker) - worker0;
                new ProcessBuilder("kill", "-USR1", Long.toString(p.pid()), Long.toString(worker)).start().waitFor();
                assertTrue(p.waitFor(10, TimeUnit.SECONDS), () -> "the program hung: " + readQuietly(t));
                String out = readQuietly(t);
                System.out.printf("server gone: CPU over 2 s master %d ticks, worker %d ticks%n", masterTicks, workerTicks);
                assertEquals(0, p.exitValue(), out);
                // A spinning process burns a whole CPU (about 100 ticks a second); an idle one next to nothing.
                assertTrue(masterTicks < 20 && workerTicks < 20,
                        "CPU ticks over 2 s: master " + masterTicks + ", worker " + workerTicks + "\n" + out);
                for (String who : List.of("master", "worker")) {
                    Matcher e = Pattern.compile(who + ": (\\d+) events, 0 errors; then epoll_wait 0, poll 0,"
                            + " accept4 EAGAIN, socket ENETDOWN; SO_ERROR 0, SO_TYPE SOCK_STREAM, getsockname ENETDOWN").matcher(out);
                    assertTrue(e.find(), out);
                    // One event tells each process about each socket; it then never sees them ready again.
                    assertTrue(Long.parseLong(e.group(1)) <= 3, out);
                }
                assertTrue(out.contains("udp: recv EAGAIN, sendto ENETDOWN"), out);
                assertTrue(out.contains("connection: 4 bytes, then ECONNRESET, then 0; write EPIPE; the other end SO_ERROR ENETDOWN, recv ECONNRESET"), out);
                assertTrue(out.contains("blocking accept: EINTR after"), out);
                assertTrue(out.contains("accept with SO_RCVTIMEO 0.3 s: EAGAIN after"), out);
                assertTrue(out.contains("both done"), out);
                // One line per process on stderr, the first time it notices.
                long notices = out.lines().filter(l -> l.startsWith("alpenstack: the server for tenant gone went away")).count();
                assertEquals(2, notices, out);
            }
        }
    }

    /** A server restarted at the same path: old sockets stay as the vanished server left them, new ones attach. */
    @Test
    void aNewServerAtTheSamePathTakesNewSocketsWhileTheOldListenerStaysIdle() throws Exception {
        try (ShimTestStack t = ShimTestStack.start("restart")) {
            Process p = t.spawn(ShimTestStack.compile("server_restart").toString());
            awaitReady(t, p);
            t.endpoint.close();
            for (int i = 0; i < 100 && Files.exists(t.endpoint.socketPath()); i++) {
                Thread.sleep(20);
            }
            Thread.sleep(300); // the program notices while no server is there
            TenantEndpoint again = TenantEndpoint.start(t.loop, "restart", t.stack, t.stack::openTcp,
                    t.endpoint.socketPath().getParent(), AccessPolicy.serverUserOnly(), t::kick).get(10, TimeUnit.SECONDS);
            try {
                Thread.sleep(300);
                new ProcessBuilder("kill", "-USR1", Long.toString(p.pid())).start().waitFor();
                assertTrue(p.waitFor(10, TimeUnit.SECONDS), () -> "the program hung: " + readQuietly(t));
                String out = readQuietly(t);
                assertEquals(0, p.exitValue(), out);
                assertTrue(out.contains("then epoll_wait 0, accept4 EAGAIN"), out);
                assertTrue(out.contains("new server: listen, connect, accept, a byte each way"), out);
                assertEquals(1, out.lines().filter(l -> l.startsWith("alpenstack: the server for tenant restart went away")).count(), out);
            } finally {
                again.close();
            }
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
