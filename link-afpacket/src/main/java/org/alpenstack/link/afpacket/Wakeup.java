package org.alpenstack.link.afpacket;

import java.nio.ByteBuffer;
import org.alpenstack.link.afpacket.sys.LibC;
import org.alpenstack.link.afpacket.sys.NativeException;
import org.alpenstack.link.afpacket.sys.NativeMemory;

/**
 * An eventfd the RX loop polls beside its socket, so another thread can end a blocking
 * {@code receiveBatch} early (to stop the loop, or before closing the port).
 */
final class Wakeup implements AutoCloseable {
    final int fd;
    private final ByteBuffer one = NativeMemory.allocate(8);
    private final long oneAddress = NativeMemory.address(one);
    private final ByteBuffer sink = NativeMemory.allocate(8);
    private final long sinkAddress = NativeMemory.address(sink);
    private boolean closed;

    Wakeup() {
        fd = NativeException.check(LibC.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC), "eventfd");
        one.putLong(0, 1L);
    }

    /** Safe from any thread. */
    void signal() {
        LibC.write(fd, oneAddress, 8);
    }

    /** Clears a signal (RX thread only). */
    void drain() {
        LibC.read(fd, sinkAddress, 8);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
        }
    }
}
