package org.alpenstack.tenant.service;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.alpenstack.kernel.socket.Errno;

/**
 * A test's parameters as the client sends them after PARAM_EXCHANGE (iperf3 src/iperf_api.c
 * send_parameters / get_parameters): which side sends, how many streams, for how long or how
 * many bytes or blocks, the block length and the socket options of the data connections.
 *
 * @param reverse      the server sends ({@code -R})
 * @param bidirectional both sides send, one set of streams each way ({@code --bidir})
 * @param parallel     streams per direction ({@code -P})
 * @param seconds      test duration, 0 when bytes or blocks end the test or the client runs it until stopped ({@code -t})
 * @param omit         seconds at the start not counted ({@code -O})
 * @param bytes        the senders stop after this many bytes in all, 0 for no limit ({@code -n})
 * @param blocks       ... or after this many blocks ({@code -k})
 * @param blockSize    bytes per write ({@code -l})
 * @param window       SO_SNDBUF/SO_RCVBUF of the data connections, 0 to leave them ({@code -w})
 * @param noDelay      TCP_NODELAY on the data connections ({@code -N})
 * @param congestion   TCP_CONGESTION, null for the default ({@code -C})
 * @param serverOutput the client wants the server's report with the results ({@code --get-server-output})
 * @param repeatingPayload senders write "0123456789" over and over instead of random bytes ({@code --repeating-payload})
 */
record Iperf3Params(boolean reverse, boolean bidirectional, int parallel, int seconds, int omit, long bytes, long blocks,
        int blockSize, int window, boolean noDelay, String congestion, boolean serverOutput,
        boolean repeatingPayload) {

    /** Why parameters were refused: what the server reports after SERVER_ERROR. */
    static final class Refused extends Exception {
        final int iErrno;
        final int errno;

        Refused(int iErrno, int errno, String why) {
            super(why, null, false, false);
            this.iErrno = iErrno;
            this.errno = errno;
        }
    }

    /** Streams the server receives on (the client's senders), accepted first (iperf_run_server). */
    int receiveStreams() {
        return reverse && !bidirectional ? 0 : parallel;
    }

    int sendStreams() {
        return reverse || bidirectional ? parallel : 0;
    }

    /** Parses the client's JSON (UTF-8). */
    static Iperf3Params parse(byte[] text) throws Refused {
        JsonObject j;
        try {
            j = new JsonObject(new String(text, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            // DecodeException, a JSON array (ClassCastException), nesting beyond Jackson's limits ...
            throw new Refused(Iperf3Protocol.IERECVPARAMS, Errno.EINVAL, "parameters are not a JSON object");
        }
        // A server without UDP or SCTP fails to start the stream listener; the client prints
        // "unable to start stream listener: Protocol not supported" (iperf_exchange_parameters).
        if (j.containsKey("udp") || j.containsKey("sctp")) {
            throw new Refused(Iperf3Protocol.IESTREAMLISTEN, Errno.EPROTONOSUPPORT, "only TCP tests are served");
        }
        boolean reverse = j.containsKey("reverse");
        boolean bidir = j.containsKey("bidirectional");
        int parallel = (int) number(j, "parallel", 1, 1, Iperf3Protocol.MAX_STREAMS);
        int seconds = (int) number(j, "time", 0, 0, 86_400);
        int omit = (int) number(j, "omit", 0, 0, 600);
        long bytes = number(j, "num", 0, 0, Long.MAX_VALUE);
        long blocks = number(j, "blockcount", 0, 0, Long.MAX_VALUE);
        int len = (int) number(j, "len", Iperf3Protocol.DEFAULT_TCP_BLKSIZE, 0, Iperf3Protocol.MAX_BLOCKSIZE);
        if (len == 0) {
            len = Iperf3Protocol.DEFAULT_TCP_BLKSIZE;
        }
        int window = (int) number(j, "window", 0, 0, 512 << 20);
        int mss = (int) number(j, "MSS", 0, 0, 32 * 1024 - 1);
        long rate = number(j, "bandwidth", 0, 0, Long.MAX_VALUE);
        long fqRate = number(j, "fqrate", 0, 0, Long.MAX_VALUE);
        if ((reverse || bidir) && (rate != 0 || fqRate != 0)) {
            // The server would have to pace its sending; it sends as fast as the instance can.
            throw new Refused(Iperf3Protocol.IEUNIMP, 0, "the server does not pace (-b, --fq-rate) what it sends");
        }
        if (mss != 0) {
            // Upstream sets TCP_MAXSEG on a listener it makes anew for the data connections
            // (iperf_tcp.c iperf_tcp_listen); this server's one listener is not remade.
            throw new Refused(Iperf3Protocol.IEUNIMP, 0, "the server does not set the MSS (-M) of its data connections");
        }
        String congestion = j.getValue("congestion") instanceof String s ? s : null;
        return new Iperf3Params(reverse, bidir, parallel, seconds, omit, bytes, blocks, len, window,
                j.containsKey("nodelay"), congestion, j.containsKey("get_server_output"), j.containsKey("repeating_payload"));
    }

    /** A whole number in [min, max]; cJSON writes every number as a double, so 1e+10 is a number too. */
    private static long number(JsonObject j, String key, long absent, long min, long max) throws Refused {
        Object v = j.getValue(key);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < min
                || n.doubleValue() > max) {
            throw new Refused(Iperf3Protocol.IERECVPARAMS, Errno.EINVAL, "parameter " + key + " is not a number in " + min + ".." + max);
        }
        return n.longValue();
    }
}
