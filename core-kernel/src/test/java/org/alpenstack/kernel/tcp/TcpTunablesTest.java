package org.alpenstack.kernel.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TcpTunablesTest {
    static final long S = 1_000_000_000L;
    static final long MS = 1_000_000L;

    private final TcpTunables t = new TcpTunables();

    @Test
    void linuxDefaults() {
        assertEquals("cubic", t.congestionControl());
        assertEquals(131072, t.rmemDefault());
        assertEquals(6291456, t.rmemMax());
        assertEquals(16384, t.wmemDefault());
        assertEquals(4194304, t.wmemMax());
        assertEquals(40 * MS, t.delayedAckNanos());
        assertEquals(200 * MS, t.minRtoNanos());
        assertEquals(S, t.initialRtoNanos());
        assertEquals(1, t.syncookies());
        assertEquals(7200 * S, t.keepaliveTimeNanos());
        assertEquals(75 * S, t.keepaliveIntvlNanos());
        assertEquals(9, t.keepaliveProbes());
        assertEquals(60 * S, t.timeWaitNanos());
        assertEquals(60 * S, t.finTimeoutNanos());
        assertEquals(6, t.synRetries());
        assertEquals(5, t.synAckRetries());
        assertEquals(15, t.retries2());
        assertEquals(8, t.orphanRetries(), "0 means 8, as in Linux");
        assertTrue(t.windowScaling());
        assertTrue(t.timestamps());
        assertTrue(t.sack());
        assertEquals(2, t.ecn());
        assertTrue(t.nagle());
        assertEquals(3, t.reordering());
    }

    @Test
    void getAndSetByName() {
        t.set("rmemMax", 1 << 20);
        assertEquals(1 << 20, t.rmemMax());
        assertEquals(1L << 20, t.get("rmemMax"));
        t.set("sack", false);
        assertFalse(t.sack());
        assertEquals(Boolean.FALSE, t.get("sack"));
        t.set("timestamps", "0");
        assertFalse(t.timestamps());
        t.set("windowScaling", 0);
        assertFalse(t.windowScaling());
        t.set("congestionControl", "newreno");
        assertEquals("newreno", t.get("congestionControl"));
        t.set("delayedAckNanos", "20000000");
        assertEquals(20 * MS, t.delayedAckNanos());
        t.set("keepaliveProbes", 5.0);
        assertEquals(5, t.keepaliveProbes());
    }

    @Test
    void invalidValuesThrowNamingTheFieldAndChangeNothing() {
        assertMessageStartsWith("rmemMax", () -> t.set("rmemMax", -1));
        assertEquals(6291456, t.rmemMax());
        assertMessageStartsWith("syncookies", () -> t.set("syncookies", 3));
        assertMessageStartsWith("ecn", () -> t.set("ecn", "lots"));
        assertMessageStartsWith("sack", () -> t.set("sack", "maybe"));
        assertMessageStartsWith("keepaliveProbes", () -> t.set("keepaliveProbes", 2.5));
        assertMessageStartsWith("congestionControl", () -> t.set("congestionControl", "bbr"));
        assertEquals("cubic", t.congestionControl());
        assertMessageStartsWith("noSuchThing", () -> t.set("noSuchThing", 1));
        assertMessageStartsWith("noSuchThing", () -> t.get("noSuchThing"));
        assertMessageStartsWith("minRtoNanos", () -> t.setMinRtoNanos(0));
    }

    private static void assertMessageStartsWith(String field, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().startsWith(field + ":"), e.getMessage());
    }

    @Test
    void snapshotListsEveryTunableAndIsIndependent() {
        Map<String, Object> snap = t.snapshot();
        assertEquals(TcpTunables.descriptors().size(), snap.size());
        for (TcpTunables.Descriptor d : TcpTunables.descriptors()) {
            assertEquals(d.defaultValue(), snap.get(d.name()), d.name());
            assertTrue(d.type().isInstance(snap.get(d.name())), d.name());
            assertFalse(d.description().isEmpty());
        }
        t.set("retries2", 8);
        assertEquals(15L, snap.get("retries2"), "the snapshot does not follow later changes");
        assertEquals(8L, t.snapshot().get("retries2"));
    }

    @Test
    void copyIsIndependent() {
        TcpTunables c = t.copy();
        c.set("nagle", false);
        assertTrue(t.nagle());
        assertFalse(c.nagle());
    }

    @Test
    void rttEstimatorFollowsTheSettings() {
        t.setMinRtoNanos(5 * MS);
        t.setInitialRtoNanos(2 * S);
        RttEstimator e = t.newRttEstimator();
        assertEquals(2 * S, e.rto());
        e.addSample(MS);
        assertEquals(5 * MS, e.rto());
    }
}
