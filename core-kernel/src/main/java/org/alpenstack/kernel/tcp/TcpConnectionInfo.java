package org.alpenstack.kernel.tcp;

import org.alpenstack.kernel.socket.InetEndpoint;

/**
 * An immutable view of one connection for listings (netstat / ss -ti, the REST API): safe to
 * hand to another thread.
 *
 * @param socketId the id of the socket holding the connection, or -1 for an orphan (closed
 *                 socket finishing FIN-WAIT/TIME-WAIT, or a connection not yet accepted)
 */
public record TcpConnectionInfo(InetEndpoint local, InetEndpoint remote, TcpState state, int sendQueue,
                                int receiveQueue, int socketId, TcpInfo info) {
    static TcpConnectionInfo of(TcpConnection c) {
        return new TcpConnectionInfo(new InetEndpoint(c.localAddress, c.localPort),
                new InetEndpoint(c.remoteAddress, c.remotePort), c.state,
                c.sendBuffered(), c.readable(), c.socket == null ? -1 : c.socket.id(), TcpInfos.snapshot(c));
    }
}
