package org.alpenstack.link.afpacket;

import java.nio.ByteBuffer;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.link.afpacket.sys.LibC;
import org.alpenstack.link.afpacket.sys.NativeException;
import org.alpenstack.link.afpacket.sys.NativeMemory;
import org.alpenstack.link.afpacket.sys.PollFd;

/** poll(2) on a data fd and a {@link Wakeup}, with the pollfd array built once. RX thread only. */
final class Poller {
    static final int READABLE = 1;
    static final int WOKEN = 2;
    static final int ERROR = 4;

    private final ByteBuffer fds = NativeMemory.allocate(2 * PollFd.SIZE);
    private final long fdsAddress = NativeMemory.address(fds);
    private final String what;

    Poller(int dataFd, int wakeupFd, String what) {
        this.what = what;
        fds.putInt(PollFd.FD, dataFd);
        fds.putShort(PollFd.EVENTS, PollFd.POLLIN);
        fds.putInt(PollFd.SIZE + PollFd.FD, wakeupFd);
        fds.putShort(PollFd.SIZE + PollFd.EVENTS, PollFd.POLLIN);
    }

    /** Waits up to {@code timeoutMillis} (0: do not wait, negative: forever); returns READABLE | WOKEN | ERROR bits. */
    int await(int timeoutMillis) {
        fds.putShort(PollFd.REVENTS, (short) 0);
        fds.putShort(PollFd.SIZE + PollFd.REVENTS, (short) 0);
        int n = LibC.poll(fdsAddress, 2, timeoutMillis);
        if (n == -1) {
            int e = LibC.errno();
            if (e == Errno.EINTR) {
                return 0;
            }
            throw new NativeException("poll(" + what + ")", e, null);
        }
        if (n == 0) {
            return 0;
        }
        int r = 0;
        short data = fds.getShort(PollFd.REVENTS);
        if ((data & PollFd.POLLIN) != 0) {
            r |= READABLE;
        }
        if ((data & (PollFd.POLLERR | PollFd.POLLHUP | PollFd.POLLNVAL)) != 0) {
            r |= ERROR;
        }
        if ((fds.getShort(PollFd.SIZE + PollFd.REVENTS) & PollFd.POLLIN) != 0) {
            r |= WOKEN;
        }
        return r;
    }
}
