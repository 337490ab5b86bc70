package org.alpenstack.kernel.icmp;

import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.wire.Icmpv4Code;
import org.alpenstack.kernel.wire.Icmpv4Type;

/**
 * How an ICMP error maps to an errno and whether it is "hard" (fatal for a connection, reported
 * to a connected datagram socket even without IP_RECVERR): Linux's icmp_err_convert table and
 * the cases of udp_err / tcp_v4_err (RFC 1122 4.2.3.9 says which errors are soft).
 */
public final class IcmpErrors {
    private static final int[] UNREACH_ERRNO = {
        Errno.ENETUNREACH,   // 0 net unreachable
        Errno.EHOSTUNREACH,  // 1 host unreachable
        Errno.ENOPROTOOPT,   // 2 protocol unreachable
        Errno.ECONNREFUSED,  // 3 port unreachable
        Errno.EMSGSIZE,      // 4 fragmentation needed and DF set
        Errno.EOPNOTSUPP,    // 5 source route failed
        Errno.ENETUNREACH,   // 6 destination network unknown
        Errno.EHOSTDOWN,     // 7 destination host unknown
        Errno.ENONET,        // 8 source host isolated
        Errno.ENETUNREACH,   // 9 network administratively prohibited
        Errno.EHOSTUNREACH,  // 10 host administratively prohibited
        Errno.ENETUNREACH,   // 11 network unreachable for TOS
        Errno.EHOSTUNREACH,  // 12 host unreachable for TOS
        Errno.EHOSTUNREACH,  // 13 communication administratively prohibited (RFC 1812)
        Errno.EHOSTUNREACH,  // 14 host precedence violation
        Errno.EHOSTUNREACH,  // 15 precedence cutoff in effect
    };
    private static final boolean[] UNREACH_FATAL = {
        false, false, true, true, false, false, true, true, true, true, true, false, false, true, true, true,
    };

    private IcmpErrors() {
    }

    /** The errno for an ICMP error, or 0 if the message is not reported to sockets (source quench, redirect). */
    public static int errno(int type, int code) {
        return switch (type) {
            case Icmpv4Type.DESTINATION_UNREACHABLE -> code >= 0 && code <= Icmpv4Code.MAX_UNREACHABLE ? UNREACH_ERRNO[code] : Errno.EHOSTUNREACH;
            case Icmpv4Type.TIME_EXCEEDED -> Errno.EHOSTUNREACH;
            case Icmpv4Type.PARAMETER_PROBLEM -> Errno.EPROTO;
            default -> 0;
        };
    }

    /** Linux's "fatal" column: the error ends a connection attempt / is reported without IP_RECVERR. */
    public static boolean isHard(int type, int code) {
        return switch (type) {
            case Icmpv4Type.DESTINATION_UNREACHABLE -> code >= 0 && code <= Icmpv4Code.MAX_UNREACHABLE && UNREACH_FATAL[code];
            case Icmpv4Type.PARAMETER_PROBLEM -> true;
            default -> false;
        };
    }
}
