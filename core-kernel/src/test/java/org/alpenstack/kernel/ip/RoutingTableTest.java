package org.alpenstack.kernel.ip;

import static org.alpenstack.kernel.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.alpenstack.kernel.iface.InterfaceAddress;
import org.alpenstack.kernel.iface.InterfaceTable;
import org.alpenstack.kernel.iface.NetInterface;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RoutingTableTest {
    InterfaceTable ifs;
    NetInterface lo;
    NetInterface eth0;
    NetInterface eth1;
    RoutingTable rt;
    RouteResult r = new RouteResult();

    @BeforeEach
    void setUp() {
        ifs = new InterfaceTable();
        lo = new NetInterface(1, "lo", null, 0, 65536, true);
        ifs.add(lo);
        lo.addAddress(new InterfaceAddress(Ipv4Address.LOOPBACK, 8));
        eth0 = new NetInterface(2, "eth0", null, 0x020000000001L, 1500, false);
        eth1 = new NetInterface(3, "eth1", null, 0x020000000002L, 9000, false);
        ifs.add(eth0);
        ifs.add(eth1);
        rt = new RoutingTable(ifs);
        eth0.addAddress(new InterfaceAddress(parse("10.0.0.1"), 24));
        eth1.addAddress(new InterfaceAddress(parse("192.168.1.5"), 16));
        assertEquals(0, rt.add(connected("10.0.0.0", 24, eth0, "10.0.0.1")));
        assertEquals(0, rt.add(connected("192.168.0.0", 16, eth1, "192.168.1.5")));
    }

    static Route connected(String net, int len, NetInterface i, String src) {
        return new Route(parse(net), len, 0, i.index(), 0, parse(src), 0, true);
    }

    static Route via(String net, int len, String gw, int metric) {
        return new Route(parse(net), len, parse(gw), 0, metric, 0, 0, false);
    }

    @Test
    void onLinkDestinationIsItsOwnNextHopWithTheInterfaceAddressAsSource() {
        assertTrue(rt.lookup(parse("10.0.0.7"), r));
        assertEquals(eth0, r.iface);
        assertEquals(parse("10.0.0.7"), r.nextHop);
        assertEquals(parse("10.0.0.1"), r.source);
        assertEquals(1500, r.mtu);
        assertFalse(r.broadcast);
    }

    @Test
    void longestPrefixWinsOverShorterAndDefault() {
        assertEquals(0, rt.setDefaultGateway(parse("10.0.0.254")));
        assertEquals(0, rt.add(via("172.16.0.0", 12, "192.168.0.1", 0)));
        assertEquals(0, rt.add(via("172.16.5.0", 24, "10.0.0.2", 0)));

        assertTrue(rt.lookup(parse("172.16.5.9"), r));
        assertEquals(parse("10.0.0.2"), r.nextHop);
        assertEquals(eth0, r.iface);

        assertTrue(rt.lookup(parse("172.16.6.9"), r));
        assertEquals(parse("192.168.0.1"), r.nextHop);
        assertEquals(eth1, r.iface);
        assertEquals(parse("192.168.1.5"), r.source, "source from the outgoing interface (RFC 1122 3.3.4.3)");
        assertEquals(9000, r.mtu);

        assertTrue(rt.lookup(parse("8.8.8.8"), r));
        assertEquals(parse("10.0.0.254"), r.nextHop);
        assertTrue(r.route.isDefault());
    }

    @Test
    void lowerMetricWinsAmongEqualPrefixes() {
        assertEquals(0, rt.add(via("0.0.0.0", 0, "10.0.0.254", 100)));
        assertEquals(0, rt.add(via("0.0.0.0", 0, "192.168.0.1", 50)));
        assertTrue(rt.lookup(parse("1.2.3.4"), r));
        assertEquals(parse("192.168.0.1"), r.nextHop);
        assertEquals(0, rt.delete(0, 0, 50));
        assertTrue(rt.lookup(parse("1.2.3.4"), r));
        assertEquals(parse("10.0.0.254"), r.nextHop);
    }

    @Test
    void routeMtuAndPreferredSourceAreHonoured() {
        eth0.addAddress(new InterfaceAddress(parse("10.0.0.9"), 24));
        assertEquals(0, rt.add(new Route(parse("203.0.113.0"), 24, parse("10.0.0.254"), 0, 0, parse("10.0.0.9"), 1280, false)));
        assertTrue(rt.lookup(parse("203.0.113.1"), r));
        assertEquals(parse("10.0.0.9"), r.source);
        assertEquals(1280, r.mtu);
    }

    @Test
    void gatewayMustBeOnLinkAndDuplicatesAreRejected() {
        assertEquals(-Errno.ENETUNREACH, rt.add(via("8.0.0.0", 8, "172.31.0.1", 0)));
        assertEquals(0, rt.add(via("8.0.0.0", 8, "10.0.0.3", 0)));
        assertEquals(-Errno.EEXIST, rt.add(via("8.0.0.0", 8, "10.0.0.4", 0)));
        assertEquals(0, rt.add(via("8.0.0.0", 8, "10.0.0.4", 10)), "another metric is another route");
        assertEquals(-Errno.ESRCH, rt.delete(parse("9.0.0.0"), 8, -1));
    }

    @Test
    void flushRemovesStaticRoutesOrEverything() {
        rt.setDefaultGateway(parse("10.0.0.254"));
        rt.add(via("8.0.0.0", 8, "10.0.0.3", 0));
        assertEquals(4, rt.size());
        assertEquals(2, rt.flush(false));
        assertFalse(rt.lookup(parse("8.8.8.8"), r), "no default route any more");
        assertTrue(rt.lookup(parse("10.0.0.3"), r), "connected routes stay");
        assertEquals(2, rt.flush(true));
        assertFalse(rt.lookup(parse("10.0.0.3"), r));
        assertEquals(0, rt.size());
    }

    @Test
    void interfacesThatAreDownAreSkipped() {
        rt.add(via("0.0.0.0", 0, "10.0.0.254", 10));
        rt.add(via("0.0.0.0", 0, "192.168.0.1", 20));
        eth0.setUp(false);
        assertTrue(rt.lookup(parse("1.1.1.1"), r));
        assertEquals(eth1, r.iface);
        eth1.setUp(false);
        assertFalse(rt.lookup(parse("1.1.1.1"), r));
    }

    @Test
    void ownAddressesAndLoopbackGoToTheLoopbackInterface() {
        assertTrue(rt.lookup(parse("10.0.0.1"), r));
        assertTrue(r.local);
        assertEquals(lo, r.iface);
        assertEquals(parse("10.0.0.1"), r.source);
        assertTrue(rt.lookup(parse("127.0.0.53"), r));
        assertTrue(r.local);
        assertEquals(Ipv4Address.LOOPBACK, r.source);
    }

    @Test
    void broadcastsAreOnLinkEvenBehindAGatewayRoute() {
        rt.setDefaultGateway(parse("10.0.0.254"));
        assertTrue(rt.lookup(parse("10.0.0.255"), r));
        assertTrue(r.broadcast);
        assertEquals(parse("10.0.0.255"), r.nextHop);
        assertTrue(rt.lookup(Ipv4Address.BROADCAST, r));
        assertTrue(r.broadcast);
        assertEquals(Ipv4Address.BROADCAST, r.nextHop, "limited broadcast never goes to the gateway");
    }
}
