package org.alpenstack.shim;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.tcp.TcpSocket;
import org.alpenstack.kernel.tcp.TcpState;

/**
 * One stack TCP socket as a program sees it: the {@link TcpSocket} in the instance and the
 * AF_UNIX data socket the program holds, with the bytes pumped between them.
 *
 * <p>Everything here runs on the instance's event loop. {@link #update()} is the one place that
 * moves bytes and state; it is idempotent and called after every event (data socket readable or
 * writable or at EOF, TCP readiness changed, an RPC changed the socket), so no event can be lost
 * by arriving in an unexpected order (the data socket may attach before or after any RPC).
 */
final class ShimSocket extends ShimHandle {
    private static final int CHUNK = 64 * 1024;
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(ShimSocket.class.getName());

    final TcpSocket tcp;
    private final TenantEndpoint endpoint;
    /** The listener whose accept record names this socket until the program attaches it. */
    private ShimSocket parent;
    private final List<ShimSocket> unattachedChildren = new ArrayList<>();

    private DuplexChannel data;
    private final ArrayDeque<ByteBuf> inbound = new ArrayDeque<>();

    /** connect() answered EINPROGRESS and the filler has not been drained yet. */
    private boolean connectPending;
    private long fillerRemaining = -1;
    /** A blocking connect: collect the result here on success (ShimProtocol.FILLED_SETTLE). */
    private boolean settleConnect;
    /** Bytes may flow: connected by us, or accepted. */
    private boolean established;
    private boolean shutWrRequested;
    private boolean clientEof;
    private boolean finForwarded;
    private boolean outputShut;
    private boolean tcpWriteDead;
    private boolean reset;
    private int eofErrno;
    private boolean closed;
    /** Bytes handed to TCP (from the program) and to the program (from TCP). */
    private long bytesToTcp;
    private long bytesToProgram;
    /** listen() succeeded once: the data socket carries accept records from now on. */
    private boolean listening;

    /** The listener's owner is the owner of what it accepted (creator is null for those). */
    private ControlSession listenerOwner;

    @Override
    int stackSocketId() {
        return tcp.id();
    }

    @Override
    ControlSession owner() {
        return creator != null ? creator : listenerOwner;
    }

    ShimSocket(TenantEndpoint endpoint, long token, TcpSocket tcp, ControlSession creator, ShimSocket parent) {
        super(token, creator);
        this.endpoint = endpoint;
        this.tcp = tcp;
        this.parent = parent;
        this.listenerOwner = parent == null ? null : parent.owner();
        if (parent != null) {
            established = true;
            parent.unattachedChildren.add(this);
        }
    }

    @Override
    boolean isAttached() {
        return data != null;
    }

    @Override
    boolean isClosed() {
        return closed;
    }

    // ---- events ----

    @Override
    void attach(DuplexChannel channel) {
        data = channel;
        if (parent != null) {
            parent.unattachedChildren.remove(this);
            parent = null;
        }
        update();
    }

    @Override
    void inbound(ByteBuf b) {
        if (closed) {
            b.release();
            return;
        }
        inbound.add(b);
    }

    void listening() {
        listening = true;
    }

    @Override
    void clientEof() {
        clientEof = true;
    }

    // ---- RPCs ----

    int connect(InetEndpoint remote) {
        int r = tcp.connect(remote);
        if (r == -Errno.EINPROGRESS) {
            connectPending = true;
            fillerRemaining = -1;
        }
        return r;
    }

    int connectFilled(long bytes, boolean settle) {
        if (!connectPending || bytes < 0) {
            return -Errno.EINVAL;
        }
        fillerRemaining = bytes;
        settleConnect = settle;
        return 0;
    }

    /** shutdown(2). SHUT_WR waits for EOF on the data socket, so FIN follows the last byte. */
    int shutdown(int how) {
        if (how < TcpSocket.SHUT_RD || how > TcpSocket.SHUT_RDWR) {
            return -Errno.EINVAL;
        }
        if (tcp.isListening() || how == TcpSocket.SHUT_RD || !tcp.state().isSynchronized()) {
            return tcp.shutdown(how);
        }
        shutWrRequested = true;
        return how == TcpSocket.SHUT_RDWR ? tcp.shutdown(TcpSocket.SHUT_RD) : 0;
    }

    int statusFlags() {
        int f = 0;
        if (listening) {
            f |= ShimProtocol.ST_LISTENING;
        }
        if (tcp.state().isSynchronized()) {
            f |= ShimProtocol.ST_CONNECTED;
        }
        if (reset) {
            f |= ShimProtocol.ST_RESET;
        }
        return f;
    }

