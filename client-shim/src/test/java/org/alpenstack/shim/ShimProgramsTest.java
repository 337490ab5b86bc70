package org.alpenstack.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Small C programs, preloaded and attached to an instance, exercising what real programs
 * rarely show in one place. Each program checks its own calls and exits non-zero on the first
 * surprise, naming it; the test checks the exit and the story the program prints.
 */
class ShimProgramsTest {
    static ShimTestStack t;

    @BeforeAll
    static void start() throws Exception {
        t = ShimTestStack.start("shimtest");
    }

    @AfterAll
    static void stop() throws Exception {
        if (t != null) {
            t.close();
        }
    }

    private static ShimTestStack.Result run(String program, String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = ShimTestStack.compile(program).toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        return t.run(20, cmd);
    }

    private static long opens() throws Exception {
        return t.onLoop(s -> s.tcp().counters().activeOpens + s.tcp().counters().passiveOpens);
    }

    /** Runs a program that must succeed and must have opened {@code connections} connections in the stack. */
    private static ShimTestStack.Result runThroughStack(int connections, String program, String... args) throws Exception {
        long before = opens();
        ShimTestStack.Result r = run(program, args);
        assertEquals(0, r.exit(), r::toString);
        // Both ends of each connection are in the instance: one active and one passive open each.
        assertEquals(2L * connections, opens() - before, () -> "connections opened in the stack\n" + r);
        return r;
    }

    @Test
    void connectAcceptHalfCloseAndNames() throws Exception {
        ShimTestStack.Result r = runThroughStack(1, "echo_halfclose");
        assertTrue(r.out().contains("client got: HELLO, STACK"), r::toString);
        assertTrue(r.out().contains("server done"), r::toString);
    }

