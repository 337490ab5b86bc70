package org.alpenstack.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What sshd and nginx do to their sockets that the other programs' tests do not, in small C
 * programs: the socket options they ask and set, and sshd's pre-authentication child confining
 * itself with a seccomp filter before it reads its connection to the end.
 */
class ServerHabitsTest {
    static ShimTestStack t;

    @BeforeAll
    static void start() throws Exception {
        t = ShimTestStack.start("habits");
    }

    @AfterAll
    static void stop() throws Exception {
        if (t != null) {
            t.close();
        }
    }

    /**
     * Options asked of a listening, a connected and an accepted socket: the preloaded program
     * must tell the same story as on the kernel (one line per call, so a difference names it).
     */
    @Test
    void optionsSshdAndNginxUseAnswerAsOnLinux() throws Exception {
        String program = ShimTestStack.compile("sockopt_parity").toString();
        ShimTestStack.Result shim = t.run(20, program);
        assertEquals(0, shim.exit(), shim::toString);
        Process p = new ProcessBuilder(program).redirectErrorStream(true).start();
        String kernel = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), kernel);
        assertTrue(kernel.contains("accepted get SO_BINDTODEVICE: len 0"), kernel);
        assertTrue(kernel.contains("accepted peer is the connecting side: yes"), kernel);
        assertEquals(kernel, shim.out(), "preloaded (actual) against the kernel (expected)");
    }

    /**
     * The filter kills the process on getsockname, socket and connect, the calls the shim makes
     * of its own when a read ends (to ask whether the EOF was a reset): once the program has
     * confined itself the shim must make none, and the program sees the bytes and a plain EOF.
     */
    @Test
    void aProcessConfinedBySeccompReadsToEofWithoutBeingKilled() throws Exception {
        ShimTestStack.Result r = t.run(20, ShimTestStack.compile("seccomp_eof").toString());
        assertEquals(0, r.exit(), r::toString); // 159 = killed by SIGSYS
        assertTrue(r.out().contains("confined: read 3 bytes, then EOF"), r::toString);
    }
}
