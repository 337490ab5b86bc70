package org.alpenstack.shim;

import io.netty.buffer.ByteBuf;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.socket.SocketOptions;

/**
 * Linux {@code struct sockaddr_in} (16 bytes: family in host order, port and address in network
 * order) as it travels in RPC payloads, and Linux's checks on it (inet_bind, inet_stream_connect).
 */
public final class SockAddr {
    public static final int SOCKADDR_IN_LEN = 16;

    private SockAddr() {
    }

    /** The family of a sockaddr payload, or -1 when it is shorter than the family field. */
    public static int family(ByteBuf b, int off, int len) {
        return len < 2 ? -1 : b.getUnsignedShortLE(off);
    }

    /**
     * Decodes an AF_INET sockaddr. Returns null and sets {@code err[0]} to -EINVAL (too short, as
     * Linux for addrlen &lt; sizeof(sockaddr_in)) or -EAFNOSUPPORT (another family).
     */
    public static InetEndpoint decode(ByteBuf b, int off, int len, int[] err) {
        if (len < SOCKADDR_IN_LEN) {
            err[0] = -Errno.EINVAL;
            return null;
        }
        if (b.getUnsignedShortLE(off) != SocketOptions.AF_INET) {
            err[0] = -Errno.EAFNOSUPPORT;
            return null;
        }
        int port = b.getUnsignedShort(off + 2);
        int address = b.getInt(off + 4);
        return new InetEndpoint(address, port);
    }

    public static void encode(ByteBuf out, InetEndpoint e) {
        out.writeShortLE(SocketOptions.AF_INET);
        out.writeShort(e.port());
        out.writeInt(e.address());
        out.writeZero(8);
    }
}
