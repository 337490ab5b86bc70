package org.alpenstack.it.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.alpenstack.it.link.Sh;
import org.alpenstack.it.shim.TenantWithLinuxPeer.Daemon;
import org.junit.jupiter.api.Test;

/**
 * Debian's nginx in a tenant whose server goes away (its endpoint closes, as when the Alpenstack
 * server is killed): the two workers, each accepting from epoll on the listener inherited from
 * the master, used to spin at 100% CPU on the listener's data socket, readable at EOF for ever.
 * The shim now swaps it for an idle listener in each worker: they sit in epoll_wait.
 */
class NginxServerGoneShimTest {
    static final int PORT = 8090;

    /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
    static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    @Test
    void workersStayIdleOnceTheServerWentAway() throws Exception {
        TenantWithLinuxPeer.assume("/usr/sbin/nginx", "/usr/bin/curl");
        try (TenantWithLinuxPeer t = TenantWithLinuxPeer.start("ngxgone")) {
            Path www = Files.createDirectories(t.dir.resolve("www"));
            Files.writeString(www.resolve("index.html"), "here\n");
            String temp = Files.createDirectories(t.dir.resolve("temp")).toString();
            Path conf = t.dir.resolve("nginx.conf");
            Files.write(conf, List.of(
                    "user root;", "worker_processes 2;", "daemon off;",
                    "pid " + t.dir.resolve("nginx.pid") + ";",
                    "error_log " + t.dir.resolve("error.log") + " info;",
                    "events { worker_connections 64; }",
                    "http {",
                    "  access_log off;",
                    "  client_body_temp_path " + temp + "; proxy_temp_path " + temp + "; fastcgi_temp_path " + temp + ";",
                    "  uwsgi_temp_path " + temp + "; scgi_temp_path " + temp + ";",
                    "  server { listen " + t.tenantIp + ":" + PORT + "; root " + www + "; }",
                    "}"));
            Daemon nginx = t.spawn("nginx", t.inTenant("/usr/sbin/nginx", "-c", conf.toString(), "-p", t.dir.toString()));
            Sh.Result r = TenantWithLinuxPeer.retry(20, t.inLinux("curl", "-sS", "http://" + t.tenantIp + ":" + PORT + "/"));
            assertEquals(0, r.exit(), r.output() + nginx.output() + t.read("error.log"));
            List<Long> workers = nginx.process.children().map(ProcessHandle::pid).toList();
            assertEquals(2, workers.size(), "workers " + workers + "\n" + t.read("error.log"));

            t.endpoint().close();
            Thread.sleep(500); // each worker's epoll_wait reports the hang-up once
            Map<Long, Long> before = new TreeMap<>();
            for (long w : workers) {
                before.put(w, cpuTicks(w));
            }
            Thread.sleep(2000);
            Map<Long, Long> used = new TreeMap<>();
            for (long w : workers) {
                assertTrue(ProcessHandle.of(w).map(ProcessHandle::isAlive).orElse(false), "worker " + w + " died\n"
                        + t.read("error.log"));
                used.put(w, cpuTicks(w) - before.get(w));
            }
            System.out.println("nginx workers' CPU ticks over 2 s after the server went away: " + used);
            String log = t.read("error.log");
            // 200 ticks is a whole CPU for 2 s; a spinning worker took about half of one here.
            assertTrue(used.values().stream().allMatch(ticks -> ticks <= 6), used + "\n" + log);
            // Each worker says so once in nginx's error log (where nginx points its stderr).
            long notices = log.lines().filter(l -> l.startsWith("alpenstack: the server for tenant ngxgone went away")).count();
            assertEquals(2, notices, log);
            nginx.process.destroy(); // SIGTERM: the master stops its workers and exits
            assertTrue(nginx.process.waitFor(10, TimeUnit.SECONDS), "nginx did not stop\n" + log);
        }
    }
}
