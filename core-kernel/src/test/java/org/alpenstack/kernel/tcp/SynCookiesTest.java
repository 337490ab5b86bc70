package org.alpenstack.kernel.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SynCookiesTest {
    static final int LOCAL = 0xc0a80001; // 192.168.0.1, port 80
    static final int PEER = 0xc0a80002;
    static final long S = 1_000_000_000L;
    static final long T0 = 3600 * S + 10 * S;

    private final SynCookies cookies = new SynCookies(12345);

    private int ackChecks(int peerIsn, int cookie, long now) {
        // the returning ACK carries seq = peerIsn + 1, ack = cookie + 1
        int segSeq = peerIsn + 1;
        int segAck = cookie + 1;
        return cookies.check(LOCAL, 80, PEER, 51000, segSeq - 1, segAck - 1, now);
    }

    @Test
    void roundTripCarriesTheMss() {
        for (int mss : SynCookies.MSS_TABLE_V4) {
            int c = cookies.cookie(LOCAL, 80, PEER, 51000, 777, mss, T0);
            assertEquals(mss, ackChecks(777, c, T0 + S));
        }
    }

    @Test
    void mssIsDecodedDownToATableEntry() {
        int c = cookies.cookie(LOCAL, 80, PEER, 51000, 777, 1400, T0);
        assertEquals(1300, ackChecks(777, c, T0));
        c = cookies.cookie(LOCAL, 80, PEER, 51000, 777, 9000, T0);
        assertEquals(1460, ackChecks(777, c, T0));
        c = cookies.cookie(LOCAL, 80, PEER, 51000, 777, 200, T0);
        assertEquals(536, ackChecks(777, c, T0), "below the table: the smallest entry");
    }

    @Test
    void acceptsTheCurrentAndPreviousCounterOnly() {
        long start = 60 * S * 1000; // at a counter boundary
        int c = cookies.cookie(LOCAL, 80, PEER, 51000, -5, 1460, start);
        assertEquals(1460, ackChecks(-5, c, start + 59 * S));
        assertEquals(1460, ackChecks(-5, c, start + 60 * S), "previous counter");
        assertEquals(1460, ackChecks(-5, c, start + 119 * S));
        assertEquals(-1, ackChecks(-5, c, start + 120 * S), "expired after two counter ticks");
        assertEquals(-1, ackChecks(-5, c, start - 60 * S), "from the future");
    }

    @Test
    void forgedAcksAreRejected() {
        int c = cookies.cookie(LOCAL, 80, PEER, 51000, 1000, 1460, T0);
        assertEquals(-1, ackChecks(1001, c, T0), "wrong peer ISN");
        assertEquals(-1, ackChecks(1000, c + 1, T0), "wrong cookie");
        assertEquals(-1, ackChecks(1000, c - 1, T0), "wrong cookie");
        int small = cookies.cookie(LOCAL, 80, PEER, 51000, 1000, 536, T0);
        assertEquals(-1, ackChecks(1000, small + 1, T0), "off by one does not decode to the next MSS");
        assertEquals(536, cookies.check(new byte[] {(byte) 192, (byte) 168, 0, 1}, 80, new byte[] {(byte) 192, (byte) 168, 0, 2}, 51000, 1000, small, T0),
                "the byte-address form agrees with the int form");
        assertEquals(-1, cookies.check(LOCAL, 80, PEER, 51001, 1000, c, T0), "other port");
        assertEquals(-1, cookies.check(LOCAL, 80, PEER + 1, 51000, 1000, c, T0), "other host");
        assertEquals(-1, new SynCookies(54321).check(LOCAL, 80, PEER, 51000, 1000, c, T0), "other secret");
        Random rnd = new Random(1);
        int accepted = 0;
        for (int i = 0; i < 100_000; i++) {
            if (ackChecks(rnd.nextInt(), rnd.nextInt(), T0) >= 0) {
                accepted++;
            }
        }
        assertEquals(0, accepted, "a blind guess succeeds with probability about 2^-29");
    }

    @Test
    void ipv6CookiesUseTheIpv6Table() {
        byte[] l = new byte[16];
        byte[] r = new byte[16];
        l[0] = 0x20;
        r[0] = 0x20;
        r[15] = 9;
        int c = cookies.cookie(l, 443, r, 40000, 42, 1440, T0);
        assertEquals(1440, cookies.check(l, 443, r, 40000, 42, c, T0));
        c = cookies.cookie(l, 443, r, 40000, 42, 1400, T0);
        assertEquals(1220, cookies.check(l, 443, r, 40000, 42, c, T0));
        r[15] = 8;
        assertEquals(-1, cookies.check(l, 443, r, 40000, 42, c, T0));
    }

    @Test
    void timestampCarriesTheSynOptions() {
        int tsNow = 0x12345678;
        int ts = SynCookies.encodeTimestamp(tsNow, 7, true, false);
        assertTrue(SeqNum.leq(ts, tsNow), "never ahead of the clock");
        assertTrue(SeqNum.diff(ts, tsNow) < 64);
        assertEquals(7, SynCookies.timestampWscale(ts));
        assertTrue(SynCookies.timestampSack(ts));
        assertFalse(SynCookies.timestampEcn(ts));

        int none = SynCookies.encodeTimestamp(tsNow, -1, false, true);
        assertEquals(-1, SynCookies.timestampWscale(none));
        assertFalse(SynCookies.timestampSack(none));
        assertTrue(SynCookies.timestampEcn(none));

        int low = SynCookies.encodeTimestamp(0x40, 14, true, true); // options above the clock's low bits
        assertEquals(0x40 - 64 + (14 | 16 | 32), low);
    }
}