    /** The error a read at EOF reports instead of 0 (ECONNRESET ...), once, like sk_err. */
    int takeEofErrno() {
        int e = eofErrno;
        eofErrno = 0;
        return e;
    }

    // ---- the pump ----

    @Override
    void update() {
        if (closed) {
            return;
        }
        if (listening) {
            if (data != null) {
                acceptPending();
                data.config().setAutoRead(true); // to see EOF (the program closed the listener)
                dropInbound();
                if (clientEof) {
                    close();
                }
            }
            return;
        }
        if (data == null) {
            return;
        }
        if (connectPending && !finishConnect()) {
            return;
        }
        if (!established) {
            // Not connected (yet): bytes written now wait, as the kernel would refuse them.
            data.config().setAutoRead(false);
            if (clientEof) {
                close();
            }
            return;
        }
        pumpOut();
        if (closed) {
            return;
        }
        pumpIn();
        if (closed) {
            return;
        }
        if (clientEof && inbound.isEmpty() && !finForwarded) {
            finForwarded = true;
            if (!shutWrRequested) {
                close(); // the last fd is gone: close(2) semantics, RST on unread data or linger 0
                return;
            }
            tcp.shutdown(TcpSocket.SHUT_WR);
        }
        if (finForwarded && outputShut) {
            close();
        }
    }

    /** Drains the filler once the handshake is over; true when bytes may flow. */
    private boolean finishConnect() {
        TcpState st = tcp.state();
        if (st == TcpState.SYN_SENT || st == TcpState.SYN_RECEIVED || fillerRemaining < 0) {
            data.config().setAutoRead(false);
            return false;
        }
        if (st.isClosed()) {
            // Failed: EOF goes to the program before the filler is read, so it never sees POLLOUT
            // without EOF for a failed connect (a blocking connect takes that for success).
            shutOutput();
        }
        while (fillerRemaining > 0 && !inbound.isEmpty()) {
            ByteBuf b = inbound.peek();
            int n = (int) Math.min(b.readableBytes(), fillerRemaining);
            b.skipBytes(n);
            fillerRemaining -= n;
            if (!b.isReadable()) {
                inbound.poll().release();
            }
        }
        if (fillerRemaining > 0) {
            data.config().setAutoRead(true);
            return false;
        }
        connectPending = false;
        if (st.isClosed()) {
            // Refused, timed out, unreachable: SO_ERROR and connect() tell why; the program's
            // poll sees POLLOUT (filler drained) and EOF.
            tcpWriteDead = true;
            dropInbound();
            shutOutput();
            established = true;
        } else {
            established = true;
            if (settleConnect) {
                // The program's blocking connect returns 0 without asking again: collect the
                // result as its second CONNECT would have, so a later connect() says EISCONN.
                tcp.connect(tcp.remoteEndpoint());
            }
        }
        return true;
    }

    /** TCP to the program, while the data socket takes more (Netty's high-water mark). */
    private void pumpOut() {
        if (outputShut) {
            return;
        }
        boolean wrote = false;
        byte[] scratch = endpoint.scratch();
        while (data.isWritable()) {
            int n = tcp.read(scratch, 0, CHUNK);
            if (n > 0) {
                ByteBuf b = data.alloc().directBuffer(n);
                b.writeBytes(scratch, 0, n);
                bytesToProgram += n;
                data.write(b, data.voidPromise());
                wrote = true;
                continue;
            }
            if (n == -Errno.EAGAIN) {
                break;
            }
            if (n < 0 && n != -Errno.ENOTCONN) {
                connectionLost(-n);
                return;
            }
            shutOutput();
            return;
        }
        if (wrote) {
            data.flush();
        }
    }

    /** The program to TCP, while TCP's send buffer takes more; reading stops otherwise. */
    private void pumpIn() {
        byte[] scratch = endpoint.scratch();
        while (!inbound.isEmpty()) {
            ByteBuf b = inbound.peek();
            if (tcpWriteDead) {
                dropInbound();
                break;
            }
            int len = Math.min(b.readableBytes(), CHUNK);
            b.getBytes(b.readerIndex(), scratch, 0, len);
            int n = tcp.write(scratch, 0, len);
            if (n > 0) {
                bytesToTcp += n;
                b.skipBytes(n);
                if (!b.isReadable()) {
                    inbound.poll().release();
                }
                continue;
            }
            if (n == -Errno.EAGAIN) {
                break;
            }
            // EPIPE after our own FIN: later bytes vanish. ECONNRESET and the like: the connection is gone.
            tcpWriteDead = true;
            if (n != -Errno.EPIPE) {
                connectionLost(-n);
                return;
            }
            dropInbound();
        }
        data.config().setAutoRead(inbound.isEmpty() && !clientEof);
    }

