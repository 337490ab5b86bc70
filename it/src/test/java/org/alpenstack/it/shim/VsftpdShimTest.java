package org.alpenstack.it.shim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.alpenstack.it.link.Sh;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stock vsftpd attached to a tenant through the shim, lftp in a Linux namespace on the other
 * side of the stack: a listing, a 4 MiB download and an upload, byte-exact, in passive mode
 * (the Linux client connects to vsftpd's PASV listener in the tenant) and in active mode (vsftpd
 * connects out of the tenant from port 20 to the client's PORT address).
 *
 * <p>vsftpd is a hard case for a preload: it forks a privileged helper and an unprivileged
 * protocol process talking over a socketpair, chroots both and drops them to other users
 * (after which the endpoint's path is unreachable: the pass-fd channel carries their new
 * connections), clones the protocol process into an empty network namespace, passes sockets
 * between them with SCM_RIGHTS, binds port 20 with
 * CAP_NET_BIND_SERVICE, sets SO_OOBINLINE, SO_LINGER, IP_TOS, TCP_NODELAY and
 * SO_REUSEADDR, and sends files with sendfile(2) into the data socket (a unix stream: the
 * kernel's sendfile works on it as it is).
 */
class VsftpdShimTest {
    static TenantPeerLab t;
    static byte[] blob;
    static Path root;

    @BeforeAll
    static void start() throws Exception {
        TenantPeerLab.assume("vsftpd", "lftp", "tcpdump");
        t = TenantPeerLab.start("ftp");
        // anon_root must not be writable by the FTP user (vsftpd refuses a writable chroot); pub is.
        root = t.dir.resolve("root");
        Files.createDirectories(root.resolve("pub"));
        blob = new byte[4 << 20];
        new Random(5).nextBytes(blob);
        Files.write(root.resolve("pub/blob"), blob);
        Files.setPosixFilePermissions(root.resolve("pub/blob"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(root.resolve("pub"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("r-xr-xr-x"));
        Path empty = t.dir.resolve("empty");
        Files.createDirectories(empty);
        Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("r-xr-xr-x"));
        Path conf = t.dir.resolve("vsftpd.conf");
        Files.writeString(conf, String.join("\n",
                "listen=YES",
                "listen_address=" + t.tenantIp,
                "listen_port=21",
                "background=NO",
                "anonymous_enable=YES",
                "local_enable=NO",
                "anon_root=" + root,
                "no_anon_password=YES",
                "ftp_username=ftp",
                "write_enable=YES",
                "anon_upload_enable=YES",
                "anon_umask=022",
                "secure_chroot_dir=" + empty,
                "pasv_enable=YES",
                "pasv_address=" + t.tenantIp,
                "pasv_min_port=30000",
                "pasv_max_port=30099",
                "connect_from_port_20=YES",
                // Debian 12's vsftpd 3.0.3 dies under its own seccomp filter even on plain Linux
                // (glibc's newfstatat is not in it: SIGSYS at the first SIZE command).
                "seccomp_sandbox=NO",
                // vsftpd's defaults, said out loud: the session runs in new PID/IPC namespaces and
                // the protocol process in a new, empty network namespace (CLONE_NEWNET). It
                // still reaches the tenant: the endpoint is a path (after chroot, the pass-fd
                // channel), which no network namespace hides, and the data sockets' abstract
                // names are bound in whatever namespace the process is in.
                "isolate=YES",
                "isolate_network=YES",
                "xferlog_enable=NO",
                "syslog_enable=NO",
                "vsftpd_log_file=" + t.dir.resolve("vsftpd.log"),
                ""));
        t.spawn("vsftpd.out", t.inTenant("/usr/sbin/vsftpd", conf.toString()));
        // Ready when a Linux client gets the greeting.
        Sh.Result hello = null;
        for (int i = 0; i < 40; i++) {
            hello = TenantPeerLab.run(5, t.inLinux("bash", "-c",
                    "exec 3<>/dev/tcp/" + t.tenantIp + "/21 && head -c 3 <&3"));
            if (hello.exit() == 0 && hello.output().startsWith("220")) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("vsftpd in the tenant never greeted: " + hello + "\n" + t.log("vsftpd.out"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (t != null) {
            t.close();
        }
    }

    /** lftp in the Linux namespace; any failed command ends it with a non-zero exit. */
    static Sh.Result lftp(String script) {
        return TenantPeerLab.run(30, t.inLinux("lftp", "-c",
                "set cmd:fail-exit yes; set net:max-retries 2; set net:timeout 10; set xfer:clobber yes; "
                        + "open -u anonymous, ftp://" + t.tenantIp + "; " + script));
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    void listDownloadUpload(String mode) throws Exception {
        Path got = t.dir.resolve("got-" + mode);
        Path up = t.dir.resolve("up-" + mode);
        byte[] upload = new byte[1 << 20];
        new Random(mode.hashCode()).nextBytes(upload);
        Files.write(up, upload);
        Sh.Result r = lftp("set ftp:passive-mode " + (mode.equals("passive") ? "on" : "off") + "; "
                + "cls -l pub; get pub/blob -o " + got + "; put " + up + " -o pub/up-" + mode + "; cls -l pub");
        assertEquals(0, r.exit(), r + "\n" + t.log("vsftpd.out"));
        assertTrue(r.output().contains("blob"), r.output());
        assertTrue(r.output().contains("up-" + mode), r.output());
        assertEquals(sha256(blob), sha256(Files.readAllBytes(got)), "download through the " + mode + " data connection");
        assertArrayEquals(upload, Files.readAllBytes(root.resolve("pub/up-" + mode)), "upload, " + mode);
    }

    @Test
    void passiveModeListDownloadUpload() throws Exception {
        listDownloadUpload("passive");
    }

    @Test
    void activeModeConnectsOutOfTheTenantFromPort20() throws Exception {
        // Seen from Linux: the data connections' SYNs come from the tenant's port 20.
        Process dump = t.spawn("tcpdump.out", t.inLinux("tcpdump", "-i", "any", "-n", "-l", "-c", "1",
                "tcp[tcpflags] & tcp-syn != 0 and src host " + t.tenantIp + " and src port 20"));
        for (int i = 0; i < 40 && !t.log("tcpdump.out").contains("listening on"); i++) {
            Thread.sleep(100);
        }
        listDownloadUpload("active");
        assertTrue(dump.waitFor(10, TimeUnit.SECONDS), "no SYN from port 20 seen: " + t.log("tcpdump.out"));
        assertTrue(t.log("tcpdump.out").contains(t.tenantIp + ".20 > " + t.linuxIp), t.log("tcpdump.out"));
    }
}
