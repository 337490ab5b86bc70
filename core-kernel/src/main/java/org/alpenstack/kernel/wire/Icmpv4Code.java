package org.alpenstack.kernel.wire;

/** ICMPv4 codes, grouped by the type they belong to. */
public final class Icmpv4Code {
    // Destination Unreachable: RFC 792 (0-5), RFC 1122 section 3.2.2.1 (6-12), RFC 1812 section 5.2.7.1 (13-15).
    public static final int NET_UNREACHABLE = 0;
    public static final int HOST_UNREACHABLE = 1;
    public static final int PROTOCOL_UNREACHABLE = 2;
    public static final int PORT_UNREACHABLE = 3;
    /** "Fragmentation needed and DF set": carries the next-hop MTU (RFC 1191 section 4). */
    public static final int FRAGMENTATION_NEEDED = 4;
    public static final int SOURCE_ROUTE_FAILED = 5;
    public static final int NET_UNKNOWN = 6;
    public static final int HOST_UNKNOWN = 7;
    public static final int SOURCE_HOST_ISOLATED = 8;
    public static final int NET_PROHIBITED = 9;
    public static final int HOST_PROHIBITED = 10;
    public static final int NET_UNREACHABLE_FOR_TOS = 11;
    public static final int HOST_UNREACHABLE_FOR_TOS = 12;
    public static final int COMMUNICATION_PROHIBITED = 13;
    public static final int HOST_PRECEDENCE_VIOLATION = 14;
    public static final int PRECEDENCE_CUTOFF = 15;
    /** The highest Destination Unreachable code defined. */
    public static final int MAX_UNREACHABLE = 15;

    // Time Exceeded (RFC 792).
    public static final int TTL_EXCEEDED_IN_TRANSIT = 0;
    public static final int FRAGMENT_REASSEMBLY_TIME_EXCEEDED = 1;

    // Parameter Problem (RFC 792; RFC 1108 code 1; RFC 1812 section 5.2.7.3 code 2).
    public static final int POINTER_INDICATES_ERROR = 0;
    public static final int MISSING_REQUIRED_OPTION = 1;
    public static final int BAD_LENGTH = 2;

    private Icmpv4Code() {
    }
}
