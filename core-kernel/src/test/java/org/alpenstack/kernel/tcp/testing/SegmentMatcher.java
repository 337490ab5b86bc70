package org.alpenstack.kernel.tcp.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.TcpFlags;
import org.alpenstack.kernel.wire.TcpOptions;

/**
 * Composable expectations about one TCP segment, in the style of gVisor's {@code checker}
 * package, for scripted conversations:
 *
 * <pre>{@code
 *   import static org.alpenstack.kernel.tcp.testing.SegmentMatcher.*;
 *   import static org.alpenstack.kernel.wire.TcpFlags.*;
 *
 *   SegmentMatcher.assertIpv4(frame, ipOff, ipLen,
 *       flags(SYN | ACK), seq(iss), ack(1001), window(65535), mss(1460), wscale(7), sackPermitted());
 *   tcp(flags(ACK), ack(2001), sackBlocks(3001, 4001)).assertMatches(segment);
 * }</pre>
 *
 * Every expectation is checked (not just up to the first failure) and the AssertionError lists
 * all mismatches followed by the whole segment, tcpdump-like. Sequence numbers are compared as
 * unsigned 32-bit values and printed unsigned.
 */
public final class SegmentMatcher {

    /** One expectation: returns null if the segment satisfies it, else what was wrong. */
    @FunctionalInterface
    public interface Expectation {
        String mismatch(ParsedSegment s);
    }

    private final List<Expectation> expectations;

    private SegmentMatcher(List<Expectation> expectations) {
        this.expectations = expectations;
    }

    /** A matcher requiring all of {@code expectations}. */
    public static SegmentMatcher tcp(Expectation... expectations) {
        return new SegmentMatcher(List.of(expectations));
    }

    /** This matcher with more expectations. */
    public SegmentMatcher and(Expectation... more) {
        List<Expectation> all = new ArrayList<>(expectations);
        all.addAll(Arrays.asList(more));
        return new SegmentMatcher(List.copyOf(all));
    }

    /** Null if every expectation holds, else the mismatches and the segment. */
    public String mismatch(ParsedSegment s) {
        if (s.error() != null) {
            return "expected a TCP segment, got " + s;
        }
        StringBuilder b = new StringBuilder();
        for (Expectation e : expectations) {
            String m = e.mismatch(s);
            if (m != null) {
                b.append("\n  - ").append(m);
            }
        }
        if (b.length() == 0) {
            return null;
        }
        return "segment does not match:" + b + "\n  segment: " + s;
    }

    public boolean matches(ParsedSegment s) {
        return mismatch(s) == null;
    }

    /** @throws AssertionError listing every mismatch and the whole segment */
    public void assertMatches(ParsedSegment s) {
        String m = mismatch(s);
        if (m != null) {
            throw new AssertionError(m);
        }
    }

    /** Parses {@code len} bytes of TCP segment at {@code off} and asserts. */
    public void assertTcp(byte[] a, int off, int len) {
        assertMatches(ParsedSegment.parse(a, off, len));
    }

    /** Parses an IPv4 packet carrying TCP and asserts; the TCP checksum must be right as well. */
    public void assertIpv4(byte[] a, int off, int len) {
        and(validChecksum()).assertMatches(ParsedSegment.parseIpv4(a, off, len));
    }

    /** Shorthand for {@code tcp(expectations).assertTcp(a, off, len)}. */
    public static void assertTcp(byte[] a, int off, int len, Expectation... expectations) {
        tcp(expectations).assertTcp(a, off, len);
    }

    /** Shorthand for {@code tcp(expectations).assertIpv4(a, off, len)}. */
    public static void assertIpv4(byte[] a, int off, int len, Expectation... expectations) {
        tcp(expectations).assertIpv4(a, off, len);
    }

    // ---- header fields ---------------------------------------------------------------------

    /** Exactly these control bits ({@link TcpFlags}), no more, no fewer. */
    public static Expectation flags(int expected) {
        return s -> s.flags() == expected ? null
                : "flags: expected " + TcpFlags.toString(expected) + " but was " + TcpFlags.toString(s.flags());
    }

    /** The bits under {@code mask} equal {@code expected} (gVisor's TCPFlagsMatch). */
    public static Expectation flagsMasked(int expected, int mask) {
        return s -> (s.flags() & mask) == (expected & mask) ? null
                : "flags under mask " + TcpFlags.toString(mask) + ": expected " + TcpFlags.toString(expected & mask)
                        + " but was " + TcpFlags.toString(s.flags() & mask);
    }

    /** At least these bits set. */
    public static Expectation hasFlags(int bits) {
        return flagsMasked(bits, bits);
    }

    /** None of these bits set. */
    public static Expectation noFlags(int bits) {
        return flagsMasked(0, bits);
    }

    public static Expectation seq(int expected) {
        return s -> s.seq() == expected ? null : "seq: expected " + u(expected) + " but was " + u(s.seq())
                + " (off by " + (s.seq() - expected) + ")";
    }

    public static Expectation ack(int expected) {
        return s -> s.ack() == expected ? null : "ack: expected " + u(expected) + " but was " + u(s.ack())
                + " (off by " + (s.ack() - expected) + ")";
    }

    /** The window field as sent (before scaling). */
    public static Expectation window(int expected) {
        return s -> s.window() == expected ? null : "window: expected " + expected + " but was " + s.window();
    }

    /** A window field of at least {@code min} (before scaling). */
    public static Expectation windowAtLeast(int min) {
        return s -> s.window() >= min ? null : "window: expected at least " + min + " but was " + s.window();
    }

