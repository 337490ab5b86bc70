package org.alpenstack.it.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.alpenstack.it.shim.TenantWithLinuxPeer.Daemon;
import org.alpenstack.it.shim.TenantWithLinuxPeer.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OpenSSH both ways between a tenant and a Linux peer in its own namespace, unmodified Debian
 * binaries, throwaway keys. sshd in the tenant is the hard case for the shim: it forks per
 * connection and re-execs itself with the accepted socket dup2'd onto fds 0 and 1, its
 * pre-authentication child chroots to /run/sshd and drops to the sshd user while still doing
 * the connection's I/O, and the monitor passes fds between the two.
 */
class OpenSshShimTest {
    static final int MIB = 50;
    static TenantWithLinuxPeer t;
    static Path keys;
    static Path blob;
    static String blobSum;
    static boolean madePrivsepDir;

    @BeforeAll
    static void start() throws Exception {
        TenantWithLinuxPeer.assumeRoot();
        TenantWithLinuxPeer.requireProgram("/usr/sbin/sshd");
        TenantWithLinuxPeer.requireProgram("/usr/bin/ssh");
        TenantWithLinuxPeer.requireProgram("/usr/bin/scp");
        t = TenantWithLinuxPeer.start("ssh");
        keys = Files.createDirectories(t.dir.resolve("keys"));
        for (String key : new String[] {"host", "user"}) {
            Result r = TenantWithLinuxPeer.run(30, List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "",
                    "-C", "alpenstack-it", "-f", keys.resolve(key).toString()));
            assertEquals(0, r.exit(), r.out());
        }
        Files.copy(keys.resolve("user.pub"), keys.resolve("authorized_keys"));
        // sshd's privilege-separation directory (its pre-auth child chroots there); the package
        // creates it at boot through tmpfiles, which a container may not have run.
        Path privsep = Path.of("/run/sshd");
        if (!Files.isDirectory(privsep)) {
            Files.createDirectories(privsep);
            madePrivsepDir = true;
        }
        blob = t.dir.resolve("blob");
        TenantWithLinuxPeer.randomFile(blob, MIB, 5);
        blobSum = TenantWithLinuxPeer.sha256(blob);
    }

    @AfterAll
    static void stop() throws Exception {
        if (t != null) {
            t.close();
        }
        if (madePrivsepDir) {
            Files.deleteIfExists(Path.of("/run/sshd"));
        }
    }

    /** A private sshd_config: throwaway host key, root by key only, no PAM, pid and log in the test dir. */
    static Path sshdConfig(String name, String listen, String... extra) throws Exception {
        List<String> lines = new ArrayList<>(List.of(
                "ListenAddress " + listen,
                "HostKey " + keys.resolve("host"),
                "AuthorizedKeysFile " + keys.resolve("authorized_keys"),
                "PidFile " + t.dir.resolve(name + ".pid"),
                "UsePAM no",
                "StrictModes no",
                "PermitRootLogin prohibit-password",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "Subsystem sftp /usr/lib/openssh/sftp-server",
                "LogLevel VERBOSE"));
        lines.addAll(List.of(extra));
        Path config = t.dir.resolve(name + "_config");
        Files.write(config, lines);
        return config;
    }

    static Daemon sshd(String name, Path config, boolean inTenant) throws Exception {
        String[] cmd = {"/usr/sbin/sshd", "-D", "-E", t.dir.resolve(name + ".log").toString(), "-f", config.toString()};
        return t.spawn(name, inTenant ? t.inTenant(cmd) : t.inLinux(cmd));
    }

    static String sshdLog(String name) throws Exception {
        Path log = t.dir.resolve(name + ".log");
        return Files.exists(log) ? "\n--- " + name + ".log\n" + Files.readString(log) : "";
    }

    /** Runs one 50 MiB scp and prints its rate (encryption included). */
    static Result timed(String what, List<String> cmd) throws Exception {
        long t0 = System.nanoTime();
        Result r = TenantWithLinuxPeer.run(60, cmd);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s: %d MiB in %.2f s, %.0f Mbit/s (process start and handshake included)%n",
                what, MIB, seconds, MIB * 8.388608 / seconds);
        return r;
    }

    static boolean waitForLog(String name, String text) throws Exception {
        Path log = t.dir.resolve(name + ".log");
        for (int i = 0; i < 100; i++) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** Client options: the test's key and nothing from the host's ssh configuration. */
    static List<String> clientOptions() {
        return List.of("-F", "/dev/null", "-i", keys.resolve("user").toString(), "-o", "IdentitiesOnly=yes",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR");
    }

    static String[] ssh(String userAtHost, int port, String command) {
        List<String> c = new ArrayList<>(List.of("ssh"));
        c.addAll(clientOptions());
        c.addAll(List.of("-p", Integer.toString(port), userAtHost, command));
        return c.toArray(new String[0]);
    }

    /** scp; {@code legacy} uses the old scp protocol (-O: `scp -t`/`scp -f` run by the remote shell) instead of SFTP. */
    static String[] scp(boolean legacy, int port, String from, String to) {
        List<String> c = new ArrayList<>(List.of("scp"));
        if (legacy) {
            c.add("-O");
        }
        c.addAll(clientOptions());
        c.addAll(List.of("-P", Integer.toString(port), from, to));
        return c.toArray(new String[0]);
    }

    @Test
    void linuxSshAndScpThroughSshdInTheTenant() throws Exception {
        // The session's environment is built by sshd from scratch; SetEnv hands it the shim, so
        // what runs in the session is attached to the tenant too (here the stock ifconfig).
        Path config = sshdConfig("sshd-tenant", t.tenantIp + ":2222",
                "SetEnv LD_PRELOAD=" + t.preloadLibrary() + " ALPENSTACK_ENDPOINT=" + t.endpointPath());
        try (Daemon sshd = sshd("sshd-tenant", config, true)) {
            Result r = TenantWithLinuxPeer.retry(20, t.inLinux(ssh("root@" + t.tenantIp, 2222,
                    "echo \"connection: $SSH_CONNECTION\"; ifconfig")));
            assertEquals(0, r.exit(), r.out() + sshd.output() + sshdLog("sshd-tenant"));
            // sshd learnt both ends from getpeername/getsockname on the stack socket it inherited via exec.
            assertTrue(r.out().matches("(?s)connection: " + t.linuxIp.replace(".", "\\.") + " \\d+ "
                    + t.tenantIp.replace(".", "\\.") + " 2222\n.*"), r.out());
            assertTrue(r.out().contains("inet " + t.tenantIp), "the session runs attached to the tenant:\n" + r.out());

            // A client that gives up during authentication: the pre-auth child, confined by its
            // seccomp filter, reads EOF and says so (the shim once got it killed by SIGSYS there).
            Result refused = TenantWithLinuxPeer.run(30, t.inLinux(ssh("nobody@" + t.tenantIp, 2222, "true")));
            assertEquals(255, refused.exit(), refused.out());
            assertTrue(waitForLog("sshd-tenant", "Connection closed by authenticating user nobody " + t.linuxIp),
                    sshdLog("sshd-tenant"));
            // sshd asks each connection for its bound device (VRF) and IP options: Linux answers empty.
            assertFalse(sshdLog("sshd-tenant").contains("cannot determine VRF"), sshdLog("sshd-tenant"));

            Path up = t.dir.resolve("up-to-tenant");
            r = timed("Linux scp (SFTP) up to sshd in the tenant",
                    t.inLinux(scp(false, 2222, blob.toString(), "root@" + t.tenantIp + ":" + up)));
            assertEquals(0, r.exit(), r.out() + sshdLog("sshd-tenant"));
            assertEquals(blobSum, TenantWithLinuxPeer.sha256(up), "sha256 of the uploaded copy");

            Path down = t.dir.resolve("down-from-tenant");
            r = timed("Linux scp -O down from sshd in the tenant",
                    t.inLinux(scp(true, 2222, "root@" + t.tenantIp + ":" + blob, down.toString())));
            assertEquals(0, r.exit(), r.out() + sshdLog("sshd-tenant"));
            assertEquals(blobSum, TenantWithLinuxPeer.sha256(down), "sha256 of the downloaded copy");
        }
    }

    @Test
    void portForwardsBothWaysThroughSshdInTheTenant() throws Exception {
        // -L: sshd's post-auth child connects out of the tenant (non-blocking connect) to a
        // Linux web server; -R: it listens on the tenant's own loopback and accepts there.
        Path config = sshdConfig("sshd-forward", t.tenantIp + ":2223");
        String web = t.linuxIp + ":8099";
        try (Daemon sshd = sshd("sshd-forward", config, true);
                Daemon http = t.spawn("http", t.inLinux("python3", "-m", "http.server", "--bind", t.linuxIp,
                        "--directory", t.dir.toString(), "8099"))) {
            Result up = TenantWithLinuxPeer.retry(20, t.inLinux(ssh("root@" + t.tenantIp, 2223, "true")));
            assertEquals(0, up.exit(), up.out() + sshd.output() + sshdLog("sshd-forward"));
            List<String> tunnel = new ArrayList<>(List.of("ssh", "-N", "-o", "ExitOnForwardFailure=yes",
                    "-L", "127.0.0.1:7001:" + web, "-R", "127.0.0.1:7002:" + web));
            tunnel.addAll(clientOptions());
            tunnel.addAll(List.of("-p", "2223", "root@" + t.tenantIp));
            try (Daemon client = t.spawn("tunnel", t.inLinux(tunnel.toArray(new String[0])))) {
                Path viaL = t.dir.resolve("via-L");
                Result r = TenantWithLinuxPeer.retry(20, t.inLinux("curl", "-sS", "--fail", "-o", viaL.toString(),
                        "http://127.0.0.1:7001/blob"));
                assertEquals(0, r.exit(), r.out() + client.output() + http.output() + sshdLog("sshd-forward"));
                assertEquals(blobSum, TenantWithLinuxPeer.sha256(viaL), "sha256 through -L");

                Path viaR = t.dir.resolve("via-R");
                r = TenantWithLinuxPeer.retry(20, t.inTenant("curl", "-sS", "--fail", "-o", viaR.toString(),
                        "http://127.0.0.1:7002/blob"));
                assertEquals(0, r.exit(), r.out() + client.output() + sshdLog("sshd-forward"));
                assertEquals(blobSum, TenantWithLinuxPeer.sha256(viaR), "sha256 through -R");
            }
        }
    }

    @Test
    void sshAndScpFromTheTenantToALinuxSshd() throws Exception {
        Path config = sshdConfig("sshd-linux", t.linuxIp + ":2222");
        try (Daemon sshd = sshd("sshd-linux", config, false)) {
            Result r = TenantWithLinuxPeer.retry(20,
                    t.inTenant(ssh("root@" + t.linuxIp, 2222, "echo \"connection: $SSH_CONNECTION\"")));
            assertEquals(0, r.exit(), r.out() + sshd.output() + sshdLog("sshd-linux"));
            assertTrue(r.out().matches("(?s)connection: " + t.tenantIp.replace(".", "\\.") + " \\d+ "
                    + t.linuxIp.replace(".", "\\.") + " 2222\n.*"), r.out());

            // scp forks and execs ssh, which inherits nothing but a pipe: its own socket is the tenant's.
            Path up = t.dir.resolve("up-to-linux");
            r = timed("scp (SFTP) in the tenant up to Linux sshd",
                    t.inTenant(scp(false, 2222, blob.toString(), "root@" + t.linuxIp + ":" + up)));
            assertEquals(0, r.exit(), r.out() + sshdLog("sshd-linux"));
            assertEquals(blobSum, TenantWithLinuxPeer.sha256(up), "sha256 of the uploaded copy");

            Path down = t.dir.resolve("down-from-linux");
            r = timed("scp -O in the tenant down from Linux sshd",
                    t.inTenant(scp(true, 2222, "root@" + t.linuxIp + ":" + blob, down.toString())));
            assertEquals(0, r.exit(), r.out() + sshdLog("sshd-linux"));
            assertEquals(blobSum, TenantWithLinuxPeer.sha256(down), "sha256 of the downloaded copy");
        }
    }
}
