package org.alpenstack.kernel.socket;

import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.ip.IpOutput;
import org.alpenstack.kernel.stack.StackCounters;

/** What a datagram socket needs from the stack it lives in (the NetStack implements it). */
public interface DatagramHost {
    BufferPool pool();

    PortTable ports();

    IpOutput ip();

    StackCounters counters();

    /** A packet to {@code destination} would be a broadcast (limited, or directed on its route). */
    boolean isBroadcast(int destination);

    /**
     * May a socket bind to {@code address}? Linux allows our own unicast addresses, and broadcast
     * and multicast addresses (inet_bind's RTN_LOCAL / RTN_BROADCAST / RTN_MULTICAST).
     */
    boolean isBindableAddress(int address);

    /** The socket closed: forget it. */
    void socketClosed(StackSocket socket);
}
