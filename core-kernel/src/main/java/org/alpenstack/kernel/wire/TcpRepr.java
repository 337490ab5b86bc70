package org.alpenstack.kernel.wire;

/**
 * The checked form of a TCP header with its options (RFC 9293 section 3.1), for control paths
 * and tests; the hot path uses {@link TcpHeader} and a reused {@link TcpOptions}. The payload
 * stays in the buffer; {@code payloadLength} is what follows the header in the IP payload.
 *
 * <p>The record keeps its own copy of the options, and {@link #options()} hands out a copy, so
 * a TcpRepr is a value even though TcpOptions is a mutable holder.
 *
 * @param flags {@link TcpFlags} bits, NS included
 * @param window the window field as sent (unscaled)
 */
public record TcpRepr(int sourcePort, int destinationPort, int sequenceNumber, int acknowledgmentNumber,
                      int flags, int window, int urgentPointer, TcpOptions options, int payloadLength) {

    public TcpRepr {
        if (sourcePort < 0 || sourcePort > 0xffff || destinationPort < 0 || destinationPort > 0xffff) {
            throw new IllegalArgumentException("port out of range");
        }
        if ((flags & ~TcpFlags.ALL) != 0 || window < 0 || window > 0xffff || urgentPointer < 0 || urgentPointer > 0xffff) {
            throw new IllegalArgumentException("flags, window or urgent pointer out of range");
        }
        // A received header may pack its options tighter than Linux's NOP-padded layout, so the
        // options need not fit emit's layout; emit then sends only the SACK blocks that fit.
        options = options == null ? new TcpOptions() : new TcpOptions().copyFrom(options);
        if (payloadLength < 0) {
            throw new IllegalArgumentException("payload length " + payloadLength);
        }
    }

    @Override
    public TcpOptions options() {
        return new TcpOptions().copyFrom(options);
    }

    /**
     * The segment at {@code off} ({@code len} bytes: the whole IP payload), or null when
     * {@link TcpHeader#check} or {@link TcpOptions#parse} gives a reason to drop it. The
     * checksum is not verified here: see {@link TcpHeader#verifyChecksum}.
     */
    public static TcpRepr parse(byte[] a, int off, int len) {
        if (TcpHeader.check(a, off, len) != null) {
            return null;
        }
        TcpOptions options = new TcpOptions();
        if (TcpOptions.parse(a, off + TcpHeader.OPTIONS, TcpHeader.optionsLength(a, off), options) != null) {
            return null;
        }
        return new TcpRepr(TcpHeader.sourcePort(a, off), TcpHeader.destinationPort(a, off),
                TcpHeader.sequenceNumber(a, off), TcpHeader.acknowledgmentNumber(a, off),
                TcpHeader.flags(a, off), TcpHeader.window(a, off), TcpHeader.urgentPointer(a, off),
                options, len - TcpHeader.headerLength(a, off));
    }

    public boolean has(int flag) {
        return TcpFlags.has(flags, flag);
    }

    /** Header and options. */
    public int bufferLen() {
        return TcpHeader.HEADER_LEN + options.bufferLen();
    }

    /**
     * Writes the header and options at {@code off} in front of the {@code payloadLength} bytes
     * already at {@code off + bufferLen()}, then the checksum over all of it with the IPv4
     * pseudo-header.
     */
    public void emit(byte[] a, int off, int sourceIp, int destinationIp) {
        TcpHeader.emit(a, off, sourcePort, destinationPort, sequenceNumber, acknowledgmentNumber, flags, window,
                urgentPointer, options, payloadLength, sourceIp, destinationIp);
    }

    @Override
    public String toString() {
        return "TcpRepr[" + sourcePort + " > " + destinationPort + " " + TcpFlags.toString(flags)
                + " seq " + Integer.toUnsignedString(sequenceNumber) + " ack " + Integer.toUnsignedString(acknowledgmentNumber)
                + " win " + window + (urgentPointer != 0 ? " urg " + urgentPointer : "") + " options " + options
                + " len " + payloadLength + "]";
    }
}
