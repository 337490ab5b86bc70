package org.alpenstack.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The socket options sshd and nginx use, asked of a listening, a connected and an accepted
 * socket: the preloaded program must tell the same story as on the kernel (sockopt_parity.c
 * prints one line per call, so a difference names the option).
 */
class SockoptParityTest {
    static ShimTestStack t;

    @BeforeAll
    static void start() throws Exception {
        t = ShimTestStack.start("sockopts");
    }

    @AfterAll
    static void stop() throws Exception {
        if (t != null) {
            t.close();
        }
    }

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
}
