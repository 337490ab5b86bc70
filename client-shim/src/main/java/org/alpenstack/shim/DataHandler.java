package org.alpenstack.shim;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.unix.Errors;
import io.netty.util.ReferenceCountUtil;

/** Events of one data socket, handed to its {@link ShimSocket}. */
final class DataHandler extends ChannelInboundHandlerAdapter {
    private final TenantEndpoint endpoint;
    private final ShimHandle socket;

    DataHandler(TenantEndpoint endpoint, ShimHandle socket) {
        this.endpoint = endpoint;
        this.socket = socket;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            socket.inbound(b);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        endpoint.update(socket);
        endpoint.touched();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        endpoint.update(socket);
        endpoint.touched();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            socket.clientEof();
            endpoint.update(socket);
            endpoint.touched();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!socket.isClosed()) {
            socket.clientEof();
            endpoint.update(socket);
            socket.close();
            endpoint.touched();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A unix stream reports ECONNRESET to us when the program closed its end with bytes
        // still unread in it (af_unix unix_release_sock): Linux TCP answers that with RST.
        if (cause instanceof Errors.NativeIoException e && e.expectedErr() == Errors.ERRNO_ECONNRESET_NEGATIVE) {
            socket.clientAborted();
            endpoint.touched();
        }
        ctx.close();
    }
}