    public static Expectation srcPort(int expected) {
        return s -> s.sourcePort() == expected ? null : "source port: expected " + expected + " but was " + s.sourcePort();
    }

    public static Expectation dstPort(int expected) {
        return s -> s.destinationPort() == expected ? null
                : "destination port: expected " + expected + " but was " + s.destinationPort();
    }

    public static Expectation payloadLen(int expected) {
        return s -> s.payloadLength() == expected ? null
                : "payload length: expected " + expected + " but was " + s.payloadLength();
    }

    public static Expectation payload(byte[] expected) {
        byte[] copy = expected.clone();
        return s -> {
            byte[] p = s.payload();
            if (Arrays.equals(p, copy)) {
                return null;
            }
            if (p.length != copy.length) {
                return "payload: expected " + copy.length + " bytes but was " + p.length;
            }
            int i = Arrays.mismatch(p, copy);
            return "payload: differs first at byte " + i + ": expected " + (copy[i] & 0xff) + " but was " + (p[i] & 0xff);
        };
    }

    // ---- IPv4 ------------------------------------------------------------------------------

    public static Expectation srcIp(int expected) {
        return s -> !s.hasIp() ? "source address: segment was not parsed from an IPv4 packet"
                : s.sourceIp() == expected ? null
                : "source address: expected " + Ipv4Address.toString(expected) + " but was " + Ipv4Address.toString(s.sourceIp());
    }

    public static Expectation dstIp(int expected) {
        return s -> !s.hasIp() ? "destination address: segment was not parsed from an IPv4 packet"
                : s.destinationIp() == expected ? null
                : "destination address: expected " + Ipv4Address.toString(expected) + " but was "
                        + Ipv4Address.toString(s.destinationIp());
    }

    /** The TCP checksum over the IPv4 pseudo-header is right (always true for a bare TCP parse). */
    public static Expectation validChecksum() {
        return s -> s.checksumOk() ? null : "checksum: the TCP checksum is wrong";
    }

    // ---- options ---------------------------------------------------------------------------

    /** Any predicate over the options, with a description for the failure message. */
    public static Expectation option(String description, Predicate<TcpOptions> predicate) {
        return s -> predicate.test(s.options()) ? null : "options: expected " + description + " but were " + s.options();
    }

    public static Expectation mss(int expected) {
        return s -> s.options().mss() == expected ? null
                : "mss: expected " + expected + " but was " + absent(s.options().mss());
    }

    public static Expectation noMss() {
        return s -> !s.options().hasMss() ? null : "mss: expected none but was " + s.options().mss();
    }

    public static Expectation wscale(int expected) {
        return s -> s.options().windowScale() == expected ? null
                : "window scale: expected " + expected + " but was " + absent(s.options().windowScale());
    }

    public static Expectation noWscale() {
        return s -> !s.options().hasWindowScale() ? null : "window scale: expected none but was " + s.options().windowScale();
    }

    public static Expectation sackPermitted() {
        return s -> s.options().sackPermitted() ? null : "options: expected SACK-permitted but were " + s.options();
    }

    public static Expectation noSackPermitted() {
        return s -> !s.options().sackPermitted() ? null : "options: expected no SACK-permitted but were " + s.options();
    }

    /** The timestamps option is present (any values). */
    public static Expectation timestamps() {
        return s -> s.options().hasTimestamps() ? null : "options: expected timestamps but were " + s.options();
    }

    public static Expectation noTimestamps() {
        return s -> !s.options().hasTimestamps() ? null : "options: expected no timestamps but were " + s.options();
    }

    public static Expectation tsVal(int expected) {
        return s -> !s.options().hasTimestamps() ? "TSval: expected " + u(expected) + " but there are no timestamps"
                : s.options().tsVal() == expected ? null
                : "TSval: expected " + u(expected) + " but was " + u(s.options().tsVal());
    }

    public static Expectation tsEcr(int expected) {
        return s -> !s.options().hasTimestamps() ? "TSecr: expected " + u(expected) + " but there are no timestamps"
                : s.options().tsEcr() == expected ? null
                : "TSecr: expected " + u(expected) + " but was " + u(s.options().tsEcr());
    }

    /** Exactly these SACK blocks, in this order: {@code left0, right0, left1, right1, ...}. */
    public static Expectation sackBlocks(int... edges) {
        if (edges.length % 2 != 0) {
            throw new IllegalArgumentException("SACK blocks need pairs of edges");
        }
        int[] want = edges.clone();
        return s -> {
            TcpOptions o = s.options();
            int[] got = new int[2 * o.sackBlockCount()];
            for (int i = 0; i < o.sackBlockCount(); i++) {
                got[2 * i] = o.sackLeft(i);
                got[2 * i + 1] = o.sackRight(i);
            }
            return Arrays.equals(got, want) ? null : "SACK blocks: expected " + blocks(want) + " but were " + blocks(got);
        };
    }

    public static Expectation noSackBlocks() {
        return sackBlocks();
    }

    private static String blocks(int[] edges) {
        if (edges.length == 0) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < edges.length; i += 2) {
            b.append(i == 0 ? "" : " ").append(u(edges[i])).append(':').append(u(edges[i + 1]));
        }
        return b.toString();
    }

    private static String absent(int v) {
        return v == TcpOptions.ABSENT ? "absent" : Integer.toString(v);
    }

    private static String u(int v) {
        return Integer.toUnsignedString(v);
    }
}
