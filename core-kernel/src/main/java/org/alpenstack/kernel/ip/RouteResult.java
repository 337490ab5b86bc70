package org.alpenstack.kernel.ip;

import org.alpenstack.kernel.iface.NetInterface;

/**
 * The answer of a route lookup, reused by the caller (no allocation per packet): where a packet
 * to {@code destination} leaves, to which next hop, from which source address, with which MTU.
 */
public final class RouteResult {
    public NetInterface iface;
    /** The neighbour to hand the frame to: the gateway, or the destination itself when on-link. */
    public int nextHop;
    /** Source address chosen by RFC 1122 3.3.4.3 (route's preferred source, else the interface's). */
    public int source;
    /** The MTU of the route (route MTU, else the interface MTU); path MTU is applied by the caller. */
    public int mtu;
    /** Destination is a limited or directed broadcast on the outgoing interface. */
    public boolean broadcast;
    /** Destination is one of our own addresses: the packet loops back inside the stack. */
    public boolean local;
    /** The route used, or null for local delivery. */
    public Route route;

    void clear() {
        iface = null;
        nextHop = 0;
        source = 0;
        mtu = 0;
        broadcast = false;
        local = false;
        route = null;
    }
}
