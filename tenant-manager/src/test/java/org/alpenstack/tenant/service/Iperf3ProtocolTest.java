package org.alpenstack.tenant.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The framing and the parameters of the iperf3 control protocol. */
class Iperf3ProtocolTest {
    static Iperf3Params params(String json) throws Iperf3Params.Refused {
        return Iperf3Params.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    static Iperf3Params.Refused refused(String json) {
        return assertThrows(Iperf3Params.Refused.class, () -> params(json));
    }

    @Test
    void aJsonFrameIsItsLengthInNetworkOrderThenTheText() {
        byte[] f = Iperf3Protocol.jsonFrame(new JsonObject().put("a", 1));
        assertArrayEquals(new byte[] {0, 0, 0, 7, '{', '"', 'a', '"', ':', '1', '}'}, f);
        assertEquals(7, Iperf3Protocol.getInt(f, 0));
    }

    @Test
    void aServerErrorIsTheStateThenTwoIntegers() {
        byte[] e = Iperf3Protocol.serverError(202, 93);
        assertArrayEquals(new byte[] {-2, 0, 0, 0, (byte) 202, 0, 0, 0, 93}, e);
        byte[] b = new byte[4];
        Iperf3Protocol.putInt(b, 0, 0xfedcba98);
        assertEquals(0xfedcba98, Iperf3Protocol.getInt(b, 0));
    }

    @Test
    void whatThe312ClientSendsForADefaultTest() throws Exception {
        Iperf3Params p = params("{\"tcp\":true,\"omit\":0,\"time\":10,\"num\":0,\"blockcount\":0,\"parallel\":1,\"len\":131072,"
                + "\"pacing_timer\":1000,\"client_version\":\"3.12\"}");
        assertFalse(p.reverse());
        assertEquals(1, p.receiveStreams());
        assertEquals(0, p.sendStreams());
        assertEquals(10, p.seconds());
        assertEquals(131072, p.blockSize());
        assertNull(p.congestion());
        assertFalse(p.serverOutput());
        assertFalse(p.repeatingPayload());
    }

    @Test
    void directionsAndLimits() throws Exception {
        Iperf3Params r = params("{\"tcp\":true,\"reverse\":true,\"num\":1e+10,\"parallel\":4,\"len\":1000,\"nodelay\":true,"
                + "\"window\":1048576,\"congestion\":\"reno\",\"get_server_output\":1,\"repeating_payload\":1}");
        assertEquals(0, r.receiveStreams());
        assertEquals(4, r.sendStreams());
        assertEquals(10_000_000_000L, r.bytes(), "cJSON may write a number with an exponent");
        assertTrue(r.noDelay());
        assertEquals(1048576, r.window());
        assertEquals("reno", r.congestion());
        assertTrue(r.serverOutput());
        assertTrue(r.repeatingPayload());
        Iperf3Params b = params("{\"tcp\":true,\"bidirectional\":true,\"time\":1,\"parallel\":2}");
        assertEquals(2, b.receiveStreams());
        assertEquals(2, b.sendStreams());
        assertEquals(Iperf3Protocol.DEFAULT_TCP_BLKSIZE, b.blockSize(), "no len: the TCP default");
    }

    @Test
    void refusalsCarryIperf3ErrorNumbers() {
        assertEquals(Iperf3Protocol.IESTREAMLISTEN, refused("{\"udp\":true,\"time\":1}").iErrno);
        assertEquals(93, refused("{\"udp\":true,\"time\":1}").errno, "EPROTONOSUPPORT");
        assertEquals(Iperf3Protocol.IESTREAMLISTEN, refused("{\"sctp\":true,\"time\":1}").iErrno);
        assertEquals(Iperf3Protocol.IEUNIMP, refused("{\"tcp\":true,\"time\":1,\"reverse\":true,\"bandwidth\":1000}").iErrno);
        assertEquals(Iperf3Protocol.IEUNIMP, refused("{\"tcp\":true,\"time\":1,\"MSS\":1000}").iErrno);
        assertEquals(Iperf3Protocol.IERECVPARAMS, refused("[1,2]").iErrno);
        assertEquals(Iperf3Protocol.IERECVPARAMS, refused("{\"tcp\":true,\"parallel\":129}").iErrno);
        assertEquals(Iperf3Protocol.IERECVPARAMS, refused("{\"tcp\":true,\"parallel\":\"2\"}").iErrno);
        assertEquals(Iperf3Protocol.IERECVPARAMS, refused("{\"tcp\":true,\"len\":1.5}").iErrno);
        assertEquals(Iperf3Protocol.IERECVPARAMS, refused("{\"tcp\":true,\"len\":2097152}").iErrno);
        assertEquals(Iperf3Protocol.IERECVPARAMS, refused("{\"tcp\":true,\"num\":-1}").iErrno);
        assertEquals(Iperf3Protocol.IERECVPARAMS, refused("[".repeat(5000)).iErrno, "nested deeper than the parser allows");
        assertEquals(Iperf3Protocol.IERECVPARAMS, refused("\"tcp\"").iErrno);
    }

    @Test
    void theServiceIsNamedIperf3OnPort5201() {
        assertEquals(new ServiceSpec(Kind.IPERF3, 5201), ServiceSpec.parse("iperf3"));
        assertEquals(new ServiceSpec(Kind.IPERF3, 5202), ServiceSpec.parse("iperf3:5202"));
        assertEquals("iperf3:5202", ServiceSpec.parse("iperf3:5202").toString());
        assertFalse(Kind.IPERF3.udp);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServiceSpec.parse("iperf")).getMessage().contains("iperf3"));
    }
}
