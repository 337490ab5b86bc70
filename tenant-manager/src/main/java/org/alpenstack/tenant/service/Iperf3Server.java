package org.alpenstack.tenant.service;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.socket.Readiness;
import org.alpenstack.kernel.socket.StackSocket;
import org.alpenstack.kernel.tcp.TcpSocket;
import org.alpenstack.tenant.StackInstance;

/**
 * An iperf3 server in the instance: the stock {@code iperf3 -c} client tests TCP against it in
 * either direction ({@code -R}, {@code --bidir}), with parallel streams, time, byte or block
 * limits. One test at a time, like upstream's server: a connection that arrives while a test
 * runs gets ACCESS_DENIED. The control state machine follows iperf3's src/iperf_server_api.c
 * (iperf_accept, iperf_handle_message_server, iperf_run_server) on the stack's non-blocking
 * sockets; whatever goes wrong (a client that vanishes, garbage, a silent peer) ends the test,
 * closes its connections and the server listens again.
 */
final class Iperf3Server implements InstanceService, Iperf3Stream.Owner {
    /**
     * How long the server waits. {@code setupMillis}: for each step outside the running test
     * (cookie, parameters, data connections, results, IPERF_DONE); {@code idleMillis}: with no
     * byte moving on any stream of a running test (upstream's server gives a receiving test
     * 120 s, DEFAULT_NO_MSG_RCVD_TIMEOUT); {@code graceMillis}: beyond a timed test's seconds.
     */
    record Timeouts(long setupMillis, long idleMillis, long graceMillis) {
        static final Timeouts DEFAULT = new Timeouts(10_000, 60_000, Iperf3Protocol.GRACE_MILLIS);
    }

    private static final int BACKLOG = 128;
    /** Turned-away connections held open until their client has read ACCESS_DENIED. */
    private static final int MAX_DENIED = 64;
    /** Data connections still sending their cookie beyond the streams the test needs. */
    private static final int SPARE_PENDING = 8;

    enum Phase {
        IDLE, COOKIE, PARAMS_LENGTH, PARAMS, CREATE_STREAMS, RUNNING, RESULTS_LENGTH, RESULTS, DONE;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    private final StackInstance instance;
    private final TcpSocket listener;
    private final Timeouts timeouts;
    private Phase phase = Phase.IDLE;
    private Iperf3Control control;
    private String peer;
    private byte[] controlCookie;
    private Iperf3Test test;
    private final List<Iperf3Stream> pending = new ArrayList<>();
    private final Set<Iperf3Denial> denied = new LinkedHashSet<>();
    /** The one read buffer of every receiving stream and turned-away connection (iperf3's default block). */
    private byte[] scratch;
    private ServiceTimer phaseTimer;
    private ServiceTimer omitTimer;
    private ServiceTimer watchdog;
    private long progressSeen;
    private ProcessCpu cpuAtStart;
    private long tests;
    private long completed;
    private long aborted;
    private long deniedCount;
    private String lastError = "";

    private Iperf3Server(StackInstance instance, TcpSocket listener, Timeouts timeouts) {
        this.instance = instance;
        this.listener = listener;
        this.timeouts = timeouts;
    }

    /** On the instance's context. Returns 0 or -errno (EADDRINUSE ...). */
    static int start(StackInstance instance, int port, List<InstanceService> out) {
        return start(instance, port, Timeouts.DEFAULT, out);
    }

    static int start(StackInstance instance, int port, Timeouts timeouts, List<InstanceService> out) {
        TcpSocket s = instance.stack().openTcp();
        // Nothing else on the listener: data connections keep buffer autotuning and Nagle, as
        // upstream's do unless the client asks for -w or -N (set per connection in Iperf3Test).
        int r = TcpServer.listen(s, port, BACKLOG);
        if (r < 0) {
            return r;
        }
        Iperf3Server server = new Iperf3Server(instance, s, timeouts);
        instance.reactor().watch(s, server::onListenerReady);
        out.add(server);
        return 0;
    }

    Phase phase() {
        return phase;
    }

    // ---- connections ----

    private void onListenerReady(StackSocket s, int events) {
        if ((events & Readiness.POLLIN) == 0) {
            return;
        }
        for (TcpSocket c; (c = TcpServer.acceptNext(listener)) != null; ) {
            if (scratch == null) {
                scratch = new byte[Iperf3Protocol.DEFAULT_TCP_BLKSIZE];
            }
            pending.removeIf(Iperf3Stream::isClosed);
            if (phase == Phase.IDLE) {
                beginTest(c);
            } else if (phase == Phase.CREATE_STREAMS && pending.size() < test.expectedStreams() + SPARE_PENDING) {
                Iperf3Stream st = new Iperf3Stream(c, instance.reactor(), this);
                pending.add(st);
                st.watch();
            } else {
                deny(c);
            }
        }
    }

