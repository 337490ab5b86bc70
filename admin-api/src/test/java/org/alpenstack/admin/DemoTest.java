package org.alpenstack.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo is what a user without root sees first: it must tell the whole story and succeed. */
class DemoTest {
    @Test
    void pingsBothWaysExchangesUdpSurvivesLossAndReportsARefusedPort(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("demo.pcap");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int rc;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            rc = Demo.run(new String[] {"--pcap", pcap.toString()});
        } finally {
            System.setOut(saved);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, text);
        assertTrue(text.contains("blue: 64 bytes from 10.0.0.2: icmp_seq=3"), text);
        assertTrue(text.contains("green: 64 bytes from 10.0.0.1: icmp_seq=3"), text);
        assertTrue(text.contains("answered \"hello from blue\""), text);
        assertTrue(text.contains("20 requests answered over the lossy link"), text);
        assertTrue(text.contains("returns ECONNREFUSED"), text);
        // a pcap file: the classic magic number, then at least a few dozen frames' worth of bytes
        byte[] bytes = Files.readAllBytes(pcap);
        assertTrue(bytes.length > 24 + 40 * 16, "pcap has " + bytes.length + " bytes");
        int magic = java.nio.ByteBuffer.wrap(bytes, 0, 4).getInt();
        assertTrue(magic == 0xa1b2c3d4 || magic == 0xd4c3b2a1, "pcap magic " + Integer.toHexString(magic));
    }
}
