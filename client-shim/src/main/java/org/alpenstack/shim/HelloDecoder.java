package org.alpenstack.shim;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.PeerCredentials;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.alpenstack.kernel.socket.Errno;

/**
 * The first 16 bytes of every connection say what it is: a process's control socket, or the
 * data socket of a stack socket (by token). Bytes after the hello go on to the next handler.
 */
final class HelloDecoder extends ByteToMessageDecoder {
    private final TenantEndpoint endpoint;
    private final PeerCredentials cred;
    private final boolean allowed;

    HelloDecoder(TenantEndpoint endpoint, PeerCredentials cred, boolean allowed) {
        this.endpoint = endpoint;
        this.cred = cred;
        this.allowed = allowed;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < ShimProtocol.HELLO_LEN) {
            return;
        }
        int magic = in.readIntLE();
        int version = in.readUnsignedShortLE();
        int kind = in.readUnsignedShortLE();
        long value = in.readLongLE();
        if (magic != ShimProtocol.MAGIC) {
            endpoint.rejected();
            ctx.close();
            return;
        }
        if (kind == ShimProtocol.KIND_CONTROL || kind == ShimProtocol.KIND_PASSFD) {
            int status = version != ShimProtocol.VERSION ? Errno.EPROTO : allowed ? 0 : Errno.EACCES;
            if (status != 0) {
                endpoint.rejected();
            }
            ByteBuf reply = ctx.alloc().buffer(ShimProtocol.HELLO_LEN);
            reply.writeIntLE(ShimProtocol.MAGIC);
            reply.writeShortLE(ShimProtocol.VERSION);
            reply.writeShortLE(status);
            reply.writeLongLE(endpoint.stack().interfaces().size());
            if (status != 0) {
                ctx.writeAndFlush(reply);
                ctx.close();
                return;
            }
            if (kind == ShimProtocol.KIND_PASSFD) {
                // Before the reply leaves: the client sends nothing until it has read it, so no
                // byte of an fd message can have been read in the wrong mode.
                ((io.netty.channel.epoll.EpollDomainSocketChannel) ctx.channel()).config()
                        .setReadMode(io.netty.channel.unix.DomainSocketReadMode.FILE_DESCRIPTORS);
                ctx.pipeline().addLast(new PassedFdHandler(endpoint));
                endpoint.passChannelOpened(ctx.channel());
                ctx.pipeline().remove(this);
                ctx.channel().writeAndFlush(reply);
                return;
            }
            ctx.writeAndFlush(reply);
            ControlSession session = new ControlSession(endpoint, ctx.channel(), cred, value);
            endpoint.sessionStarted(session);
            ctx.pipeline().addLast(new ControlFrameDecoder(session));
            ctx.pipeline().remove(this);
            return;
        }
        ShimHandle s = kind == ShimProtocol.KIND_DATA && version == ShimProtocol.VERSION && allowed
                ? endpoint.attachable(value) : null;
        if (s == null) {
            endpoint.rejected();
            ctx.close();
            return;
        }
        ctx.channel().config().setAutoRead(false);
        ctx.pipeline().addLast(new DataHandler(endpoint, s));
        ctx.pipeline().remove(this); // forwards the bytes after the hello to DataHandler
        s.attach((DuplexChannel) ctx.channel());
        endpoint.update(s);
        endpoint.touched();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        // Child channels allow half-closure (data sockets need it); a control socket or a
        // connection still in its hello is over when the client stops sending.
        if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }
}