    private void deny(TcpSocket c) {
        deniedCount++;
        if (denied.size() >= MAX_DENIED) {
            c.write(new byte[] {Iperf3Protocol.ACCESS_DENIED}, 0, 1);
            c.close();
            return;
        }
        Iperf3Denial[] self = new Iperf3Denial[1];
        self[0] = new Iperf3Denial(c, instance.reactor(), scratch, () -> denied.remove(self[0]));
        denied.add(self[0]);
        Iperf3Denial d = self[0];
        schedule(timeouts.setupMillis(), d::close);
    }

    private void beginTest(TcpSocket c) {
        tests++;
        control = new Iperf3Control(c);
        // Upstream sets TCP_NODELAY on the control connection: its messages are tiny (iperf_accept).
        c.setOption(TcpSocket.SOL_TCP, TcpSocket.TCP_NODELAY, 1);
        InetEndpoint from = c.remoteEndpoint();
        peer = from == null ? "?" : from.toString();
        phase = Phase.COOKIE;
        control.expect(Iperf3Protocol.COOKIE_SIZE);
        instance.reactor().watch(c, this::onControlReady);
        armPhaseTimer(timeouts.setupMillis());
    }

    // ---- the control connection ----

    private void onControlReady(StackSocket s, int events) {
        if (control == null || control.socket != s) {
            return;
        }
        if (!control.flush()) {
            abort("the control connection failed in " + phase);
            return;
        }
        while (control != null) {
            if (!control.fill()) {
                if (control.broken()) {
                    if (phase == Phase.DONE) {
                        finishTest(); // upstream: "the client has unexpectedly closed", then done
                    } else {
                        abort("the client closed the control connection in " + phase);
                    }
                }
                return;
            }
            try {
                onMessage(control.message());
            } catch (RuntimeException e) {
                // A fault of this server must not leave it stuck in a test: end the test, go on listening.
                abort("internal error in " + phase + ": " + e);
            }
        }
    }

    private void onMessage(byte[] m) {
        switch (phase) {
            case COOKIE -> {
                // Upstream takes any 37 bytes as the cookie; the data connections must repeat them.
                controlCookie = java.util.Arrays.copyOf(m, Iperf3Protocol.COOKIE_SIZE);
                expectLength(Phase.PARAMS_LENGTH, Iperf3Protocol.PARAM_EXCHANGE);
            }
            case PARAMS_LENGTH -> expectJson(m, Iperf3Protocol.MAX_PARAMS_JSON, Phase.PARAMS);
            case PARAMS -> onParams(m);
            case CREATE_STREAMS, RUNNING -> onClientState(m[0]);
            case RESULTS_LENGTH -> expectJson(m, Iperf3Protocol.MAX_RESULTS_JSON, Phase.RESULTS);
            case RESULTS -> onClientResults(m);
            case DONE -> finishTest(); // IPERF_DONE, or whatever a client says last
            case IDLE -> throw new IllegalStateException("control message without a test");
        }
    }

    private void expectLength(Phase next, byte state) {
        if (send(new byte[] {state})) {
            phase = next;
            control.expect(4);
        }
    }

    private void expectJson(byte[] m, int max, Phase next) {
        int n = Iperf3Protocol.getInt(m, 0);
        if (n <= 0 || n > max) {
            // Upstream's get_parameters refuses parameters over MAX_PARAMS_JSON_STRING (JSON_read,
            // iperf3 3.17 on); the results' bound is this server's own. Either way the test fails.
            abort("JSON of " + Integer.toUnsignedString(n) + " bytes in " + phase + " (at most " + max + ")");
            return;
        }
        phase = next;
        control.expect(n);
    }

    private void onParams(byte[] m) {
        Iperf3Params p;
        try {
            p = Iperf3Params.parse(m);
        } catch (Iperf3Params.Refused r) {
            fail(r.iErrno, r.errno, r.getMessage());
            return;
        }
        test = new Iperf3Test(controlCookie, p);
        if (send(new byte[] {Iperf3Protocol.CREATE_STREAMS})) {
            phase = Phase.CREATE_STREAMS;
            control.expect(1);
            armPhaseTimer(timeouts.setupMillis());
        }
    }

    /** A state byte from the client (iperf_handle_message_server). */
    private void onClientState(byte state) {
        switch (state) {
            case Iperf3Protocol.TEST_START, Iperf3Protocol.IPERF_DONE -> control.expect(1);
            case Iperf3Protocol.TEST_END -> {
                if (phase == Phase.RUNNING) {
                    endTest();
                } else {
                    abort("TEST_END before the test ran");
                }
            }
            case Iperf3Protocol.CLIENT_TERMINATE -> abort("the client terminated the test");
            default -> abort("unknown control message " + state + " in " + phase);
        }
    }

