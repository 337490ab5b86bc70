package org.alpenstack.it.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.alpenstack.admin.ServeCommand;
import org.alpenstack.it.link.Lab;
import org.alpenstack.it.link.Sh;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code alpenstack serve --config} refuses bad configurations with a message naming the field,
 * exit code 2, and nothing started: no admin endpoint, no device.
 */
class ServeConfigRefusalTest {
    @TempDir
    Path dir;

    record Outcome(int exit, String out, String err) {
    }

    Outcome serve(String config, int adminPort) throws Exception {
        Path f = dir.resolve("config.json");
        Files.writeString(f, config);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ServeCommand.run(new String[] {"--config", f.toString(), "--admin", "127.0.0.1:" + adminPort},
                new PrintStream(out, true), new PrintStream(err, true), false);
        return new Outcome(exit, out.toString(), err.toString());
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    void assertRefused(String config, String field) throws Exception {
        int port = freePort();
        Outcome o = serve(config, port);
        assertEquals(2, o.exit(), o.err());
        assertTrue(o.err().contains(field + ":"), "the message should name " + field + ":\n" + o.err());
        assertTrue(o.err().contains("nothing was started"), o.err());
        assertFalse(listening(port), "the admin endpoint must not be up after a refused config");
    }

    static final String LINK = """
            "links": [ { "name": "lan", "type": "afpacket", "device": "lo" } ]""";

    @Test
    void aDuplicateIpAddressIsRefused() throws Exception {
        assertRefused("{" + LINK + """
                , "instances": [ { "name": "a", "link": "lan", "addresses": ["192.0.2.10/24"] },
                                 { "name": "b", "link": "lan", "addresses": ["192.0.2.10/24"] } ] }""",
                "instances[1].addresses[0]");
    }

    @Test
    void aDuplicateMacIsRefused() throws Exception {
        assertRefused("{" + LINK + """
                , "instances": [ { "name": "a", "link": "lan", "mac": "02:00:00:00:00:01", "addresses": ["192.0.2.10/24"] },
                                 { "name": "b", "link": "lan", "mac": "02:00:00:00:00:01", "addresses": ["192.0.2.11/24"] } ] }""",
                "instances[1].mac");
    }

    @Test
    void anInvalidPrefixIsRefused() throws Exception {
        assertRefused("{" + LINK + """
                , "instances": [ { "name": "a", "link": "lan", "addresses": ["192.0.2.10/33"] } ] }""",
                "instances[0].addresses[0]");
    }

    @Test
    void anUnknownLinkIsRefused() throws Exception {
        assertRefused("{" + LINK + """
                , "instances": [ { "name": "a", "link": "wan", "addresses": ["192.0.2.10/24"] } ] }""",
                "instances[0].link");
    }

    @Test
    void aBadReceiveIsRefused() throws Exception {
        assertRefused("""
                { "links": [ { "name": "lan", "type": "afpacket", "device": "lo", "receive": "mmap" } ], "instances": [] }""",
                "links[0].receive");
        assertRefused("""
                { "links": [ { "name": "lan", "type": "afpacket", "device": "lo", "receive": "ring" },
                             { "name": "tap", "type": "tap", "device": "alprf1", "hostAddress": "10.99.1.1/24", "receive": "socket" } ],
                  "instances": [] }""",
                "links[1].receive");
    }

    @Test
    void aMissingNicIsRefusedAndNothingHalfStarts() throws Exception {
        Lab.assumeRoot();
        String ns = Lab.namespace("refuse");
        try {
            // The first link is fine (a TAP the server could create), the second names a device
            // that does not exist: the TAP must not be created, nor the admin endpoint opened.
            assertRefused("""
                    { "links": [ { "name": "tap", "type": "tap", "device": "alprf0", "hostAddress": "10.99.0.1/24", "netns": "%s" },
                                 { "name": "lan", "type": "afpacket", "device": "nope0", "netns": "%s" } ],
                      "instances": [ { "name": "a", "link": "tap", "addresses": ["10.99.0.2/24"] } ] }""".formatted(ns, ns),
                    "links[1].device");
            String links = Sh.ok("ip", "-n", ns, "link", "show").output();
            assertFalse(links.contains("alprf0"), "no TAP device may be left behind:\n" + links);
        } finally {
            Lab.deleteNamespace(ns);
        }
    }
}
