package org.alpenstack.tenant.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.stack.NetStack;
import org.alpenstack.kernel.tcp.TcpInfo;
import org.alpenstack.kernel.tcp.TcpSocket;
import org.alpenstack.tenant.StackInstance;

/**
 * A test's client sockets in the same instance as the service, over its loopback: every call
 * runs on the instance's context and is polled from the test thread until it is done.
 */
final class LoopbackClient {
    static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    final StackInstance inst;

    LoopbackClient(StackInstance inst) {
        this.inst = inst;
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    <T> T on(Function<NetStack, T> f) throws Exception {
        return await(inst.call(f));
    }

    /** Polls {@code f} on the instance's context until it returns non-null. */
    <T> T until(String what, Function<NetStack, T> f) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (System.nanoTime() < deadline) {
            T v = on(f);
            if (v != null) {
                return v;
            }
            Thread.sleep(1);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    TcpSocket connect(int port) throws Exception {
        TcpSocket s = on(stack -> {
            TcpSocket t = stack.openTcp();
            assertEquals(-Errno.EINPROGRESS, t.connect(new InetEndpoint(0x7f000001, port)));
            return t;
        });
        until("connection to port " + port, stack -> s.remoteEndpoint() != null ? Boolean.TRUE : null);
        return s;
    }

    void write(TcpSocket s, byte[] b) throws Exception {
        int[] off = new int[1];
        until("writing " + b.length + " bytes", stack -> {
            int w = s.write(b, off[0], b.length - off[0]);
            if (w < 0 && w != -Errno.EAGAIN) {
                fail("write: " + Errno.name(-w));
            }
            off[0] += Math.max(0, w);
            return off[0] == b.length ? Boolean.TRUE : null;
        });
    }

    /** Writes {@code n} zero bytes and waits until the peer has acknowledged them all. */
    void send(TcpSocket s, long n) throws Exception {
        byte[] b = new byte[64 * 1024];
        long[] left = {n};
        until("sending " + n + " bytes", stack -> {
            while (left[0] > 0) {
                int w = s.write(b, 0, (int) Math.min(b.length, left[0]));
                if (w == -Errno.EAGAIN) {
                    return null;
                }
                if (w < 0) {
                    fail("write: " + Errno.name(-w));
                }
                left[0] -= w;
            }
            TcpInfo i = s.info();
            return i.unackedBytes() == 0 && i.sendQueueBytes() == 0 ? Boolean.TRUE : null;
        });
    }

    byte[] read(TcpSocket s, int n) throws Exception {
        byte[] b = new byte[n];
        int[] have = new int[1];
        until("reading " + n + " bytes", stack -> {
            int r = s.read(b, have[0], n - have[0]);
            if (r == 0 || (r < 0 && r != -Errno.EAGAIN)) {
                fail("connection ended after " + have[0] + " of " + n + " bytes: " + (r == 0 ? "EOF" : Errno.name(-r)));
            }
            have[0] += Math.max(0, r);
            return have[0] == n ? Boolean.TRUE : null;
        });
        return b;
    }

    byte readByte(TcpSocket s) throws Exception {
        return read(s, 1)[0];
    }

    int readInt(TcpSocket s) throws Exception {
        return Iperf3Protocol.getInt(read(s, 4), 0);
    }

    /** Reads and counts until {@code n} bytes have come. */
    long receive(TcpSocket s, long n) throws Exception {
        byte[] b = new byte[64 * 1024];
        long[] have = new long[1];
        until("receiving " + n + " bytes", stack -> {
            while (have[0] < n) {
                int r = s.read(b, 0, b.length);
                if (r == -Errno.EAGAIN) {
                    return null;
                }
                if (r <= 0) {
                    fail("connection ended after " + have[0] + " of " + n + " bytes");
                }
                have[0] += r;
            }
            return Boolean.TRUE;
        });
        return have[0];
    }

    /** Waits for the peer's FIN or reset, discarding data; 0 (EOF) or -errno. */
    int awaitEnd(TcpSocket s) throws Exception {
        byte[] b = new byte[64 * 1024];
        return until("the end of the connection", stack -> {
            while (true) {
                int r = s.read(b, 0, b.length);
                if (r == -Errno.EAGAIN) {
                    return null;
                }
                if (r <= 0) {
                    return r;
                }
            }
        });
    }

    /** Bytes readable now without waiting (after a pause for anything in flight). */
    long readable(TcpSocket s) throws Exception {
        Thread.sleep(50);
        byte[] b = new byte[64 * 1024];
        return on(stack -> {
            long n = 0;
            while (true) {
                int r = s.read(b, 0, b.length);
                if (r <= 0) {
                    return n;
                }
                n += r;
            }
        });
    }

    void close(TcpSocket... sockets) throws Exception {
        on(stack -> {
            for (TcpSocket s : sockets) {
                s.close();
            }
            return null;
        });
    }
}