    private void onClientResults(byte[] m) {
        try {
            new JsonObject(new String(m, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            abort("the client's results are not a JSON object");
            return;
        }
        double[] cpu = ProcessCpu.now().utilisationSince(cpuAtStart);
        String text = test.params.serverOutput() ? Iperf3Report.text(peer, test) : null;
        if (send(Iperf3Protocol.jsonFrame(Iperf3Report.results(test, cpu, text))) && send(new byte[] {Iperf3Protocol.DISPLAY_RESULTS})) {
            phase = Phase.DONE;
            control.expect(1);
            armPhaseTimer(timeouts.setupMillis());
        }
    }

    private boolean send(byte[] b) {
        if (!control.send(b)) {
            abort("the control connection failed in " + phase);
            return false;
        }
        return true;
    }

    // ---- the test ----

    @Override
    public void onCookie(Iperf3Stream s) {
        pending.remove(s);
        if (phase != Phase.CREATE_STREAMS || !test.matches(s.cookie()) || test.complete()) {
            deny(s.socket);
            return;
        }
        int[] errno = new int[1];
        int iErrno = test.admit(s, errno);
        if (iErrno != 0) {
            fail(iErrno, errno[0], "cannot set an option of data connection " + s.id + ": " + Errno.name(errno[0]));
            return;
        }
        if (test.complete()) {
            startTest();
        }
    }

    private void startTest() {
        for (Iperf3Stream p : pending) {
            p.close();
        }
        pending.clear();
        if (!send(new byte[] {Iperf3Protocol.TEST_START})) {
            return;
        }
        long now = System.nanoTime();
        cpuAtStart = ProcessCpu.now();
        test.start(now);
        if (!send(new byte[] {Iperf3Protocol.TEST_RUNNING})) {
            return;
        }
        phase = Phase.RUNNING;
        Iperf3Params p = test.params;
        if (p.omit() > 0) {
            omitTimer = schedule(p.omit() * 1000L, () -> test.omitOver(System.nanoTime()));
        }
        if (p.seconds() > 0) {
            // Upstream's server_timer_proc ends a test that overstays its time by this much.
            armPhaseTimer((p.seconds() + p.omit()) * 1000L + timeouts.graceMillis());
        } else {
            cancel(phaseTimer);
        }
        progressSeen = -1;
        watch();
    }

    /** Ends a running test in which no stream moved a byte for idleMillis. */
    private void watch() {
        watchdog = schedule(timeouts.idleMillis(), () -> {
            long progress = 0;
            for (Iperf3Stream s : test.streams) {
                progress += s.bytesReceived + s.bytesSent;
            }
            if (progress == progressSeen) {
                abort("no data moved for " + timeouts.idleMillis() + " ms");
            } else {
                progressSeen = progress;
                watch();
            }
        });
    }

    private void endTest() {
        cancel(omitTimer);
        cancel(watchdog);
        test.end(System.nanoTime());
        expectLength(Phase.RESULTS_LENGTH, Iperf3Protocol.EXCHANGE_RESULTS);
        if (control != null) {
            armPhaseTimer(timeouts.setupMillis());
        }
    }

    @Override
    public boolean claimBlock(int length) {
        return test != null && test.claimBlock(length);
    }

    @Override
    public byte[] scratch() {
        return scratch;
    }

    /** Reports an error the way upstream does (SERVER_ERROR, i_errno, errno), then ends the test. */
    private void fail(int iErrno, int errno, String why) {
        control.send(Iperf3Protocol.serverError(iErrno, errno));
        abort(why);
    }

    private void abort(String why) {
        aborted++;
        lastError = why;
        cleanUp();
    }

    private void finishTest() {
        completed++;
        cleanUp();
    }

    /** Closes the test's connections and cancels its timers: the server listens for the next one. */
    private void cleanUp() {
        cancel(phaseTimer);
        cancel(omitTimer);
        cancel(watchdog);
        phaseTimer = omitTimer = watchdog = null;
        if (test != null) {
            test.close();
            test = null;
        }
        for (Iperf3Stream p : pending) {
            p.close();
        }
        pending.clear();
        if (control != null) {
            instance.reactor().unwatch(control.socket);
            control.close();
            control = null;
        }
        controlCookie = null;
        phase = Phase.IDLE;
    }

    // ---- timers ----

    private ServiceTimer schedule(long millis, Runnable task) {
        return ServiceTimer.schedule(instance, millis, task);
    }

    private static void cancel(ServiceTimer t) {
        ServiceTimer.cancel(t);
    }

    private void armPhaseTimer(long millis) {
        cancel(phaseTimer);
        Phase armedIn = phase;
        phaseTimer = schedule(millis, () -> abort("timed out in " + armedIn));
    }

    // ---- InstanceService ----

    @Override
    public String name() {
        return "iperf3/tcp";
    }

    @Override
    public int port() {
        return listener.localEndpoint().port();
    }

    @Override
    public String describe() {
        return name() + " port " + port() + " tests " + tests + " completed " + completed + " aborted " + aborted + " denied "
                + deniedCount + " state " + phase + (lastError.isEmpty() ? "" : " last-error '" + lastError + "'");
    }

    @Override
    public void stop() {
        cleanUp();
        for (Iperf3Denial d : List.copyOf(denied)) {
            d.close();
        }
        instance.reactor().unwatch(listener);
        listener.close();
    }
}
