package org.alpenstack.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.alpenstack.kernel.socket.Errno;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hostile client on the control channel: 100,000 random frames (random ops, tokens, payloads,
 * now and then a length that cannot be a frame, a bad hello, or a truncated frame and a hang-up).
 * Every well-formed frame must get a reply with its own seq; the endpoint must carry on serving
 * an honest program afterwards and free what the hostile client created.
 */
class ControlFloodTest {
    static ShimTestStack t;

    @BeforeAll
    static void start() throws Exception {
        t = ShimTestStack.start("flood");
    }

    @AfterAll
    static void stop() throws Exception {
        if (t != null) {
            t.close();
        }
    }

    private static SocketChannel connect(int kind, long value) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(t.endpoint.socketPath()));
        ByteBuffer hello = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        hello.putInt(ShimProtocol.MAGIC).putShort((short) ShimProtocol.VERSION).putShort((short) kind).putLong(value).flip();
        writeFully(ch, hello);
        if (kind == ShimProtocol.KIND_CONTROL) {
            ByteBuffer reply = readFully(ch, 16);
            assertEquals(ShimProtocol.MAGIC, reply.getInt(0));
            assertEquals(0, reply.getShort(6), "hello status");
        }
        return ch;
    }

    private static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /**
     * Reads n bytes, or returns null when the server closed (EOF, or ECONNRESET when it closed
     * with bytes of ours unread, as a unix stream reports it).
     */
    private static ByteBuffer readFully(SocketChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            try {
                if (ch.read(b) < 0) {
                    return null;
                }
            } catch (java.net.SocketException e) {
                if (String.valueOf(e.getMessage()).contains("reset")) {
                    return null;
                }
                throw e;
            }
        }
        return b.flip();
    }

    @Test
    void randomFramesGetErrorsOrDisconnectsAndTheServerCarriesOn() throws Exception {
        int baseline = t.onLoop(s -> t.endpoint.socketCount());
        Random rnd = new Random(20261125);
        List<Long> tokens = new ArrayList<>();
        SocketChannel ch = connect(ShimProtocol.KIND_CONTROL, 1);
        int replies = 0;
        int errors = 0;
        int disconnects = 0;
        for (int i = 0; i < 100_000; i++) {
            int op = rnd.nextInt(ShimProtocol.LAST_OP + 3);
            int payloadLen = rnd.nextInt(10) == 0 ? rnd.nextInt(600) : rnd.nextInt(40);
            ByteBuffer f = ByteBuffer.allocate(ShimProtocol.HEADER_LEN + payloadLen).order(ByteOrder.LITTLE_ENDIAN);
            long token = tokens.isEmpty() || rnd.nextBoolean() ? rnd.nextLong() : tokens.get(rnd.nextInt(tokens.size()));
            f.putInt(f.capacity()).putShort((short) op).putShort((short) rnd.nextInt()).putInt(i).putInt(rnd.nextInt()).putLong(token);
            byte[] p = new byte[payloadLen];
            rnd.nextBytes(p);
            if (payloadLen >= 2 && rnd.nextBoolean()) {
                p[0] = 2; // AF_INET now and then, so address-taking ops get past the family check
                p[1] = 0;
            }
            if (op == ShimProtocol.SOCKET && payloadLen >= 12 && rnd.nextBoolean()) {
                ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).putInt(2).putInt(1 + rnd.nextInt(2)).putInt(0);
            }
            f.put(p).flip();
            int mischief = rnd.nextInt(1000);
            if (mischief == 0) {
                f.putInt(0, rnd.nextBoolean() ? rnd.nextInt(ShimProtocol.HEADER_LEN) : ShimProtocol.HEADER_LEN + ShimProtocol.MAX_PAYLOAD + 1 + rnd.nextInt(1000));
            }
            if (mischief == 1) {
                f.limit(1 + rnd.nextInt(f.limit() - 1)); // truncated, then hang up
                writeFully(ch, f);
                ch.close();
                ch = connect(ShimProtocol.KIND_CONTROL, 1);
                disconnects++;
                continue;
            }
            writeFully(ch, f);
            ByteBuffer h = readFully(ch, ShimProtocol.HEADER_LEN);
            if (mischief == 0) {
                assertEquals(null, h, "a frame length that cannot be a frame closes the session");
                ch.close();
                ch = connect(ShimProtocol.KIND_CONTROL, 1);
                disconnects++;
                continue;
            }
            assertTrue(h != null, "frame " + i + " (op " + op + ") got no reply");
            assertEquals(op | ShimProtocol.REPLY, h.getShort(ShimProtocol.OP) & 0xffff);
            assertEquals(i, h.getInt(ShimProtocol.SEQ), "reply seq");
            int len = h.getInt(ShimProtocol.LENGTH);
            assertTrue(len >= ShimProtocol.HEADER_LEN && len <= ShimProtocol.HEADER_LEN + ShimProtocol.MAX_PAYLOAD);
            readFully(ch, len - ShimProtocol.HEADER_LEN);
            int result = h.getInt(ShimProtocol.RESULT);
            if (op == ShimProtocol.SOCKET && result == 0) {
                tokens.add(h.getLong(ShimProtocol.TOKEN));
            }
            if (op > ShimProtocol.LAST_OP || op == 0) {
                assertEquals(-Errno.EOPNOTSUPP, result, "unknown op " + op);
            }
            replies++;
            if (result < 0) {
                errors++;
            }
            if (rnd.nextInt(20_000) == 0) {
                // A bad hello on a fresh connection: closed without an answer.
                SocketChannel bad = SocketChannel.open(StandardProtocolFamily.UNIX);
                bad.connect(UnixDomainSocketAddress.of(t.endpoint.socketPath()));
                writeFully(bad, ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}));
                assertEquals(null, readFully(bad, 1));
                bad.close();
            }
        }
        ch.close();
        assertTrue(replies > 90_000 && errors > 50_000 && disconnects > 50, replies + " replies, " + errors + " errors, " + disconnects + " disconnects");
        assertTrue(tokens.size() > 10, "some sockets were created: " + tokens.size());

        // An honest program still gets served.
        ShimTestStack.Result r = t.run(20, ShimTestStack.compile("echo_halfclose").toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("client got: HELLO, STACK"), r::toString);

        // What the hostile sessions created, never attached, is freed after they hung up.
        Thread.sleep(TenantEndpoint.ORPHAN_GRACE_MILLIS + 1500);
        assertEquals(baseline, (int) t.onLoop(s -> t.endpoint.socketCount()), () -> t.describe());
    }

    @Test
    void aDataHelloWithAnUnknownTokenIsClosed() throws Exception {
        SocketChannel ch = connect(ShimProtocol.KIND_DATA, 0x1234_5678_9abc_def0L);
        assertEquals(null, readFully(ch, 1));
        ch.close();
    }
}
