package org.alpenstack.kernel.socket;

/**
 * Socket constants with Linux's numbers (x86_64 / asm-generic), so the shim can forward
 * levels, option names, families and flags unchanged.
 */
public final class SocketOptions {
    // Address families (linux/socket.h)
    public static final int AF_UNSPEC = 0;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    // Socket types (linux/net.h)
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;

    // Protocols (linux/in.h)
    public static final int IPPROTO_IP = 0;
    public static final int IPPROTO_ICMP = 1;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;

    // Levels
    public static final int SOL_SOCKET = 1;
    public static final int SOL_IP = IPPROTO_IP;
    public static final int SOL_TCP = IPPROTO_TCP;
    public static final int SOL_UDP = IPPROTO_UDP;

    // SOL_SOCKET options (asm-generic/socket.h)
    public static final int SO_DEBUG = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_TYPE = 3;
    public static final int SO_ERROR = 4;
    public static final int SO_DONTROUTE = 5;
    public static final int SO_BROADCAST = 6;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_KEEPALIVE = 9;
    public static final int SO_OOBINLINE = 10;
    public static final int SO_NO_CHECK = 11;
    public static final int SO_PRIORITY = 12;
    public static final int SO_LINGER = 13;
    public static final int SO_REUSEPORT = 15;
    public static final int SO_RCVLOWAT = 18;
    public static final int SO_SNDLOWAT = 19;
    public static final int SO_RCVTIMEO = 20;
    public static final int SO_SNDTIMEO = 21;
    public static final int SO_BINDTODEVICE = 25;
    public static final int SO_ACCEPTCONN = 30;
    public static final int SO_PROTOCOL = 38;
    public static final int SO_DOMAIN = 39;

    // SOL_IP options (linux/in.h)
    public static final int IP_TOS = 1;
    public static final int IP_TTL = 2;
    public static final int IP_HDRINCL = 3;
    public static final int IP_OPTIONS = 4;
    public static final int IP_PKTINFO = 8;
    public static final int IP_MTU_DISCOVER = 10;
    public static final int IP_RECVERR = 11;
    public static final int IP_RECVTTL = 12;
    public static final int IP_RECVTOS = 13;
    public static final int IP_MTU = 14;
    public static final int IP_FREEBIND = 15;
    public static final int IP_MULTICAST_TTL = 33;
    public static final int IP_MULTICAST_LOOP = 34;

    // IP_MTU_DISCOVER values
    public static final int IP_PMTUDISC_DONT = 0;
    public static final int IP_PMTUDISC_WANT = 1;
    public static final int IP_PMTUDISC_DO = 2;

    // SOL_TCP options (linux/tcp.h)
    public static final int TCP_NODELAY = 1;
    public static final int TCP_MAXSEG = 2;
    public static final int TCP_KEEPIDLE = 4;
    public static final int TCP_KEEPINTVL = 5;
    public static final int TCP_KEEPCNT = 6;

    // send/recv flags (linux/socket.h)
    public static final int MSG_OOB = 0x1;
    public static final int MSG_PEEK = 0x2;
    public static final int MSG_DONTROUTE = 0x4;
    public static final int MSG_CTRUNC = 0x8;
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_EOR = 0x80;
    public static final int MSG_WAITALL = 0x100;
    public static final int MSG_ERRQUEUE = 0x2000;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int MSG_MORE = 0x8000;

    // shutdown(2)
    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;

    /** net.core.rmem_default / wmem_default. */
    public static final int DEFAULT_BUFFER = 212992;
    /** net.core.rmem_max / wmem_max: the cap for setsockopt(SO_RCVBUF / SO_SNDBUF) before doubling. */
    public static final int MAX_BUFFER = 212992;
    /** SOCK_MIN_RCVBUF / SOCK_MIN_SNDBUF: 2 * (2048 + sizeof(struct sk_buff) rounded). */
    public static final int MIN_BUFFER = 4608;

    private SocketOptions() {
    }

    /**
     * The value Linux stores for setsockopt(SO_RCVBUF/SO_SNDBUF, v): capped at rmem_max, then
     * doubled "to allow space for bookkeeping overhead" (socket(7)), at least the minimum.
     */
    public static int bufferSizeFor(int requested) {
        long v = Math.min(Math.max(requested, 0), MAX_BUFFER);
        return (int) Math.max(v * 2, MIN_BUFFER);
    }
}
