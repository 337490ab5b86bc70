package org.alpenstack.kernel.wire;

import java.util.Arrays;

/**
 * The checked forms of the ICMPv4 messages the stack sends and understands (RFC 792, RFC 1122
 * section 3.2.2, RFC 1191). The byte arrays (echo data, quoted datagram) are copies owned by
 * the record; equality compares their contents.
 */
public sealed interface Icmpv4Repr {

    int type();

    int code();

    int bufferLen();

    /** Writes the whole message, data included, with its checksum at {@code off}. */
    void emit(byte[] a, int off);

    /**
     * The message at {@code off} ({@code len} bytes, up to the end of the IP payload), or null
     * when {@link Icmpv4Packet#check} fails, the type is not one of these records, or the code
     * is not defined for the type. The checksum is not verified here: see
     * {@link Icmpv4Packet#verifyChecksum}.
     */
    static Icmpv4Repr parse(byte[] a, int off, int len) {
        if (Icmpv4Packet.check(a, off, len) != null) {
            return null;
        }
        int type = Icmpv4Packet.type(a, off);
        int code = Icmpv4Packet.code(a, off);
        byte[] data = Arrays.copyOfRange(a, off + Icmpv4Packet.DATA, off + len);
        switch (type) {
            case Icmpv4Type.ECHO_REQUEST:
            case Icmpv4Type.ECHO_REPLY:
                if (code != 0) {
                    return null;
                }
                int id = Icmpv4Packet.identifier(a, off);
                int seq = Icmpv4Packet.sequence(a, off);
                return type == Icmpv4Type.ECHO_REQUEST ? new EchoRequest(id, seq, data) : new EchoReply(id, seq, data);
            case Icmpv4Type.DESTINATION_UNREACHABLE:
                if (code > Icmpv4Code.MAX_UNREACHABLE) {
                    return null;
                }
                int mtu = code == Icmpv4Code.FRAGMENTATION_NEEDED ? Icmpv4Packet.nextHopMtu(a, off) : 0;
                return new DestinationUnreachable(code, mtu, data);
            case Icmpv4Type.TIME_EXCEEDED:
                if (code > Icmpv4Code.FRAGMENT_REASSEMBLY_TIME_EXCEEDED) {
                    return null;
                }
                return new TimeExceeded(code, data);
            case Icmpv4Type.PARAMETER_PROBLEM:
                if (code > Icmpv4Code.BAD_LENGTH) {
                    return null;
                }
                return new ParameterProblem(code, Icmpv4Packet.pointer(a, off), data);
            default:
                return null;
        }
    }

    /** Echo request (type 8): identifier, sequence number and data are echoed back (RFC 792). */
    record EchoRequest(int identifier, int sequence, byte[] data) implements Icmpv4Repr {
        public EchoRequest {
            data = checkEcho(identifier, sequence, data);
        }

        @Override
        public int type() {
            return Icmpv4Type.ECHO_REQUEST;
        }

        @Override
        public int code() {
            return 0;
        }

        @Override
        public int bufferLen() {
            return Icmpv4Packet.HEADER_LEN + data.length;
        }

        @Override
        public void emit(byte[] a, int off) {
            emitMessage(a, off, type(), 0, (identifier << 16) | sequence, data);
        }

        /** The reply a host sends (RFC 1122 section 3.2.2.6): same identifier, sequence and data. */
        public EchoReply reply() {
            return new EchoReply(identifier, sequence, data);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof EchoRequest e && e.identifier == identifier && e.sequence == sequence
                    && Arrays.equals(e.data, data);
        }

        @Override
        public int hashCode() {
            return (identifier * 31 + sequence) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "EchoRequest[id=" + identifier + ", seq=" + sequence + ", " + data.length + " bytes]";
        }
    }

    /** Echo reply (type 0). */
    record EchoReply(int identifier, int sequence, byte[] data) implements Icmpv4Repr {
        public EchoReply {
            data = checkEcho(identifier, sequence, data);
        }

        @Override
        public int type() {
            return Icmpv4Type.ECHO_REPLY;
        }

        @Override
        public int code() {
            return 0;
        }

        @Override
        public int bufferLen() {
            return Icmpv4Packet.HEADER_LEN + data.length;
        }

        @Override
        public void emit(byte[] a, int off) {
            emitMessage(a, off, type(), 0, (identifier << 16) | sequence, data);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof EchoReply e && e.identifier == identifier && e.sequence == sequence
                    && Arrays.equals(e.data, data);
        }

        @Override
        public int hashCode() {
            return (identifier * 31 + sequence) * 31 + Arrays.hashCode(data) + 1;
        }

        @Override
        public String toString() {
            return "EchoReply[id=" + identifier + ", seq=" + sequence + ", " + data.length + " bytes]";
        }
    }