    @Test
    void nonBlockingConnectToClosedPortIsRefusedViaSoError() throws Exception {
        ShimTestStack.Result r = run("nb_connect_refused");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("closed port: SO_ERROR=ECONNREFUSED"), r::toString);
        assertTrue(r.out().contains("listening port: connected, EISCONN after"), r::toString);
        assertTrue(r.out().contains("empty non-blocking accept: EAGAIN"), r::toString);
        assertTrue(r.out().contains("accept on a connected socket: EINVAL"), r::toString);
        assertTrue(r.out().contains("socketpair(AF_INET): EOPNOTSUPP"), r::toString);
        assertTrue(r.out().contains("blocking connect: ECONNREFUSED, then 0 and EISCONN"), r::toString);
    }

    @Test
    void stdioFgetsFputsOnSockets() throws Exception {
        ShimTestStack.Result r = runThroughStack(1, "stdio_echo");
        assertTrue(r.out().contains("client read 100 lines"), r::toString);
    }

    @Test
    void preForkServerParentAndChildrenAllAccept() throws Exception {
        ShimTestStack.Result r = runThroughStack(6, "prefork");
        assertTrue(r.out().contains("all workers done"), r::toString);
    }

    @Test
    void acceptedSocketPassedWithScmRightsIsServedByAnotherProcess() throws Exception {
        ShimTestStack.Result r = runThroughStack(1, "scm_rights");
        assertTrue(r.out().contains("client got: worker served: request"), r::toString);
    }

    @Test
    void execdChildRecognisesTheInheritedSocket() throws Exception {
        ShimTestStack.Result r = runThroughStack(1, "exec_inherit");
        assertTrue(r.out().contains("client got: exec'd child serves peer port"), r::toString);
    }

    @Test
    void dup2OntoTheControlFdAndCloseRangeDoNotBreakTheProcess() throws Exception {
        ShimTestStack.Result r = runThroughStack(1, "dup2_ctl");
        assertTrue(r.out().contains("got: still alive"), r::toString);
    }

    @Test
    void lingerZeroAndUnreadDataResetThePeer() throws Exception {
        ShimTestStack.Result r = runThroughStack(2, "reset");
        assertTrue(r.out().contains("linger 0: ECONNRESET"), r::toString);
        assertTrue(r.out().contains("unread data: ECONNRESET"), r::toString);
        assertTrue(r.out().contains("after reset: POLLHUP, write fails"), r::toString);
    }

    @Test
    void resetReachesStdioAndReadvAsEconnreset() throws Exception {
        ShimTestStack.Result r = runThroughStack(2, "reset_stdio");
        assertTrue(r.out().contains("fgets: line, then ECONNRESET with the error indicator"), r::toString);
        assertTrue(r.out().contains("fflush after reset: EPIPE"), r::toString);
        assertTrue(r.out().contains("readv: 10 bytes, then ECONNRESET"), r::toString);
        assertTrue(r.out().contains("send(MSG_NOSIGNAL): EPIPE, no signal; write: EPIPE and SIGPIPE"), r::toString);
    }

    @Test
    void chrootedAndDemotedChildrenStillOpenSockets() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "chroot and setuid need root; skipped");
        ShimTestStack.Result r = runThroughStack(2, "chroot_drop");
        assertTrue(r.out().contains("after chroot and setuid: child and grandchild connected"), r::toString);
    }

    @Test
    void controlMessagesErrorQueueAndUnmodelledOptions() throws Exception {
        ShimTestStack.Result r = run("cmsgs");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("IP_TTL 64, IP_PKTINFO, SCM_TIMESTAMP"), r::toString);
        assertTrue(r.out().contains("small control buffer: MSG_CTRUNC"), r::toString);
        assertTrue(r.out().contains("error queue: ECONNREFUSED, ICMP 3/3 from 127.0.0.1, then EAGAIN"), r::toString);
        assertTrue(r.out().contains("TCP options read back: SO_OOBINLINE, IP_TOS, IP_TTL"), r::toString);
    }

    @Test
    void passFdChannelClosesJunkAndKeepsServing() throws Exception {
        long rejectedBefore = t.endpoint.framesRejected();
        ShimTestStack.Result r = run("passfd_junk");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("junk fds closed"), r::toString);
        assertTrue(r.out().contains("bytes without an fd: channel closed"), r::toString);
        assertTrue(r.out().contains("passed socketpair: control connection answers"), r::toString);
        // The pipe and /dev/null are counted (the channel that sent bytes is closed, as the program checks).
        assertTrue(t.endpoint.framesRejected() >= rejectedBefore + 2, "pipe and /dev/null counted as rejected");
    }

    @Test
    void bulkBothWaysAtOnceIsByteExact() throws Exception {
        ShimTestStack.Result r = runThroughStack(1, "bulk");
        assertTrue(r.out().contains("16 MiB each way, byte-exact"), r::toString);
    }

    @Test
    void udpBoundariesPeekTruncConnectedAndPortUnreachable() throws Exception {
        long before = t.onLoop(s -> s.counters().get(org.alpenstack.kernel.stack.StackCounter.UDP_IN_DATAGRAMS));
        ShimTestStack.Result r = run("udp");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("boundaries, peek, trunc: ok"), r::toString);
        assertTrue(r.out().contains("connected send/recv/read/write: ok"), r::toString);
        assertTrue(r.out().contains("port unreachable: ECONNREFUSED"), r::toString);
        long after = t.onLoop(s -> s.counters().get(org.alpenstack.kernel.stack.StackCounter.UDP_IN_DATAGRAMS));
        assertTrue(after - before >= 6, "datagrams went through the stack: " + (after - before));
    }

    @Test
    void getifaddrsAndInterfaceIoctlsShowTheInstance() throws Exception {
        ShimTestStack.Result r = run("ifaces");
        assertEquals(0, r.exit(), r::toString);
        // MTU 16384 is the instance's loopback (ShimTestStack), not the kernel's 65536.
        assertTrue(r.out().contains("getifaddrs: lo 127.0.0.1/255.0.0.0"), r::toString);
        assertTrue(r.out().contains("ioctl: lo index=1 mtu=16384"), r::toString);
        assertTrue(r.out().contains("unknown interface: ENODEV"), r::toString);
    }

    @Test
    void getaddrinfoAnswersIpv4OnlyWhenTheFamilyIsOpen() throws Exception {
        ShimTestStack.Result r = run("gai");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("passive: v4=1 v6=0"), r::toString);
    }

    @Test
    void throughputOnTheInstanceLoopbackIsReported() throws Exception {
        ShimTestStack.Result r = runThroughStack(1, "stream", "256");
        System.out.println("shim over the instance loopback: " + r.out().trim());
        assertTrue(r.out().contains("Mbit/s"), r::toString);
    }

    @Test
    void requestResponseRateIsReportedBesideTheKernels() throws Exception {
        ShimTestStack.Result shim = runThroughStack(1, "pingpong", "8501", "2");
        // The same program on the host kernel's loopback, not preloaded.
        Process p = new ProcessBuilder(ShimTestStack.compile("pingpong").toString(), "8502", "2").start();
        String kernel = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor());
        double a = Double.parseDouble(shim.out().trim().split(" ")[0]);
        double b = Double.parseDouble(kernel.split(" ")[0]);
        System.out.printf("1-byte ping-pong: shim %.0f/s, kernel %.0f/s, ratio %.3f%n", a, b, a / b);
        assertTrue(a > 0 && b > 0);
    }
}
