package org.alpenstack.kernel.tcp.testing;

import java.util.Arrays;
import org.alpenstack.kernel.wire.IpProtocol;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.Ipv4Packet;
import org.alpenstack.kernel.wire.TcpHeader;
import org.alpenstack.kernel.wire.TcpOptions;
import org.alpenstack.kernel.wire.TcpRepr;

/**
 * A TCP segment taken apart for a test: the header and options ({@link TcpRepr}), a copy of the
 * payload, and, when it came inside an IPv4 packet, the addresses and whether the TCP checksum
 * was right. Parsing never throws on a malformed segment: {@link #error()} says what was wrong.
 */
public final class ParsedSegment {
    private final TcpRepr repr;
    private final byte[] payload;
    private final int sourceIp;
    private final int destinationIp;
    private final boolean hasIp;
    private final boolean checksumOk;
    private final String error;

    private ParsedSegment(TcpRepr repr, byte[] payload, int sourceIp, int destinationIp, boolean hasIp,
            boolean checksumOk, String error) {
        this.repr = repr;
        this.payload = payload;
        this.sourceIp = sourceIp;
        this.destinationIp = destinationIp;
        this.hasIp = hasIp;
        this.checksumOk = checksumOk;
        this.error = error;
    }

    /** The TCP segment (header, options, payload) of {@code len} bytes at {@code off}. */
    public static ParsedSegment parse(byte[] a, int off, int len) {
        return parseTcp(a, off, len, 0, 0, false, true);
    }

    /** An IPv4 packet carrying TCP; the TCP checksum is verified with the pseudo-header. */
    public static ParsedSegment parseIpv4(byte[] a, int off, int len) {
        if (Ipv4Packet.check(a, off, len) != null) {
            return failed("not a well-formed IPv4 packet: " + Ipv4Packet.check(a, off, len), a, off, len);
        }
        if (Ipv4Packet.protocol(a, off) != IpProtocol.TCP) {
            return failed("IPv4 protocol " + Ipv4Packet.protocol(a, off) + ", not TCP", a, off, len);
        }
        int hl = Ipv4Packet.headerLength(a, off);
        int tcpLen = Ipv4Packet.totalLength(a, off) - hl;
        int src = Ipv4Packet.source(a, off);
        int dst = Ipv4Packet.destination(a, off);
        boolean ok = TcpRepr.parse(a, off + hl, tcpLen) != null && TcpHeader.verifyChecksum(a, off + hl, tcpLen, src, dst);
        return parseTcp(a, off + hl, tcpLen, src, dst, true, ok);
    }

    private static ParsedSegment parseTcp(byte[] a, int off, int len, int src, int dst, boolean hasIp, boolean checksumOk) {
        TcpRepr repr = TcpRepr.parse(a, off, len);
        if (repr == null) {
            String why = TcpHeader.check(a, off, len) != null ? String.valueOf(TcpHeader.check(a, off, len)) : "TCP_BAD_OPTIONS";
            return failed("malformed TCP segment: " + why, a, off, len);
        }
        int hl = TcpHeader.headerLength(a, off);
        byte[] payload = Arrays.copyOfRange(a, off + hl, off + len);
        return new ParsedSegment(repr, payload, src, dst, hasIp, checksumOk, null);
    }

    private static ParsedSegment failed(String why, byte[] a, int off, int len) {
        StringBuilder hex = new StringBuilder(why).append("; bytes:");
        for (int i = 0; i < Math.min(len, 80); i++) {
            hex.append(String.format(" %02x", a[off + i] & 0xff));
        }
        return new ParsedSegment(null, new byte[0], 0, 0, false, false, hex.toString());
    }

    /** Null if the bytes parsed, else why not. */
    public String error() {
        return error;
    }

    public TcpRepr repr() {
        return repr;
    }

    public int flags() {
        return repr.flags();
    }

    public int seq() {
        return repr.sequenceNumber();
    }

    public int ack() {
        return repr.acknowledgmentNumber();
    }

    public int window() {
        return repr.window();
    }

    public int sourcePort() {
        return repr.sourcePort();
    }

    public int destinationPort() {
        return repr.destinationPort();
    }

    public TcpOptions options() {
        return repr.options();
    }

    /** A copy of the payload. */
    public byte[] payload() {
        return payload.clone();
    }

    public int payloadLength() {
        return payload.length;
    }

    /** Sequence space the segment occupies: payload plus one for SYN and one for FIN. */
    public int segmentLength() {
        return payload.length + (repr.has(org.alpenstack.kernel.wire.TcpFlags.SYN) ? 1 : 0)
                + (repr.has(org.alpenstack.kernel.wire.TcpFlags.FIN) ? 1 : 0);
    }

    public boolean hasIp() {
        return hasIp;
    }

    public int sourceIp() {
        return sourceIp;
    }

    public int destinationIp() {
        return destinationIp;
    }

    /** Always true for a bare TCP parse (no pseudo-header to check against). */
    public boolean checksumOk() {
        return checksumOk;
    }

    @Override
    public String toString() {
        if (error != null) {
            return "<" + error + ">";
        }
        StringBuilder b = new StringBuilder();
        if (hasIp) {
            b.append(Ipv4Address.toString(sourceIp)).append(':').append(repr.sourcePort()).append(" > ")
                    .append(Ipv4Address.toString(destinationIp)).append(':').append(repr.destinationPort()).append(' ');
            if (!checksumOk) {
                b.append("[bad TCP checksum] ");
            }
        }
        b.append(repr);
        if (payload.length > 0) {
            b.append(" payload:");
            for (int i = 0; i < Math.min(payload.length, 32); i++) {
                b.append(String.format(" %02x", payload[i] & 0xff));
            }
            if (payload.length > 32) {
                b.append(" ...");
            }
        }
        return b.toString();
    }
}
