package org.alpenstack.it.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.alpenstack.it.link.Sh;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stock iputils {@code ping} in a tenant pinging a Linux host in a namespace. It opens an ICMP
 * datagram ("ping") socket, as an unprivileged Linux user's ping does: raw sockets are refused
 * with EPERM (a tenant program has no CAP_NET_RAW on the stack). It sets IP_RECVTTL,
 * IP_RETOPTS, SO_TIMESTAMP, IP_RECVERR and buffer sizes and reads the replies with recvmsg and
 * control messages: the TTL printed is the reply's (64 from Linux), and ping prints no warning
 * about an option it could not set. ICMP errors about its echoes reach it through IP_RECVERR's
 * error queue, with the offender's address.
 */
class PingShimTest {
    static TenantPeerLab t;
    static final Pattern REPLY = Pattern.compile("bytes from (\\S+): icmp_seq=\\d+ ttl=64 time=[0-9.]+ ms");

    @BeforeAll
    static void start() throws Exception {
        TenantPeerLab.assume("ping", "python3");
        t = TenantPeerLab.start("ping", true);
        // The Linux host routes for the tenant and has no way on to TEST-NET-2 (RFC 5737), which
        // exists nowhere but in this namespace's routing table.
        Sh.ok(t.inLinux("sysctl", "-qw", "net.ipv4.ip_forward=1").toArray(new String[0]));
        Sh.ok("ip", "-n", t.ns, "route", "add", "unreachable", "198.51.100.0/24");
    }

    @AfterAll
    static void stop() throws Exception {
        if (t != null) {
            t.close();
        }
    }

    @Test
    void pingReportsThreeRepliesWithTtlAndRtt() {
        Sh.Result r = TenantPeerLab.run(30, t.inTenant("ping", "-c", "3", "-i", "0.3", "-W", "5", t.linuxIp));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("3 packets transmitted, 3 received, 0% packet loss"), r.output());
        assertEquals(3, REPLY.matcher(r.output()).results().filter(m -> m.group(1).equals(t.linuxIp)).count(), r.output());
        assertTrue(Pattern.compile("rtt min/avg/max/mdev = [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms").matcher(r.output()).find(), r.output());
        assertFalse(r.output().toLowerCase().contains("warning"), r.output());
    }

    @Test
    void fragmentedEchoOf2000Bytes() {
        // 2028-byte datagrams cross the 1500-byte link as two fragments each way.
        Sh.Result r = TenantPeerLab.run(30, t.inTenant("ping", "-c", "2", "-i", "0.3", "-W", "5", "-s", "2000", t.linuxIp));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("2 packets transmitted, 2 received"), r.output());
        assertTrue(r.output().contains("2008 bytes from " + t.linuxIp), r.output());
    }

    @Test
    void anIcmpErrorIsReadFromTheErrorQueue() {
        // Linux answers each echo with ICMP host unreachable; ping (IP_RECVERR) gets EHOSTUNREACH,
        // then reads recvmsg(MSG_ERRQUEUE): sock_extended_err with the offender, and the echo.
        Sh.Result r = TenantPeerLab.run(30, t.inTenant("ping", "-c", "2", "-i", "0.3", "-W", "2", "198.51.100.7"));
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().contains("From " + t.linuxIp + " icmp_seq=1 Destination Host Unreachable"), r.output());
        assertTrue(r.output().contains("From " + t.linuxIp + " icmp_seq=2 Destination Host Unreachable"), r.output());
        assertTrue(r.output().contains("2 packets transmitted, 0 received, +2 errors"), r.output());
    }

    @Test
    void rawIcmpSocketsAreRefusedWithEperm() {
        Sh.Result r = TenantPeerLab.run(30, t.inTenant("python3", "-c",
                "import socket, errno\n"
                        + "try:\n"
                        + "    socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)\n"
                        + "    print('raw socket opened')\n"
                        + "except OSError as e:\n"
                        + "    print(errno.errorcode[e.errno])\n"
                        + "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)\n"
                        + "print('ping socket', s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL))\n"));
        assertEquals(0, r.exit(), r.output());
        assertEquals("EPERM\nping socket 1\n", r.output());
    }
}
