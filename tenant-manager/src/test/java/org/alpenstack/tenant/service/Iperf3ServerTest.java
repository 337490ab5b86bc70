package org.alpenstack.tenant.service;

import static org.alpenstack.tenant.service.LoopbackClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.alpenstack.kernel.tcp.TcpSocket;
import org.alpenstack.tenant.StackInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The iperf3 service against a client that speaks the protocol step by step from the same
 * instance over loopback, as iperf3's client does (src/iperf_client_api.c): whole tests both
 * ways with exact byte counts, and every way a client can go wrong; after each, the server
 * must be listening again and serve the next test.
 */
class Iperf3ServerTest {
    static final int PORT = 5201;
    static final byte[] COOKIE = "abcdefghijklmnopqrstuvwxyz234567abcd\0".getBytes(StandardCharsets.US_ASCII);

    Vertx vertx;
    StackInstance inst;
    LoopbackClient c;
    Iperf3Server server;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        inst = await(StackInstance.start(vertx, "iperf3"));
        c = new LoopbackClient(inst);
        // Generous for a loaded machine; the tests of the timeouts restart with short ones.
        serve(new Iperf3Server.Timeouts(3000, 3000, 1000));
    }

    void serve(Iperf3Server.Timeouts timeouts) throws Exception {
        if (server != null) {
            c.on(s -> {
                server.stop();
                return null;
            });
        }
        List<InstanceService> out = new ArrayList<>();
        assertEquals(0, (int) c.on(s -> Iperf3Server.start(inst, PORT, timeouts, out)));
        server = (Iperf3Server) out.get(0);
    }

    @AfterEach
    void stop() throws Exception {
        if (inst != null) {
            c.on(s -> {
                server.stop();
                return null;
            });
            // Every connection of the test is closed or closing down in TIME_WAIT: none leaked.
            long deadline = System.nanoTime() + 2_000_000_000L;
            List<String> open;
            do {
                Thread.sleep(5);
                open = c.on(s -> s.tcp().connectionsSnapshot().stream().filter(x -> !x.state().isClosed()
                        && x.state() != org.alpenstack.kernel.tcp.TcpState.TIME_WAIT).map(String::valueOf).toList());
            } while (!open.isEmpty() && System.nanoTime() < deadline);
            assertEquals(List.of(), open, "connections left open");
            await(inst.stop());
        }
        await(vertx.close());
    }

    void assertDescribes(String part) throws Exception {
        String d = c.on(s -> server.describe());
        assertTrue(d.contains(part), d);
    }

    Iperf3Server.Phase phase() throws Exception {
        return c.on(s -> server.phase());
    }

    void awaitIdle() throws Exception {
        c.until("the server to listen again", s -> server.phase() == Iperf3Server.Phase.IDLE ? Boolean.TRUE : null);
    }

    static byte[] frame(String json) {
        return Iperf3Protocol.jsonFrame(new JsonObject(json));
    }

    /** Cookie, PARAM_EXCHANGE, parameters; returns the control connection. */
    TcpSocket control(String params) throws Exception {
        TcpSocket ctl = c.connect(PORT);
        c.write(ctl, COOKIE);
        assertEquals(Iperf3Protocol.PARAM_EXCHANGE, c.readByte(ctl));
        c.write(ctl, frame(params));
        return ctl;
    }

    /** CREATE_STREAMS, the data connections, TEST_START and TEST_RUNNING. */
    TcpSocket[] streams(TcpSocket ctl, int n) throws Exception {
        assertEquals(Iperf3Protocol.CREATE_STREAMS, c.readByte(ctl));
        TcpSocket[] s = new TcpSocket[n];
        for (int i = 0; i < n; i++) {
            s[i] = c.connect(PORT);
            c.write(s[i], COOKIE);
        }
        assertEquals(Iperf3Protocol.TEST_START, c.readByte(ctl));
        assertEquals(Iperf3Protocol.TEST_RUNNING, c.readByte(ctl));
        return s;
    }

    /** TEST_END, the results both ways, DISPLAY_RESULTS, IPERF_DONE; returns the server's results. */
    JsonObject finish(TcpSocket ctl, TcpSocket... streams) throws Exception {
        c.write(ctl, new byte[] {Iperf3Protocol.TEST_END});
        assertEquals(Iperf3Protocol.EXCHANGE_RESULTS, c.readByte(ctl));
        c.write(ctl, frame("{\"cpu_util_total\":1,\"cpu_util_user\":1,\"cpu_util_system\":0,\"sender_has_retransmits\":1,\"streams\":[]}"));
        int n = c.readInt(ctl);
        JsonObject results = new JsonObject(new String(c.read(ctl, n), StandardCharsets.UTF_8));
        assertEquals(Iperf3Protocol.DISPLAY_RESULTS, c.readByte(ctl));
        c.write(ctl, new byte[] {Iperf3Protocol.IPERF_DONE});
        assertEquals(0, c.awaitEnd(ctl), "the server closes the control connection after IPERF_DONE");
        c.close(ctl);
        c.close(streams);
        awaitIdle();
        return results;
    }

    static long bytes(JsonObject results, int stream) {
        return results.getJsonArray("streams").getJsonObject(stream).getLong("bytes");
    }

    @Test
    void aNormalTestReportsEveryByteEachStreamSent() throws Exception {
        TcpSocket ctl = control("{\"tcp\":true,\"omit\":0,\"time\":10,\"num\":0,\"blockcount\":0,\"parallel\":2,\"len\":131072,"
                + "\"pacing_timer\":1000,\"client_version\":\"3.12\"}");
        TcpSocket[] s = streams(ctl, 2);
        c.send(s[0], 3_000_001);
        c.send(s[1], 1_000_000);
        JsonObject r = finish(ctl, s);
        JsonArray streams = r.getJsonArray("streams");
        assertEquals(2, streams.size(), r.encode());
        assertEquals(1, streams.getJsonObject(0).getInteger("id"), "streams are numbered 1, 3, 4 ... like iperf_add_stream");
        assertEquals(3, streams.getJsonObject(1).getInteger("id"));
        assertEquals(3_000_001, bytes(r, 0));
        assertEquals(1_000_000, bytes(r, 1));
        assertEquals(-1, r.getInteger("sender_has_retransmits"), "the server only received");
        assertEquals(-1, streams.getJsonObject(0).getInteger("retransmits"));
        double seconds = streams.getJsonObject(0).getDouble("end_time") - streams.getJsonObject(0).getDouble("start_time");
        assertTrue(seconds > 0 && seconds < 10, "the seconds the server counted over: " + seconds);
        for (String k : new String[] {"cpu_util_total", "cpu_util_user", "cpu_util_system"}) {
            assertTrue(r.getValue(k) instanceof Number, k + " is what the client requires (get_results): " + r.encode());
        }
        // and the next test is served
        TcpSocket ctl2 = control("{\"tcp\":true,\"time\":1,\"parallel\":1,\"len\":1000}");
        TcpSocket[] s2 = streams(ctl2, 1);
        c.send(s2[0], 12345);
        assertEquals(12345, bytes(finish(ctl2, s2), 0));
    }

    @Test
    void aReverseTestSendsTheByteLimitInWholeBlocksOverAllStreams() throws Exception {
        int len = 10_000;
        long limit = 1_234_567; // 124 blocks of 10,000 bytes: at least the limit, the last block whole
        TcpSocket ctl = control("{\"tcp\":true,\"reverse\":true,\"num\":" + limit + ",\"parallel\":2,\"len\":" + len
                + ",\"get_server_output\":1}");
        TcpSocket[] s = streams(ctl, 2);
        long expected = 124L * len;
        long got = 0;
        long deadline = System.nanoTime() + LoopbackClient.TIMEOUT_NANOS;
        while (got < expected && System.nanoTime() < deadline) {
            got += c.readable(s[0]) + c.readable(s[1]);
        }
        assertEquals(expected, got, "the server sends whole blocks until the limit is reached, no more");
        assertEquals(0, c.readable(s[0]) + c.readable(s[1]), "nothing after the limit");
        JsonObject r = finish(ctl, s);
        assertEquals(expected, bytes(r, 0) + bytes(r, 1), r.encode());
        assertEquals(1, r.getInteger("sender_has_retransmits"), "the server sent and knows its retransmissions");
        assertEquals(0, (int) r.getJsonArray("streams").getJsonObject(0).getInteger("retransmits"), "none on loopback");
        assertTrue(r.getString("server_output_text").contains("sender"), r.encode());
    }

    @Test
    void bidirectionalStreamsReceiveFirstThenSend() throws Exception {
        TcpSocket ctl = control("{\"tcp\":true,\"bidirectional\":true,\"blockcount\":3,\"parallel\":1,\"len\":1000,"
                + "\"repeating_payload\":1}");
        TcpSocket[] s = streams(ctl, 2);
        c.send(s[0], 5000);
        byte[] got = c.read(s[1], 3000);
        for (int i = 0; i < got.length; i++) {
            assertEquals('0' + i % 1000 % 10, got[i], "--repeating-payload: 0123456789 ... from each block's start, at " + i);
        }
        assertEquals(0, c.readable(s[1]), "-k 3: three blocks, no more");
        JsonObject r = finish(ctl, s);
        assertEquals(5000, bytes(r, 0), "the client's first stream is its sender: the server's receiver");
        assertEquals(3000, bytes(r, 1));
    }

    @Test
    void udpIsRefusedWithIperf3sOwnError() throws Exception {
        TcpSocket ctl = control("{\"udp\":true,\"time\":1,\"parallel\":1,\"len\":1448}");
        assertEquals(Iperf3Protocol.SERVER_ERROR, c.readByte(ctl));
        assertEquals(Iperf3Protocol.IESTREAMLISTEN, c.readInt(ctl), "\"unable to start stream listener\"");
        assertEquals(93, c.readInt(ctl), "EPROTONOSUPPORT: \"Protocol not supported\"");
        assertEquals(0, c.awaitEnd(ctl));
        c.close(ctl);
        awaitIdle();
    }

    @Test
    void garbageParametersAreRefused() throws Exception {
        TcpSocket ctl = c.connect(PORT);
        c.write(ctl, COOKIE);
        assertEquals(Iperf3Protocol.PARAM_EXCHANGE, c.readByte(ctl));
        byte[] junk = "{not json".getBytes(StandardCharsets.US_ASCII);
        byte[] m = new byte[4 + junk.length];
        Iperf3Protocol.putInt(m, 0, junk.length);
        System.arraycopy(junk, 0, m, 4, junk.length);
        c.write(ctl, m);
        assertEquals(Iperf3Protocol.SERVER_ERROR, c.readByte(ctl));
        assertEquals(Iperf3Protocol.IERECVPARAMS, c.readInt(ctl));
        assertEquals(22, c.readInt(ctl), "EINVAL");
        assertEquals(0, c.awaitEnd(ctl));
        c.close(ctl);
        awaitIdle();
        TcpSocket ctl2 = control("{\"tcp\":true,\"parallel\":1,\"time\":1,\"len\":1000,\"bandwidth\":1000000,\"reverse\":true}");
        assertEquals(Iperf3Protocol.SERVER_ERROR, c.readByte(ctl2), "the server does not pace what it sends");
        assertEquals(Iperf3Protocol.IEUNIMP, c.readInt(ctl2));
        c.close(ctl2);
        awaitIdle();
    }

    @Test
    void anOversizedLengthEndsTheTest() throws Exception {
        TcpSocket ctl = c.connect(PORT);
        c.write(ctl, COOKIE);
        assertEquals(Iperf3Protocol.PARAM_EXCHANGE, c.readByte(ctl));
        c.write(ctl, new byte[] {(byte) 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, '{', '}'});
        c.awaitEnd(ctl); // FIN or reset: the server does not read two gigabytes
        c.close(ctl);
        awaitIdle();
        assertDescribes("aborted 1");
    }

    @Test
    void aSilentClientTimesOut() throws Exception {
        serve(new Iperf3Server.Timeouts(300, 3000, 1000));
        TcpSocket ctl = c.connect(PORT);
        c.write(ctl, new byte[] {'a', 'b'}); // two bytes of a cookie, then nothing
        assertEquals(0, c.awaitEnd(ctl), "the setup timer closes the connection");
        c.close(ctl);
        awaitIdle();
        assertDescribes("timed out in cookie");
    }

    @Test
    void aClientThatVanishesMidTestFreesTheServer() throws Exception {
        TcpSocket ctl = control("{\"tcp\":true,\"time\":5,\"parallel\":1,\"len\":1000,\"reverse\":true}");
        TcpSocket[] s = streams(ctl, 1);
        c.receive(s[0], 10_000);
        c.close(ctl, s[0]);
        awaitIdle();
        assertDescribes("the client closed the control connection in running");
    }

    @Test
    void aRunningTestInWhichNothingMovesIsEnded() throws Exception {
        serve(new Iperf3Server.Timeouts(3000, 300, 1000));
        TcpSocket ctl = control("{\"tcp\":true,\"time\":0,\"num\":1000000,\"parallel\":1,\"len\":1000}");
        TcpSocket[] s = streams(ctl, 1);
        assertEquals(Iperf3Server.Phase.RUNNING, phase());
        assertEquals(0, c.awaitEnd(ctl), "no data for the idle time: the server ends the test");
        c.close(ctl, s[0]);
        awaitIdle();
    }

    @Test
    void aSecondClientAndAForeignStreamAreDenied() throws Exception {
        TcpSocket ctl = control("{\"tcp\":true,\"time\":1,\"parallel\":1,\"len\":1000}");
        assertEquals(Iperf3Protocol.CREATE_STREAMS, c.readByte(ctl));
        TcpSocket foreign = c.connect(PORT);
        byte[] other = COOKIE.clone();
        other[0] = 'z';
        c.write(foreign, other);
        assertEquals(Iperf3Protocol.ACCESS_DENIED, c.readByte(foreign), "a data connection with another cookie");
        assertEquals(0, c.awaitEnd(foreign));
        TcpSocket s = c.connect(PORT);
        c.write(s, COOKIE);
        assertEquals(Iperf3Protocol.TEST_START, c.readByte(ctl));
        assertEquals(Iperf3Protocol.TEST_RUNNING, c.readByte(ctl));
        TcpSocket second = c.connect(PORT);
        c.write(second, COOKIE);
        assertEquals(Iperf3Protocol.ACCESS_DENIED, c.readByte(second), "one test at a time");
        assertEquals(0, c.awaitEnd(second));
        c.close(foreign, second);
        c.send(s, 777);
        assertEquals(777, bytes(finish(ctl, s), 0));
        assertDescribes("denied 2");
    }

    @Test
    void whatArrivesDuringTheOmittedSecondsIsNotCounted() throws Exception {
        TcpSocket ctl = control("{\"tcp\":true,\"omit\":1,\"time\":2,\"parallel\":1,\"len\":1000}");
        TcpSocket[] s = streams(ctl, 1);
        c.send(s[0], 1000);
        Thread.sleep(1300); // the omitted second is over: counting starts again (iperf_reset_stats)
        c.send(s[0], 2000);
        JsonObject r = finish(ctl, s);
        assertEquals(2000, bytes(r, 0));
        double seconds = r.getJsonArray("streams").getJsonObject(0).getDouble("end_time");
        assertTrue(seconds < 1.0, "counted from the end of the omitted second: " + seconds);
    }

    @Test
    void aTimedTestThatOverstaysItsSecondsIsEnded() throws Exception {
        serve(new Iperf3Server.Timeouts(3000, 3000, 200));
        TcpSocket ctl = control("{\"tcp\":true,\"time\":1,\"parallel\":1,\"len\":1000,\"reverse\":true}");
        TcpSocket[] s = streams(ctl, 1);
        long t0 = System.nanoTime();
        assertEquals(0, c.awaitEnd(ctl), "no TEST_END by 1 s + 0.2 s: upstream's server timer ends the test");
        assertTrue(System.nanoTime() - t0 > 900_000_000L, "not before the test's second");
        c.close(ctl, s[0]);
        awaitIdle();
        assertDescribes("timed out in running");
    }

    @Test
    void aClientTerminatingEndsTheTestAtOnce() throws Exception {
        TcpSocket ctl = control("{\"tcp\":true,\"time\":5,\"parallel\":2,\"len\":1000}");
        TcpSocket[] s = streams(ctl, 2);
        c.write(ctl, new byte[] {Iperf3Protocol.CLIENT_TERMINATE});
        assertEquals(0, c.awaitEnd(ctl));
        c.awaitEnd(s[0]);
        c.awaitEnd(s[1]);
        c.close(ctl, s[0], s[1]);
        awaitIdle();
    }
}
