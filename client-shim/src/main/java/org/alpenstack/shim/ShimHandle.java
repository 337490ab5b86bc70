package org.alpenstack.shim;

import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DuplexChannel;

/**
 * What the endpoint knows of any stack socket a program holds: its token, the control session
 * that created it, and its data socket once attached. {@link ShimSocket} (TCP: bytes flow
 * through the data socket) and {@link ShimDatagram} (UDP and ping: datagrams travel as RPCs,
 * the data socket carries one doorbell byte per queued datagram) fill in the rest.
 */
abstract class ShimHandle {
    final long token;
    /** The control session that created it (null for accepted sockets). */
    final ControlSession creator;
    /** Options Linux accepts that the stack does not model (read back by getsockopt). */
    final UnmodelledOptions options = new UnmodelledOptions();

    ShimHandle(long token, ControlSession creator) {
        this.token = token;
        this.creator = creator;
    }

    /** The stack socket's id in its NetStack (what /connections lists). */
    abstract int stackSocketId();

    /** The control session of the process the socket belongs to (an accepted socket: its listener's). */
    ControlSession owner() {
        return creator;
    }

    abstract boolean isAttached();

    abstract boolean isClosed();

    abstract void attach(DuplexChannel channel);

    /** Bytes the program wrote on its data socket (after the hello). */
    abstract void inbound(ByteBuf b);

    /** The program shut down its sending side or closed its last fd. */
    abstract void clientEof();

    /** The program closed its last fd with bytes unread in it. */
    abstract void clientAborted();

    /** Moves bytes and state; idempotent, called after every event. */
    abstract void update();

    /** Frees everything. */
    abstract void close();
}
