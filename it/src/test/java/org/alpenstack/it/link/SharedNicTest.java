package org.alpenstack.it.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.socket.RecvMeta;
import org.alpenstack.kernel.udp.UdpSocket;
import org.alpenstack.link.afpacket.NetDevice;
import org.alpenstack.link.afpacket.NetNamespace;
import org.alpenstack.tenant.Tenant;
import org.alpenstack.tenant.TenantManager;
import org.alpenstack.tenant.link.NicAttachment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Four instances share one veth end: two in MAC mode (own MACs, learned with PACKET_MR_UNICAST)
 * and two in IP mode (the veth's MAC, demultiplexed by IPv4 destination and ARP target). The
 * Linux kernel in namespace {@code peer} talks to them as to four separate hosts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedNicTest {
    static final String M1 = "192.0.2.11";
    static final String M2 = "192.0.2.12";
    static final String I1 = "192.0.2.21";
    static final String I2 = "192.0.2.22";
    static final String M1_MAC = "02:a1:00:00:00:11";

    static TenantsOnLab tenants;
    static Lab lab;
    static TenantManager manager;

    @BeforeAll
    static void start() throws Exception {
        Lab.assumeRoot();
        tenants = TenantsOnLab.start("nic", """
                [
                    { "name": "m1", "link": "lan", "mode": "mac", "mac": "%s", "addresses": ["%s/24"], "services": ["echo", "discard", "chargen"] },
                    { "name": "m2", "link": "lan", "mode": "mac", "addresses": ["%s/24"], "services": ["echo"] },
                    { "name": "i1", "link": "lan", "mode": "ip", "addresses": ["%s/24"], "services": ["echo", "discard"] },
                    { "name": "i2", "link": "lan", "mode": "ip", "addresses": ["%s/24"], "services": ["echo"] } ]
                """.formatted(M1_MAC, M1, M2, I1, I2));
        lab = tenants.lab;
        manager = tenants.manager;
    }

    @AfterAll
    static void stop() throws Exception {
        if (tenants != null) {
            tenants.close();
        }
    }

    @Test
    @Order(1)
    void theKernelPingsAllFourAndLearnsTheirMacs() {
        for (String ip : new String[] {M1, M2, I1, I2}) {
            Sh.Result r = lab.peerTool(60, "ping", ip, "3");
            assertEquals("received 3", r.output().trim(), "ping " + ip + ": " + r.output());
        }
        String neigh = Sh.ok("ip", "-n", lab.peer, "neigh", "show", "dev", lab.peerDev).output();
        String veth = NetNamespace.call(lab.srv, () -> NetDevice.macOf(lab.srvDev).toString());
        Map<String, String> want = Map.of(M1, M1_MAC, M2, manager.tenant("m2").attachment().mac().toString(), I1, veth, I2, veth);
        for (var e : want.entrySet()) {
            assertTrue(neighbourLine(neigh, e.getKey()).contains("lladdr " + e.getValue().toLowerCase()),
                    e.getKey() + " should be at " + e.getValue() + ":\n" + neigh);
        }
        assertTrue(!manager.tenant("m2").attachment().mac().toString().equalsIgnoreCase(veth));
    }

    private static String neighbourLine(String neigh, String ip) {
        for (String line : neigh.split("\n")) {
            if (line.startsWith(ip + " ")) {
                return line;
            }
        }
        return "(no entry for " + ip + ")";
    }

    @Test
    @Order(2)
    void theHostKernelSendsNoResetOrIcmpForTheInstancesAddresses() {
        long rsts = Lab.snmp(lab.srv, "Tcp", "OutRsts");
        long icmp = Lab.snmp(lab.srv, "Icmp", "OutMsgs");
        long ipOut = Lab.snmp(lab.srv, "Ip", "OutRequests");
        for (String ip : new String[] {M1, M2, I1, I2}) {
            lab.peerTool(10, "tcp-probe", ip, "4444");
            Sh.Result udp = lab.peerTool(10, "udp-probe", ip, "4444");
            // The instance itself answers a closed UDP port (RFC 1122 3.2.2.1), the host must not.
            assertEquals("ECONNREFUSED", udp.output().trim(), "udp probe to " + ip);
        }
        assertEquals(rsts, Lab.snmp(lab.srv, "Tcp", "OutRsts"), "host kernel sent TCP resets");
        assertEquals(icmp, Lab.snmp(lab.srv, "Icmp", "OutMsgs"), "host kernel sent ICMP");
        assertEquals(ipOut, Lab.snmp(lab.srv, "Ip", "OutRequests"), "host kernel sent IP packets");
    }

    @Test
    @Order(3)
    void udpEchoRoundTripsTenThousandDatagramsUpTo8000Bytes() {
        Sh.Result r = lab.peerTool(300, "udp-echo", M1, "7", "10000", "8000", "16");
        System.out.println("udp echo m1: " + r.output().trim());
        assertTrue(r.output().startsWith("ok 10000"), r.output());
        Sh.Result ip = lab.peerTool(300, "udp-echo", I1, "7", "2000", "8000", "16");
        System.out.println("udp echo i1: " + ip.output().trim());
        assertTrue(ip.output().startsWith("ok 2000"), ip.output());
    }

    @Test
    @Order(4)
    void hairpinTrafficBetweenInstancesStaysInTheProcess() throws Exception {
        // MAC mode -> IP mode, IP mode -> IP mode, MAC mode -> MAC mode.
        String[][] pairs = {{"m1", I1}, {"i2", I1}, {"m2", M1}};
        for (String[] p : pairs) {
            Tenant from = manager.tenant(p[0]);
            // The first exchange resolves the address: the ARP request is broadcast, so it goes
            // to the wire as well as to the owner. After that nothing may leave the process.
            assertEquals("warm-up", udpExchange(from, p[1], 7, "warm-up"), p[0] + " -> " + p[1]);
            NicAttachment.Stats before = from.attachment().stats();
            NicAttachment.Stats toBefore = ownerOf(p[1]).attachment().stats();
            // 20 exchanges: if they used the wire, both sides would send at least 20 frames
            // there; background traffic (a neighbour probe to the peer) is a frame or two.
            for (int i = 0; i < 20; i++) {
                assertEquals("hairpin " + i + " from " + p[0], udpExchange(from, p[1], 7, "hairpin " + i + " from " + p[0]),
                        p[0] + " -> " + p[1]);
            }
            NicAttachment.Stats after = from.attachment().stats();
            NicAttachment.Stats toAfter = ownerOf(p[1]).attachment().stats();
            assertTrue(after.hairpinOut() - before.hairpinOut() >= 20, "requests should have been switched in-process");
            assertTrue(toAfter.hairpinOut() - toBefore.hairpinOut() >= 20, "replies should have been switched in-process");
            assertTrue(after.wireSent() - before.wireSent() < 5, p[0] + " sent its requests to the wire");
            assertTrue(toAfter.wireSent() - toBefore.wireSent() < 5, p[1] + " sent its replies to the wire");
        }
    }

    static Tenant ownerOf(String ip) {
        for (Tenant t : manager.tenants()) {
            if (t.spec().addresses().stream().anyMatch(c -> org.alpenstack.kernel.wire.Ipv4Address.toString(c.address()).equals(ip))) {
                return t;
            }
        }
        throw new AssertionError("no instance has " + ip);
    }

    /** Sends one datagram from instance {@code from} and waits for the reply. */
    static String udpExchange(Tenant from, String to, int port, String text) throws Exception {
        var inst = from.instance();
        UdpSocket s = inst.call(stack -> {
            UdpSocket u = stack.openUdp();
            byte[] b = text.getBytes();
            int r = u.sendTo(b, 0, b.length, 0, InetEndpoint.of(to, port));
            if (r < 0) {
                throw new IllegalStateException("sendTo: " + r);
            }
            return u;
        }).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline) {
                String got = inst.query(stack -> {
                    byte[] buf = new byte[2048];
                    int n = s.recvFrom(buf, 0, buf.length, 0, new RecvMeta());
                    return n < 0 ? null : new String(buf, 0, n);
                }).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
                if (got != null) {
                    return got;
                }
                Thread.sleep(10);
            }
            return null;
        } finally {
            inst.execute(stack -> s.close());
        }
    }
}