    /**
     * Destination unreachable (type 3), any code 0..15. Only code 4 (fragmentation needed)
     * carries a next-hop MTU (RFC 1191 section 4); for the other codes it is 0.
     *
     * @param quoted the offending datagram's IP header and at least 64 bits of its payload
     */
    record DestinationUnreachable(int code, int nextHopMtu, byte[] quoted) implements Icmpv4Repr {
        public DestinationUnreachable {
            if (code < 0 || code > Icmpv4Code.MAX_UNREACHABLE) {
                throw new IllegalArgumentException("destination unreachable code " + code);
            }
            if (nextHopMtu < 0 || nextHopMtu > 0xffff || (nextHopMtu != 0 && code != Icmpv4Code.FRAGMENTATION_NEEDED)) {
                throw new IllegalArgumentException("next-hop MTU " + nextHopMtu + " with code " + code);
            }
            quoted = quoted.clone();
        }

        @Override
        public int type() {
            return Icmpv4Type.DESTINATION_UNREACHABLE;
        }

        @Override
        public int bufferLen() {
            return Icmpv4Packet.HEADER_LEN + quoted.length;
        }

        @Override
        public void emit(byte[] a, int off) {
            emitMessage(a, off, type(), code, nextHopMtu, quoted);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DestinationUnreachable d && d.code == code && d.nextHopMtu == nextHopMtu
                    && Arrays.equals(d.quoted, quoted);
        }

        @Override
        public int hashCode() {
            return (code * 31 + nextHopMtu) * 31 + Arrays.hashCode(quoted);
        }

        @Override
        public String toString() {
            return "DestinationUnreachable[code=" + code + ", mtu=" + nextHopMtu + ", " + quoted.length + " bytes quoted]";
        }
    }

    /** Time exceeded (type 11): code 0 TTL exceeded in transit, code 1 reassembly timeout. */
    record TimeExceeded(int code, byte[] quoted) implements Icmpv4Repr {
        public TimeExceeded {
            if (code != Icmpv4Code.TTL_EXCEEDED_IN_TRANSIT && code != Icmpv4Code.FRAGMENT_REASSEMBLY_TIME_EXCEEDED) {
                throw new IllegalArgumentException("time exceeded code " + code);
            }
            quoted = quoted.clone();
        }

        @Override
        public int type() {
            return Icmpv4Type.TIME_EXCEEDED;
        }

        @Override
        public int bufferLen() {
            return Icmpv4Packet.HEADER_LEN + quoted.length;
        }

        @Override
        public void emit(byte[] a, int off) {
            emitMessage(a, off, type(), code, 0, quoted);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TimeExceeded t && t.code == code && Arrays.equals(t.quoted, quoted);
        }

        @Override
        public int hashCode() {
            return code * 31 + Arrays.hashCode(quoted);
        }

        @Override
        public String toString() {
            return "TimeExceeded[code=" + code + ", " + quoted.length + " bytes quoted]";
        }
    }

    /** Parameter problem (type 12): {@code pointer} is the octet of the quoted header in error (code 0). */
    record ParameterProblem(int code, int pointer, byte[] quoted) implements Icmpv4Repr {
        public ParameterProblem {
            if (code < 0 || code > Icmpv4Code.BAD_LENGTH || pointer < 0 || pointer > 255) {
                throw new IllegalArgumentException("parameter problem code " + code + " pointer " + pointer);
            }
            quoted = quoted.clone();
        }

        @Override
        public int type() {
            return Icmpv4Type.PARAMETER_PROBLEM;
        }

        @Override
        public int bufferLen() {
            return Icmpv4Packet.HEADER_LEN + quoted.length;
        }

        @Override
        public void emit(byte[] a, int off) {
            emitMessage(a, off, type(), code, pointer << 24, quoted);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ParameterProblem p && p.code == code && p.pointer == pointer
                    && Arrays.equals(p.quoted, quoted);
        }

        @Override
        public int hashCode() {
            return (code * 31 + pointer) * 31 + Arrays.hashCode(quoted);
        }

        @Override
        public String toString() {
            return "ParameterProblem[code=" + code + ", pointer=" + pointer + ", " + quoted.length + " bytes quoted]";
        }
    }

    private static byte[] checkEcho(int identifier, int sequence, byte[] data) {
        if (identifier < 0 || identifier > 0xffff || sequence < 0 || sequence > 0xffff) {
            throw new IllegalArgumentException("echo identifier " + identifier + " sequence " + sequence);
        }
        return data.clone();
    }

    private static void emitMessage(byte[] a, int off, int type, int code, int restOfHeader, byte[] data) {
        System.arraycopy(data, 0, a, off + Icmpv4Packet.DATA, data.length);
        Icmpv4Packet.emit(a, off, type, code, restOfHeader, Icmpv4Packet.HEADER_LEN + data.length);
    }
}
