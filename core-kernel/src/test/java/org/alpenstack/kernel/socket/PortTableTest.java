package org.alpenstack.kernel.socket;

import static org.alpenstack.kernel.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shared port registry, including the API the TCP layer uses. */
class PortTableTest {
    static final int TCP = 6;
    static final int UDP = 17;
    static final int A = parse("10.0.0.1");
    static final int R = parse("10.0.0.2");

    PortTable t = new PortTable(1);

    PortBinding b(int proto) {
        return new PortBinding(proto, new Object());
    }

    @Test
    void protocolsHaveSeparatePortSpaces() {
        assertEquals(80, t.bind(b(TCP), 0, 80));
        assertEquals(80, t.bind(b(UDP), 0, 80));
        assertEquals(-Errno.EADDRINUSE, t.bind(b(TCP), A, 80));
    }

    @Test
    void reuseaddrDoesNotShareAListeningPort() {
        PortBinding listener = b(TCP);
        listener.reuseAddress = true;
        assertEquals(8080, t.bind(listener, 0, 8080));
        listener.listening = true;
        PortBinding other = b(TCP);
        other.reuseAddress = true;
        assertTrue(t.conflicts(other, 0, 8080), "Linux: SO_REUSEADDR cannot share with a listener");
        listener.listening = false;
        assertFalse(t.conflicts(other, 0, 8080), "but can with a closed/connected socket (TIME_WAIT restarts)");
    }

    @Test
    void connectTimePortsAreSharedByDistinctFourTuples() {
        t.setEphemeralRange(40000, 40001);
        PortBinding c1 = b(TCP);
        PortBinding c2 = b(TCP);
        PortBinding c3 = b(TCP);
        int p1 = t.allocateEphemeralPort(c1, A, R, 80);
        int p2 = t.allocateEphemeralPort(c2, A, R, 80);
        assertTrue(p1 != p2, "same 4-tuple needs another port");
        int p3 = t.allocateEphemeralPort(c3, A, R, 443);
        assertTrue(p3 == 40000 || p3 == 40001, "another remote port may reuse one");
        assertEquals(-Errno.EADDRNOTAVAIL, t.allocateEphemeralPort(b(TCP), A, R, 80), "range exhausted for this tuple");
        assertEquals(R, c1.remoteAddress);
        assertEquals(80, c1.remotePort);
        // A port bound explicitly is never handed out at connect time.
        t.unbind(c1);
        t.unbind(c3);
        assertEquals(p1, t.bind(b(TCP), 0, p1));
        int p4 = t.allocateEphemeralPort(b(TCP), A, R, 8443);
        assertTrue(p4 != p1);
    }

    @Test
    void ephemeralBindsStayInRangeAndNeverCollide() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            int p = t.bind(b(UDP), 0, 0);
            assertTrue(p >= 32768 && p <= 60999);
            assertTrue(seen.add(p), "port " + p + " handed out twice");
        }
        t.setEphemeralRange(50000, 50002);
        PortTable small = new PortTable(2);
        small.setEphemeralRange(50000, 50002);
        for (int i = 0; i < 3; i++) {
            assertTrue(small.bind(b(UDP), 0, 0) > 0);
        }
        assertEquals(-Errno.EADDRINUSE, small.bind(b(UDP), 0, 0));
    }

    @Test
    void inheritedBindingsSkipTheChecksAndUnbindCleansUp() {
        PortBinding listener = b(TCP);
        t.bind(listener, A, 22);
        listener.listening = true;
        PortBinding child = b(TCP);
        child.localAddress = A;
        child.localPort = 22;
        child.remoteAddress = R;
        child.remotePort = 50000;
        t.inherit(child);
        assertEquals(2, t.bindings(TCP, 22).size());
        t.unbind(child);
        t.unbind(listener);
        assertEquals(0, t.bindings(TCP, 22).size());
        assertFalse(listener.isBound());
    }
}
