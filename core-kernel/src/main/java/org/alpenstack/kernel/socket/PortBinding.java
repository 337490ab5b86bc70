package org.alpenstack.kernel.socket;

import org.alpenstack.kernel.wire.Ipv4Address;

/**
 * A socket's entry in the {@link PortTable}: its local (and, once connected, remote) address
 * and port, and the sharing options that decide whether another socket may use the same port.
 * One per socket, owned by it; the table only links it in.
 */
public final class PortBinding {
    public final int protocol;
    /** The socket this binding belongs to (a UdpSocket, a TCP connection ...). */
    public final Object owner;
    public int localAddress;
    public int localPort;
    public int remoteAddress;
    public int remotePort;
    /** SO_REUSEADDR. */
    public boolean reuseAddress;
    /** SO_REUSEPORT. */
    public boolean reusePort;
    /** A listening TCP socket: SO_REUSEADDR of others does not let them share its port. */
    public boolean listening;
    /** The port was picked at connect time for this 4-tuple (may be shared by other such connections). */
    boolean connectAllocated;
    boolean inTable;

    public PortBinding(int protocol, Object owner) {
        this.protocol = protocol;
        this.owner = owner;
    }

    public boolean isBound() {
        return inTable;
    }

    @Override
    public String toString() {
        return Ipv4Address.toString(localAddress) + ":" + localPort
                + (remoteAddress != 0 || remotePort != 0 ? " -> " + Ipv4Address.toString(remoteAddress) + ":" + remotePort : "");
    }
}
