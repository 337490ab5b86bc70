package org.alpenstack.shim;

/**
 * Constants of the shim wire protocol, version 1. The specification is client-shim/README.md;
 * the C side is src/main/c/proto.h. All integers are little-endian, sockaddrs are Linux's.
 */
public final class ShimProtocol {
    public static final int MAGIC = 0x53504C41;
    public static final int VERSION = 1;

    public static final int HELLO_LEN = 16;
    public static final int KIND_CONTROL = 1;
    public static final int KIND_DATA = 2;
    /** A pass-fd channel: one byte with one SCM_RIGHTS fd per message, each a new connection. */
    public static final int KIND_PASSFD = 3;

    public static final int HEADER_LEN = 24;
    public static final int MAX_PAYLOAD = 65536;
    public static final int REPLY = 0x8000;

    // Header offsets (request and reply share the layout; RESULT is "reserved" in requests).
    public static final int LENGTH = 0;
    public static final int OP = 4;
    public static final int FLAGS = 6;
    public static final int SEQ = 8;
    public static final int RESULT = 12;
    public static final int TOKEN = 16;

    public static final int SOCKET = 1;
    public static final int BIND = 2;
    public static final int LISTEN = 3;
    public static final int CONNECT = 4;
    public static final int CONNECT_FILLED = 5;
    public static final int GETSOCKNAME = 6;
    public static final int GETPEERNAME = 7;
    public static final int GETSOCKOPT = 8;
    public static final int SETSOCKOPT = 9;
    public static final int SHUTDOWN = 10;
    public static final int STATUS = 11;
    public static final int IOCTL = 12;
    public static final int GETIFADDRS = 13;
    public static final int CLOSE = 14;
    public static final int SENDTO = 15;
    public static final int RECVFROM = 16;
    public static final int RESOLVER = 17;
    /** The highest op of this version. */
    public static final int LAST_OP = RESOLVER;

    /** STATUS flags. */
    public static final int ST_LISTENING = 1;
    public static final int ST_CONNECTED = 2;
    public static final int ST_RESET = 4;

    /**
     * CONNECT_FILLED flag (an optional u32 after the filler count): a blocking connect, which
     * asks CONNECT again only if its poll shows more than POLLOUT; on success the endpoint
     * collects the connect's result itself, as that second CONNECT would have.
     */
    public static final int FILLED_SETTLE = 1;

    /** One pending connection on a listening data socket. */
    public static final int ACCEPT_RECORD_LEN = 32;
    /** One interface address in a GETIFADDRS reply. */
    public static final int IFRECORD_LEN = 48;

    /** ioctl requests the endpoint answers (asm-generic/ioctls.h, linux/sockios.h). */
    public static final int FIONREAD = 0x541B;
    public static final int SIOCOUTQ = 0x5411;

    private ShimProtocol() {
    }
}
