package org.alpenstack.tenant.link;

import java.util.ArrayList;
import java.util.List;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.wire.MacAddress;
import org.alpenstack.link.afpacket.BatchHandler;
import org.alpenstack.link.afpacket.FramePort;
import org.alpenstack.link.afpacket.FrameTransmitter;
import org.alpenstack.link.afpacket.RxStats;
import org.alpenstack.link.afpacket.TxStats;

/** A port with nothing on the wire: it receives nothing and records every frame sent to it. */
final class MemoryPort implements FramePort {
    static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:fe");
    private final List<byte[]> sent = new ArrayList<>();
    private final RxStats rx = new RxStats();
    private boolean closed;
    private volatile boolean superFramesWhole;

    @Override
    public synchronized int receiveBatch(int timeoutMillis, BatchHandler handler) {
        if (!closed) {
            try {
                wait(timeoutMillis < 0 ? 0 : Math.max(1, timeoutMillis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return closed ? -1 : 0;
    }

    @Override
    public synchronized void wakeup() {
        notifyAll();
    }

    @Override
    public FrameTransmitter newTransmitter() {
        TxStats stats = new TxStats();
        return new FrameTransmitter() {
            @Override
            public boolean transmit(PacketBuffer frame) {
                byte[] copy = new byte[frame.length()];
                System.arraycopy(frame.array(), frame.start(), copy, 0, copy.length);
                frame.release();
                synchronized (MemoryPort.this) {
                    sent.add(copy);
                }
                return true;
            }

            @Override
            public int flush() {
                return 0;
            }

            @Override
            public TxStats stats() {
                return stats;
            }
        };
    }

    @Override
    public void setReceiveTcpSuperFrames(boolean whole) {
        superFramesWhole = whole;
    }

    @Override
    public boolean receivesTcpSuperFrames() {
        return superFramesWhole;
    }

    synchronized List<byte[]> sent() {
        return List.copyOf(sent);
    }

    @Override
    public MacAddress mac() {
        return MAC;
    }

    @Override
    public int mtu() {
        return 1500;
    }

    @Override
    public String name() {
        return "mem0";
    }

    @Override
    public RxStats rxStats() {
        return rx;
    }

    @Override
    public synchronized boolean isOpen() {
        return !closed;
    }

    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }
}
