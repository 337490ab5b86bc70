package org.alpenstack.kernel.wire;

/** ICMPv4 message types (RFC 792; RFC 1122 section 3.2.2). */
public final class Icmpv4Type {
    public static final int ECHO_REPLY = 0;
    public static final int DESTINATION_UNREACHABLE = 3;
    /** Deprecated by RFC 6633; received ones are ignored. */
    public static final int SOURCE_QUENCH = 4;
    public static final int REDIRECT = 5;
    public static final int ECHO_REQUEST = 8;
    public static final int TIME_EXCEEDED = 11;
    public static final int PARAMETER_PROBLEM = 12;
    public static final int TIMESTAMP = 13;
    public static final int TIMESTAMP_REPLY = 14;

    private Icmpv4Type() {
    }

    /** The error messages that quote a datagram and must never be answered with an ICMP error (RFC 1122 section 3.2.2). */
    public static boolean isError(int type) {
        return type == DESTINATION_UNREACHABLE || type == SOURCE_QUENCH || type == REDIRECT
                || type == TIME_EXCEEDED || type == PARAMETER_PROBLEM;
    }
}
