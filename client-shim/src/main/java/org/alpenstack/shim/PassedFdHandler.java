package org.alpenstack.shim;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;

/**
 * A pass-fd channel (README: "Process lifecycle"): every fd that arrives is one end of a
 * socketpair the client made, standing for a new connection to the endpoint, which then starts
 * with its own hello (control or data). The channel passed the access policy when it was opened
 * (by a root process, before it chrooted or changed user), so what arrives on it is admitted
 * without asking the policy again.
 */
final class PassedFdHandler extends ChannelInboundHandlerAdapter {
    private final TenantEndpoint endpoint;

    PassedFdHandler(TenantEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FileDescriptor fd) {
            endpoint.admitPassed(fd);
        } else {
            // Bytes where an fd was due: the client broke the protocol.
            ReferenceCountUtil.release(msg);
            endpoint.rejected();
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    static void closeQuietly(FileDescriptor fd) {
        try {
            fd.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
