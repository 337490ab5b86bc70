package org.alpenstack.it.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
 * socket is a real AF_UNIX stream socket; with sendfile off they read and writev.
 */
class NginxShimTest {
    static final int MIB = 100;
    static final int SENDFILE_PORT = 8080;
    static final int PLAIN_PORT = 8081;
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
        Files.createDirectories(t.dir.resolve("temp"));
        Path d = t.dir;
        String temp = d.resolve("temp").toString();
        Files.writeString(d.resolve("nginx.conf"), String.join("\n",
                "user root;",
                "worker_processes 2;",
                "daemon off;",
                "pid " + d.resolve("nginx.pid") + ";",
                "error_log " + d.resolve("error.log") + " info;",
                "events { worker_connections 64; }",
                "http {",
                "  default_type application/octet-stream;",
                "  log_format served '$remote_addr $server_addr:$server_port $pid $status $body_bytes_sent';",
                "  access_log " + d.resolve("access.log") + " served;",
                "  client_body_temp_path " + temp + "; proxy_temp_path " + temp + "; fastcgi_temp_path " + temp + ";",
                "  uwsgi_temp_path " + temp + "; scgi_temp_path " + temp + ";",
                "  server { listen " + t.tenantIp + ":" + SENDFILE_PORT + "; root " + www + "; sendfile on; tcp_nopush on; }",
                "  server { listen " + t.tenantIp + ":" + PLAIN_PORT + "; root " + www + "; sendfile off; }",
                "}", ""));
        nginx = t.spawn("nginx", t.inTenant("/usr/sbin/nginx", "-c", d.resolve("nginx.conf").toString(), "-p", d.toString()));
        Result r = TenantWithLinuxPeer.retry(20, t.inLinux("curl", "-sS", "-o", "/dev/null", "-I",
                "http://" + t.tenantIp + ":" + SENDFILE_PORT + "/big"));
        assertEquals(0, r.exit(), r.out() + diagnostics());
    }

    @AfterAll
    static void stop() throws Exception {
        if (t != null) {
            t.close(); // kills nginx and its workers
        }
    }

    static String diagnostics() throws Exception {
        StringBuilder b = new StringBuilder("\n--- nginx output\n").append(nginx == null ? "" : nginx.output());
        for (String log : new String[] {"error.log", "access.log"}) {
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
                        "-w", "%{http_code} %{size_download} %{remote_ip}:%{remote_port}", "http://" + t.tenantIp + ":" + port + "/big"));
            } catch (Exception e) {
                return new Result(-1, e.toString());
            }
        });
    }

    static void assertFetched(Result r, int port, Path file) throws Exception {
        assertEquals(0, r.exit(), r.out() + diagnostics());
        assertEquals("200 " + (MIB << 20) + " " + t.tenantIp + ":" + port, r.out().trim());
        assertEquals(bigSum, TenantWithLinuxPeer.sha256(file), "sha256 of what curl saved from port " + port);
    }

    @Test
    void twoWorkersServeAHundredMibWithSendfileOnAndOffToLinuxCurlAtOnce() throws Exception {
        assertEquals(2, workers().size(), "worker processes of the master" + diagnostics());
        Path withSendfile = t.dir.resolve("got-sendfile");
        Path without = t.dir.resolve("got-plain");
        CompletableFuture<Result> a = fetch(SENDFILE_PORT, withSendfile);
        CompletableFuture<Result> b = fetch(PLAIN_PORT, without);
        assertFetched(a.get(90, TimeUnit.SECONDS), SENDFILE_PORT, withSendfile);
        assertFetched(b.get(90, TimeUnit.SECONDS), PLAIN_PORT, without);
        // The workers saw the Linux client's address (accept) and their own (getsockname: $server_addr).
        String log = Files.readString(t.dir.resolve("access.log"));
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
        String log = Files.readString(t.dir.resolve("access.log"));
        assertTrue(after.stream().anyMatch(pid -> log.contains(" " + pid + " 200 " + (MIB << 20))),
                "served by a new worker " + after + ":\n" + log);
    }
}
