package org.alpenstack.tenant.service;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * The iperf3 control protocol's numbers, as the stock client (3.x) sends and expects them.
 *
 * <p>A test runs on one control connection: the client sends a 37-byte cookie, then the
 * server drives the test with one-byte states; parameters and results travel as JSON preceded
 * by a 4-byte big-endian length. Every data connection also begins with the test's cookie
 * (iperf3 src/iperf_client_api.c iperf_connect, src/iperf_tcp.c iperf_tcp_accept).
 */
final class Iperf3Protocol {
    private Iperf3Protocol() {
    }

    /** An ASCII UUID with its NUL: 36 characters and '\0' (src/iperf.h COOKIE_SIZE, iperf_util.c make_cookie). */
    static final int COOKIE_SIZE = 37;

    // States, one signed byte each on the control connection (src/iperf_api.h).
    static final byte TEST_START = 1;
    static final byte TEST_RUNNING = 2;
    static final byte TEST_END = 4;
    static final byte PARAM_EXCHANGE = 9;
    static final byte CREATE_STREAMS = 10;
    static final byte SERVER_TERMINATE = 11;
    static final byte CLIENT_TERMINATE = 12;
    static final byte EXCHANGE_RESULTS = 13;
    static final byte DISPLAY_RESULTS = 14;
    static final byte IPERF_DONE = 16;
    static final byte ACCESS_DENIED = -1;
    static final byte SERVER_ERROR = -2;

    // i_errno values the server reports after SERVER_ERROR (src/iperf_api.h; texts in iperf_error.c).
    /** "an option you are trying to set is not implemented yet". */
    static final int IEUNIMP = 13;
    /** "unable to receive parameters from client" (+ strerror). */
    static final int IERECVPARAMS = 114;
    /** "unable to set TCP/SCTP MSS" (+ strerror). */
    static final int IESETMSS = 123;
    /** "unable to set socket buffer size" (+ strerror). */
    static final int IESETBUF = 124;
    /** "unable to start stream listener" (+ strerror): what a server without UDP/SCTP answers. */
    static final int IESTREAMLISTEN = 202;

    /** Parameters longer than this are refused (upstream get_parameters: MAX_PARAMS_JSON_STRING). */
    static final int MAX_PARAMS_JSON = 8 * 1024;
    /**
     * The client's results: upstream reads any length; a stream's entry is about 150 bytes, so
     * this holds 128 streams (MAX_STREAMS) several times over and bounds what a stranger costs.
     */
    static final int MAX_RESULTS_JSON = 256 * 1024;
    /** src/iperf.h MAX_STREAMS and MAX_BLOCKSIZE, and the TCP default block (iperf_api.h DEFAULT_TCP_BLKSIZE). */
    static final int MAX_STREAMS = 128;
    static final int MAX_BLOCKSIZE = 1024 * 1024;
    static final int DEFAULT_TCP_BLKSIZE = 128 * 1024;
    /** The server's test timer: duration + omit + 4 s x 10 state transitions (iperf_server_api.c create_server_timers). */
    static final long GRACE_MILLIS = 40_000;

    /** SERVER_ERROR, i_errno, errno: the three parts of the server's error report (iperf_exchange_parameters). */
    static byte[] serverError(int iErrno, int errno) {
        byte[] b = new byte[9];
        b[0] = SERVER_ERROR;
        putInt(b, 1, iErrno);
        putInt(b, 5, errno);
        return b;
    }

    /** A JSON message: length (4 bytes, network order) and the unformatted text (JSON_write). */
    static byte[] jsonFrame(JsonObject json) {
        byte[] text = json.encode().getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[4 + text.length];
        putInt(b, 0, text.length);
        System.arraycopy(text, 0, b, 4, text.length);
        return b;
    }

    static int getInt(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
