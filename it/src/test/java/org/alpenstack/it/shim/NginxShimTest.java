package org.alpenstack.it.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.alpenstack.it.shim.TenantWithLinuxPeer.Daemon;
import org.alpenstack.it.shim.TenantWithLinuxPeer.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Debian's nginx in a tenant, Linux curl in the peer namespace. The master binds and listens,
 * forks two workers that inherit the listening socket and accept4 on it non-blocking from
 * epoll (EPOLLEXCLUSIVE); with sendfile on (Debian's default, with tcp_nopush) the workers
 * sendfile(2) the file straight into the stack socket, which works natively because a stack
 * socket is a real AF_UNIX stream socket; with sendfile off they read and writev. A reload
 * forks new workers; a binary upgrade execs a new master onto the inherited listener.
 */
class NginxShimTest {
    static final int MIB = 100;
    static final int SENDFILE_PORT = 8080;
    static final int PLAIN_PORT = 8081;
    static final int UPGRADE_PORT = 8082;
    static TenantWithLinuxPeer t;
    static Path big;
    static String bigSum;
    static Daemon nginx;

    @BeforeAll
    static void start() throws Exception {
        TenantWithLinuxPeer.assumeRoot();
        TenantWithLinuxPeer.requireProgram("/usr/sbin/nginx");
        TenantWithLinuxPeer.requireProgram("/usr/bin/curl");
        t = TenantWithLinuxPeer.start("nginx");
        Path www = Files.createDirectories(t.dir.resolve("www"));
        big = www.resolve("big");
        TenantWithLinuxPeer.randomFile(big, MIB, 7);
        bigSum = TenantWithLinuxPeer.sha256(big);
        Path conf = config("nginx", "daemon off;",
                "server { listen " + t.tenantIp + ":" + SENDFILE_PORT + "; root " + www + "; sendfile on; tcp_nopush on; }",
                "server { listen " + t.tenantIp + ":" + PLAIN_PORT + "; root " + www + "; sendfile off; }");
        nginx = t.spawn("nginx", t.inTenant("/usr/sbin/nginx", "-c", conf.toString(), "-p", t.dir.toString()));
        Result r = TenantWithLinuxPeer.retry(20, t.inLinux("curl", "-sS", "-o", "/dev/null", "-I",
                "http://" + t.tenantIp + ":" + SENDFILE_PORT + "/big"));
        assertEquals(0, r.exit(), r.out() + diagnostics());
    }

    @AfterAll
    static void stop() throws Exception {
        if (t != null) {
            t.close(); // kills every nginx process
        }
    }

    /**
     * A private nginx.conf NAME.conf: two workers as root, pid file, logs and temp paths in the
     * test directory (NAME.pid, NAME-error.log, NAME-access.log with the serving worker's pid).
     */
    static Path config(String name, String top, String... servers) throws Exception {
        Path d = t.dir;
        String temp = Files.createDirectories(d.resolve("temp")).toString();
        List<String> lines = new ArrayList<>(List.of(
                "user root;",
                "worker_processes 2;",
                top,
                "pid " + d.resolve(name + ".pid") + ";",
                "error_log " + d.resolve(name + "-error.log") + " info;",
                "events { worker_connections 64; }",
                "http {",
                "  default_type application/octet-stream;",
                "  log_format served '$remote_addr $server_addr:$server_port $pid $status $body_bytes_sent';",
                "  access_log " + d.resolve(name + "-access.log") + " served;",
                "  client_body_temp_path " + temp + "; proxy_temp_path " + temp + "; fastcgi_temp_path " + temp + ";",
                "  uwsgi_temp_path " + temp + "; scgi_temp_path " + temp + ";"));
        for (String server : servers) {
            lines.add("  " + server);
        }
        lines.add("}");
        Path conf = d.resolve(name + ".conf");
        Files.write(conf, lines);
        return conf;
    }

    static long pidFrom(String file) throws Exception {
        Path p = t.dir.resolve(file);
        return Files.exists(p) ? Long.parseLong(Files.readString(p).trim()) : -1;
    }

    static String diagnostics() throws Exception {
        StringBuilder b = new StringBuilder("\n--- nginx output\n").append(nginx == null ? "" : nginx.output());
        for (String log : List.of("nginx-error.log", "nginx-access.log", "upgrade.out", "upgrade-error.log",
                "upgrade-access.log")) {
            Path p = t.dir.resolve(log);
            if (Files.exists(p)) {
                b.append("--- ").append(log).append('\n').append(Files.readString(p));
            }
        }
        return b.toString();
    }

    static Set<Long> workers() {
        return nginx.process.children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    /** curl in the Linux namespace fetching /big from a port; returns the saved file. */
    static CompletableFuture<Result> fetch(int port, Path to) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return TenantWithLinuxPeer.run(60, t.inLinux("curl", "-sS", "--fail", "-o", to.toString(),
                        "-w", "%{http_code} %{size_download} %{remote_ip}:%{remote_port} %{speed_download}",
                        "http://" + t.tenantIp + ":" + port + "/big"));
            } catch (Exception e) {
                return new Result(-1, e.toString());
            }
        });
    }

    /** Checks status, size, server and content; returns curl's average rate in Mbit/s. */
    static double assertFetched(Result r, int port, Path file) throws Exception {
        assertEquals(0, r.exit(), r.out() + diagnostics());
        String[] w = r.out().trim().split(" ");
        assertEquals("200 " + (MIB << 20) + " " + t.tenantIp + ":" + port, w[0] + " " + w[1] + " " + w[2], r.out());
        assertEquals(bigSum, TenantWithLinuxPeer.sha256(file), "sha256 of what curl saved from port " + port);
        return Double.parseDouble(w[3]) * 8 / 1e6;
    }

    @Test
    void twoWorkersServeAHundredMibWithSendfileOnAndOffToLinuxCurlAtOnce() throws Exception {
        assertEquals(2, workers().size(), "worker processes of the master" + diagnostics());
        Path withSendfile = t.dir.resolve("got-sendfile");
        Path without = t.dir.resolve("got-plain");
        CompletableFuture<Result> a = fetch(SENDFILE_PORT, withSendfile);
        CompletableFuture<Result> b = fetch(PLAIN_PORT, without);
        double on = assertFetched(a.get(90, TimeUnit.SECONDS), SENDFILE_PORT, withSendfile);
        double off = assertFetched(b.get(90, TimeUnit.SECONDS), PLAIN_PORT, without);
        System.out.printf("nginx in the tenant to Linux curl, %d MiB each, both at once: sendfile on %.0f Mbit/s,"
                + " sendfile off %.0f Mbit/s%n", MIB, on, off);
        // The workers saw the Linux client's address (accept) and their own (getsockname: $server_addr).
        String log = Files.readString(t.dir.resolve("nginx-access.log"));
        assertTrue(log.contains(t.linuxIp + " " + t.tenantIp + ":" + SENDFILE_PORT + " "), log);
        assertTrue(log.contains(t.linuxIp + " " + t.tenantIp + ":" + PLAIN_PORT + " "), log);
    }

    @Test
    void afterAReloadNewWorkersServeFromTheInheritedListeners() throws Exception {
        Set<Long> before = workers();
        assertEquals(2, before.size(), "worker processes of the master" + diagnostics());
        // SIGHUP: the master re-reads its configuration, keeps its listening sockets (same
        // addresses) and forks new workers; the old ones finish and exit.
        Result hup = TenantWithLinuxPeer.run(10, List.of("kill", "-HUP", Long.toString(nginx.process.pid())));
        assertEquals(0, hup.exit(), hup.out());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        Set<Long> after = workers();
        while ((after.size() != 2 || after.stream().anyMatch(before::contains)) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            after = workers();
        }
        assertEquals(2, after.size(), "workers after the reload " + after + diagnostics());
        assertTrue(after.stream().noneMatch(before::contains), "new workers " + after + " old " + before);
        Path got = t.dir.resolve("got-after-reload");
        assertFetched(fetch(SENDFILE_PORT, got).get(90, TimeUnit.SECONDS), SENDFILE_PORT, got);
        String log = Files.readString(t.dir.resolve("nginx-access.log"));
        assertTrue(after.stream().anyMatch(pid -> log.contains(" " + pid + " 200 " + (MIB << 20))),
                "served by a new worker " + after + ":\n" + log);
    }

    @Test
    void aBinaryUpgradeExecsANewMasterThatTakesOverTheListeningSocket() throws Exception {
        // SIGUSR2 makes the master fork and exec a new nginx that finds its listening sockets in
        // $NGINX ("using inherited sockets from ..."): getsockname on an fd inherited over exec.
        // nginx passes only the variables its `env` directives name to what it execs, so the
        // shim's two must be named; a daemonized master is the only kind that changes binary.
        Path www = big.getParent();
        Path conf = config("upgrade", "daemon on; env LD_PRELOAD; env ALPENSTACK_ENDPOINT;",
                "server { listen " + t.tenantIp + ":" + UPGRADE_PORT + "; root " + www + "; }");
        // In a pid namespace of its own, whose init is a shell that starts nginx and stays: the
        // daemonized masters and their workers cannot outlive the test, since ending the
        // namespace's init (Daemon.close) ends every process in it. Pid files hold its pids.
        List<String> cmd = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--kill-child", "--",
                "sh", "-c", "\"$@\" && exec sleep 100000", "sh"));
        cmd.addAll(t.inTenant("/usr/sbin/nginx", "-c", conf.toString(), "-p", t.dir.toString()));
        try (Daemon pidns = t.spawn("upgrade", cmd)) {
            upgrade(pidns);
        }
    }

    private static void upgrade(Daemon pidns) throws Exception {
        long old = hostPid(pidns, waitForPid("upgrade.pid", -1));
        Result usr2 = TenantWithLinuxPeer.run(10, List.of("kill", "-USR2", Long.toString(old)));
        assertEquals(0, usr2.exit(), usr2.out());
        long fresh = hostPid(pidns, waitForPid("upgrade.pid", namespacePid(old)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (children(fresh).size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Set<Long> workers = children(fresh);
        assertEquals(2, workers.size(), "workers of the new master " + fresh + diagnostics());
        assertTrue(Files.readString(t.dir.resolve("upgrade-error.log")).contains("using inherited sockets"), diagnostics());
        // The old master lets its workers finish and go; only the new ones accept from then on.
        Set<Long> oldWorkers = children(old);
        oldWorkers.remove(fresh);
        Result quit = TenantWithLinuxPeer.run(10, List.of("kill", "-QUIT", Long.toString(old)));
        assertEquals(0, quit.exit(), quit.out());
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (oldWorkers.stream().anyMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Path got = t.dir.resolve("got-after-upgrade");
        assertFetched(fetch(UPGRADE_PORT, got).get(90, TimeUnit.SECONDS), UPGRADE_PORT, got);
        String log = Files.readString(t.dir.resolve("upgrade-access.log"));
        // $pid in the log is the worker's pid in the namespace.
        assertTrue(workers.stream().anyMatch(pid -> log.contains(" " + namespacePid(pid) + " 200 " + (MIB << 20))),
                "served by a worker of the new master " + workers + ":\n" + log);
    }

    /** The host's pid of a process in the namespace (its NSpid in /proc lists both). */
    static long hostPid(Daemon pidns, long nsPid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (ProcessHandle h : pidns.process.descendants().toList()) {
                if (namespacePid(h.pid()) == nsPid) {
                    return h.pid();
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no process with pid " + nsPid + " in the namespace" + diagnostics());
    }

    /** The innermost pid namespace's number of a host pid, from the NSpid line of /proc/PID/status. */
    static long namespacePid(long hostPid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + hostPid + "/status"))) {
                if (line.startsWith("NSpid:")) {
                    String[] f = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(f[f.length - 1]);
                }
            }
        } catch (Exception gone) {
            // the process ended
        }
        return -1;
    }

    /** The pid in a pid file once it is there and differs from {@code not}. */
    static long waitForPid(String file, long not) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        long pid = -1;
        while (System.nanoTime() < deadline) {
            try {
                pid = pidFrom(file);
            } catch (NumberFormatException partlyWritten) {
                pid = -1;
            }
            if (pid > 0 && pid != not) {
                return pid;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(file + " holds " + pid + ", wanted a pid other than " + not + diagnostics());
    }

    static Set<Long> children(long pid) {
        return ProcessHandle.of(pid).map(h -> h.children().map(ProcessHandle::pid)
                .collect(Collectors.toCollection(HashSet::new))).orElse(new HashSet<>());
    }
}
