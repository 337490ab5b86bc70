package org.alpenstack.shim;

import java.util.HashMap;
import java.util.Map;
import org.alpenstack.kernel.socket.SocketOptions;

/**
 * Socket options Linux accepts on every inet socket that the stack does not model, kept per
 * socket so that getsockopt reads back what setsockopt set (programs such as vsftpd, ssh and
 * OpenBSD nc stop when setting one fails).
 *
 * <p>Without effect on the wire: {@code SO_OOBINLINE} (the stack has no urgent data, so every
 * byte is inline already, which is what the option asks for), {@code SO_REUSEPORT}, and
 * {@code IP_TOS}/{@code IP_TTL} on TCP. The datagram receive options ({@code IP_RECVTTL},
 * {@code IP_RECVTOS}, {@code IP_PKTINFO}, {@code SO_TIMESTAMP}, {@code SO_TIMESTAMPNS}) choose
 * which control messages a RECVFROM reply asks the shim to build ({@link #cmsgFlags()});
 * {@code IP_RECVOPTS}/{@code IP_RETOPTS} are stored only: the stack keeps no IP options of a
 * received datagram, so there is never one to report (Linux sends none either when a datagram
 * carried no options).
 */
final class UnmodelledOptions {
    static final int SO_OOBINLINE = 10;
    static final int SO_REUSEPORT = 15;
    static final int SO_TIMESTAMP = 29;
    static final int SO_TIMESTAMPNS = 35;
    static final int IP_TOS = 1;
    static final int IP_TTL = 2;
    static final int IP_RECVOPTS = 6;
    static final int IP_RETOPTS = 7;
    static final int IP_PKTINFO = 8;
    static final int IP_RECVTTL = 12;
    static final int IP_RECVTOS = 13;

    /** RECVFROM meta: which control messages the program asked for. */
    static final int CMSG_TTL = 1;
    static final int CMSG_TOS = 2;
    static final int CMSG_PKTINFO = 4;
    static final int CMSG_TIMESTAMP = 8;
    static final int CMSG_TIMESTAMPNS = 16;

    private static final int DEFAULT_TTL = 64;

    private final Map<Integer, Integer> values = new HashMap<>(4);

    /** Whether this class answers the option for a TCP socket. */
    static boolean forStream(int level, int name) {
        return level == SocketOptions.SOL_SOCKET && (name == SO_OOBINLINE || name == SO_REUSEPORT)
                || level == SocketOptions.SOL_IP && (name == IP_TOS || name == IP_TTL);
    }

    /** Whether this class answers the option for a UDP or ping socket (the rest is the stack's). */
    static boolean forDatagram(int level, int name) {
        return level == SocketOptions.SOL_SOCKET && (name == SO_OOBINLINE || name == SO_TIMESTAMP || name == SO_TIMESTAMPNS)
                || level == SocketOptions.SOL_IP && (name == IP_RECVOPTS || name == IP_RETOPTS || name == IP_PKTINFO
                        || name == IP_RECVTTL || name == IP_RECVTOS);
    }

    int get(int level, int name) {
        Integer v = values.get(key(level, name));
        if (v != null) {
            return v;
        }
        return level == SocketOptions.SOL_IP && name == IP_TTL ? DEFAULT_TTL : 0;
    }

    /** Stores a value as Linux would report it back. Returns 0 or -errno. */
    int set(int level, int name, int value) {
        if (level == SocketOptions.SOL_IP && name == IP_TTL) {
            if (value != -1 && (value < 1 || value > 255)) {
                return -org.alpenstack.kernel.socket.Errno.EINVAL;
            }
            values.put(key(level, name), value == -1 ? DEFAULT_TTL : value);
            return 0;
        }
        boolean flag = !(level == SocketOptions.SOL_IP && name == IP_TOS);
        // Linux stores boolean options as 0/1 and IP_TOS as the low byte.
        values.put(key(level, name), flag ? (value != 0 ? 1 : 0) : value & 0xff);
        return 0;
    }

    /** The control messages a datagram receive carries (CMSG_* bits). */
    int cmsgFlags() {
        int f = 0;
        if (get(SocketOptions.SOL_IP, IP_RECVTTL) != 0) {
            f |= CMSG_TTL;
        }
        if (get(SocketOptions.SOL_IP, IP_RECVTOS) != 0) {
            f |= CMSG_TOS;
        }
        if (get(SocketOptions.SOL_IP, IP_PKTINFO) != 0) {
            f |= CMSG_PKTINFO;
        }
        if (get(SocketOptions.SOL_SOCKET, SO_TIMESTAMPNS) != 0) {
            f |= CMSG_TIMESTAMPNS;
        } else if (get(SocketOptions.SOL_SOCKET, SO_TIMESTAMP) != 0) {
            f |= CMSG_TIMESTAMP;
        }
        return f;
    }

    private static int key(int level, int name) {
        return level << 16 | name;
    }
}
