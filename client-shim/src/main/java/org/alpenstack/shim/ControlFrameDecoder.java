package org.alpenstack.shim;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a control stream into frames. A length that cannot be a frame closes the session: a
 * stream cannot be resynchronised, and guessing would let garbage be read as requests.
 */
final class ControlFrameDecoder extends ByteToMessageDecoder {
    private final ControlSession session;

    ControlFrameDecoder(ControlSession session) {
        this.session = session;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= 4 && ctx.channel().isActive()) {
            long len = in.getUnsignedIntLE(in.readerIndex());
            if (len < ShimProtocol.HEADER_LEN || len > ShimProtocol.HEADER_LEN + ShimProtocol.MAX_PAYLOAD) {
                session.rejectStream();
                in.skipBytes(in.readableBytes());
                ctx.close();
                return;
            }
            if (in.readableBytes() < len) {
                return;
            }
            ByteBuf frame = in.readSlice((int) len);
            session.handle(frame);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        session.ended();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
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