    /**
     * The connection was reset or timed out. The data socket is closed once what was received
     * before has gone out, so the program sees the kernel's own hang-up: POLLHUP, EOF on read,
     * EPIPE on write; a wrapped read at that EOF asks STATUS and gets the error from a tombstone.
     */
    private void connectionLost(int errno) {
        reset = true;
        eofErrno = errno;
        tcpWriteDead = true;
        endpoint.tombstone(token, errno);
        close();
    }

    /** FIN towards the program, after everything written so far (Netty fails unflushed writes). */
    private void shutOutput() {
        if (outputShut) {
            return;
        }
        outputShut = true;
        DuplexChannel ch = data;
        ch.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
            if (ch.isActive()) {
                ch.shutdownOutput();
            }
        });
    }

    private void acceptPending() {
        boolean wrote = false;
        while (data.isWritable()) {
            TcpSocket child = tcp.accept();
            if (child == null) {
                break;
            }
            ShimSocket s = endpoint.register(child, null, this);
            InetEndpoint peer = child.remoteEndpoint();
            ByteBuf rec = data.alloc().buffer(ShimProtocol.ACCEPT_RECORD_LEN);
            rec.writeLongLE(s.token);
            rec.writeShortLE(2);
            rec.writeShort(peer == null ? 0 : peer.port());
            rec.writeIntLE(0);
            rec.writeInt(peer == null ? 0 : peer.address());
            rec.writeZero(12);
            data.write(rec, data.voidPromise());
            wrote = true;
        }
        if (wrote) {
            data.flush();
        }
        if (!tcp.isListening()) {
            shutOutput(); // shut down: accept() then reads EOF and fails with EINVAL
        }
    }

    private void dropInbound() {
        ByteBuf b;
        while ((b = inbound.poll()) != null) {
            b.release();
        }
    }

    /** Frees everything: the stack socket, the data socket, accepted sockets nobody took. */
    @Override
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (LOG.isLoggable(java.util.logging.Level.FINE)) {
            LOG.fine("closing " + this);
        }
        dropInbound();
        tcp.close();
        if (data != null) {
            // Bytes still queued towards the program go first: closing at once would discard
            // them (found by bulk.c under load: the tail of a transfer vanished before EOF).
            data.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        if (parent != null) {
            parent.unattachedChildren.remove(this);
        }
        for (ShimSocket child : new ArrayList<>(unattachedChildren)) {
            child.parent = null;
            child.close();
        }
        unattachedChildren.clear();
        endpoint.forget(this);
    }

    /** The program closed its last fd with bytes unread (the kernel tells us with ECONNRESET). */
    @Override
    void clientAborted() {
        if (closed) {
            return;
        }
        tcp.setLinger(true, 0); // Linux tcp_close: unread data means RST (RFC 2525 2.17)
        close();
    }

    @Override
    public String toString() {
        return String.format("%016x tcp=%s/%s avail=%d unacked=%d ready=%s attached=%b writable=%b autoRead=%b"
                        + " inbound=%d connectPending=%b filler=%d established=%b shutWr=%b clientEof=%b fin=%b"
                        + " outShut=%b writeDead=%b reset=%b toTcp=%d toProgram=%d",
                token, tcp.state(), tcp.isListening() ? "L" : "-", tcp.available(), tcp.unacknowledged(),
                org.alpenstack.kernel.socket.Readiness.toString(tcp.readiness()), data != null,
                data != null && data.isWritable(), data != null && data.config().isAutoRead(),
                inbound.stream().mapToInt(ByteBuf::readableBytes).sum(), connectPending, fillerRemaining,
                established, shutWrRequested, clientEof, finForwarded, outputShut, tcpWriteDead, reset, bytesToTcp, bytesToProgram);
    }

    /** The program shut down its sending side; has it closed the fd since? (see HangupProbe) */
    boolean awaitingFullClose() {
        return !closed && data != null && data.isActive() && clientEof && shutWrRequested && !outputShut;
    }

    Channel dataChannel() {
        return data;
    }
}
