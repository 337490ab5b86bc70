package org.alpenstack.admin.api.capture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.alpenstack.kernel.wire.Bytes;
import org.junit.jupiter.api.Test;

/** The capture filter reads Ethernet/IPv4/ARP/UDP/TCP headers at their RFC offsets. */
class CaptureFilterTest {

    /** Ethernet + IPv4 (IHL 5) + the first 4 bytes of a UDP/TCP header. */
    private static byte[] ipv4(int proto, int src, int dst, int sport, int dport, int fragOffset) {
        byte[] f = new byte[14 + 20 + 8];
        Bytes.u16(f, 12, 0x0800);
        f[14] = 0x45;
        Bytes.u16(f, 14 + 6, fragOffset);
        f[14 + 9] = (byte) proto;
        Bytes.u32(f, 14 + 12, src);
        Bytes.u32(f, 14 + 16, dst);
        Bytes.u16(f, 34, sport);
        Bytes.u16(f, 36, dport);
        return f;
    }

    private static byte[] arp(int sender, int target) {
        byte[] f = new byte[14 + 28];
        Bytes.u16(f, 12, 0x0806);
        Bytes.u32(f, 14 + 14, sender);
        Bytes.u32(f, 14 + 24, target);
        return f;
    }

    private static final int A = 0x0a000001;
    private static final int B = 0x0a000002;

    @Test
    void protocolPortAndHost() {
        byte[] udp = ipv4(17, A, B, 5353, 53, 0);
        assertTrue(CaptureFilter.ALL.matches(udp, 0, udp.length));
        assertTrue(CaptureFilter.of("udp", 53, "10.0.0.2").matches(udp, 0, udp.length));
        assertTrue(CaptureFilter.of("ip", 5353, null).matches(udp, 0, udp.length));
        assertFalse(CaptureFilter.of("tcp", -1, null).matches(udp, 0, udp.length));
        assertFalse(CaptureFilter.of(null, 80, null).matches(udp, 0, udp.length));
        assertFalse(CaptureFilter.of(null, -1, "10.0.0.3").matches(udp, 0, udp.length));
    }

    @Test
    void aLaterFragmentHasNoPortsToMatch() {
        // RFC 791: only the fragment at offset 0 carries the transport header.
        byte[] frag = ipv4(17, A, B, 53, 53, 185);
        assertFalse(CaptureFilter.of(null, 53, null).matches(frag, 0, frag.length));
        assertTrue(CaptureFilter.of("udp", -1, null).matches(frag, 0, frag.length));
    }

    @Test
    void arpMatchesByProtocolAndSenderOrTarget() {
        byte[] a = arp(A, B);
        assertTrue(CaptureFilter.of("arp", -1, "10.0.0.2").matches(a, 0, a.length));
        assertFalse(CaptureFilter.of("arp", 53, null).matches(a, 0, a.length));
        assertFalse(CaptureFilter.of("udp", -1, null).matches(a, 0, a.length));
        assertFalse(CaptureFilter.of(null, -1, "10.0.0.9").matches(a, 0, a.length));
    }

    @Test
    void truncatedFramesDoNotMatchAFilter() {
        byte[] udp = ipv4(17, A, B, 53, 53, 0);
        assertFalse(CaptureFilter.of("udp", -1, null).matches(udp, 0, 20));
        assertFalse(CaptureFilter.of(null, 53, null).matches(udp, 0, 12));
    }
}
