package org.alpenstack.shim;

import io.netty.channel.epoll.EpollDomainSocketChannel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.alpenstack.link.afpacket.sys.LibC;
import org.alpenstack.link.afpacket.sys.NativeMemory;
import org.alpenstack.link.afpacket.sys.PollFd;

/**
 * Finds data sockets whose program closed them after a shutdown(SHUT_WR). The EOF of the
 * half-close was seen long ago and Netty reports no bare EPOLLHUP, so without this the socket
 * would wait for the TCP peer. A unix socket reports POLLHUP once both directions are shut;
 * while the endpoint has not shut its own sending side, that means the program's end is gone.
 * One poll(2) with a zero timeout for all candidates, from a periodic task on the loop.
 */
final class HangupProbe {
    private ByteBuffer fds = NativeMemory.allocate(PollFd.SIZE * 64).order(ByteOrder.nativeOrder());

    /** Returns the sockets whose program end has hung up. */
    List<ShimSocket> hungUp(List<ShimSocket> candidates) {
        int n = candidates.size();
        if (n == 0) {
            return List.of();
        }
        if (fds.capacity() < n * PollFd.SIZE) {
            fds = NativeMemory.allocate(PollFd.SIZE * n * 2).order(ByteOrder.nativeOrder());
        }
        for (int i = 0; i < n; i++) {
            int fd = ((EpollDomainSocketChannel) candidates.get(i).dataChannel()).fd().intValue();
            fds.putInt(i * PollFd.SIZE + PollFd.FD, fd);
            fds.putShort(i * PollFd.SIZE + PollFd.EVENTS, (short) 0); // POLLHUP is always reported
            fds.putShort(i * PollFd.SIZE + PollFd.REVENTS, (short) 0);
        }
        if (LibC.poll(NativeMemory.address(fds), n, 0) <= 0) {
            return List.of();
        }
        List<ShimSocket> gone = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            short revents = fds.getShort(i * PollFd.SIZE + PollFd.REVENTS);
            if ((revents & (PollFd.POLLHUP | PollFd.POLLERR | PollFd.POLLNVAL)) != 0) {
                gone.add(candidates.get(i));
            }
        }
        return gone;
    }
}
