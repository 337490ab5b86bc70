package org.alpenstack.kernel.wire;

/** The checked form of a UDP header (RFC 768); the payload stays in the buffer. */
public record UdpRepr(int sourcePort, int destinationPort, int payloadLength) {
    public static final int MAX_PAYLOAD_LEN = 0xffff - UdpPacket.HEADER_LEN;

    public UdpRepr {
        if (sourcePort < 0 || sourcePort > 0xffff || destinationPort < 0 || destinationPort > 0xffff) {
            throw new IllegalArgumentException("port out of range");
        }
        if (payloadLength < 0 || payloadLength > MAX_PAYLOAD_LEN) {
            throw new IllegalArgumentException("payload length " + payloadLength);
        }
    }

    /**
     * The header at {@code off}, or null when {@link UdpPacket#check} gives a reason to drop
     * the datagram. The checksum is not verified here: see {@link UdpPacket#verifyChecksum}.
     */
    public static UdpRepr parse(byte[] a, int off, int len) {
        if (UdpPacket.check(a, off, len) != null) {
            return null;
        }
        return new UdpRepr(UdpPacket.sourcePort(a, off), UdpPacket.destinationPort(a, off), UdpPacket.payloadLength(a, off));
    }

    public int bufferLen() {
        return UdpPacket.HEADER_LEN;
    }

    /**
     * Writes the header at {@code off} in front of the {@code payloadLength} bytes already at
     * {@code off + 8}, and the checksum over both with the IPv4 pseudo-header.
     */
    public void emit(byte[] a, int off, int sourceIp, int destinationIp) {
        UdpPacket.emit(a, off, sourcePort, destinationPort, payloadLength, sourceIp, destinationIp);
    }
}
