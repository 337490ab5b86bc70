package org.alpenstack.kernel.tcp;

import org.alpenstack.kernel.socket.InetEndpoint;

/** An immutable view of one connection for listings (netstat, the REST API). */
public record TcpConnectionInfo(InetEndpoint local, InetEndpoint remote, TcpState state, int sendQueue,
                                int receiveQueue) {
    static TcpConnectionInfo of(TcpConnection c) {
        return new TcpConnectionInfo(new InetEndpoint(c.localAddress, c.localPort),
                new InetEndpoint(c.remoteAddress, c.remotePort), c.state,
                c.sendBuffered(), c.readable());
    }
}
