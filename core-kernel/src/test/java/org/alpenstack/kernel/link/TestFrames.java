package org.alpenstack.kernel.link;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.wire.Bytes;

/** Hand-made Ethernet frames and a receiver that keeps copies, for link tests. */
final class TestFrames {
    static final long BROADCAST = 0xffff_ffff_ffffL;
    static final int ETHERTYPE_TEST = 0x88b5; // IEEE 802 "local experimental" EtherType

    private TestFrames() {
    }

    /** An Ethernet II frame from {@code src} to {@code dst} whose payload is a 4-byte id plus filler up to {@code payloadLen}. */
    static PacketBuffer frame(BufferPool pool, long dst, long src, int id, int payloadLen) {
        PacketBuffer b = pool.acquire(14 + payloadLen);
        int at = b.append(14 + payloadLen);
        byte[] a = b.array();
        Bytes.u48(a, at, dst);
        Bytes.u48(a, at + 6, src);
        Bytes.u16(a, at + 12, ETHERTYPE_TEST);
        Bytes.u32(a, at + 14, id);
        for (int i = 4; i < payloadLen; i++) {
            a[at + 14 + i] = (byte) (id + i);
        }
        return b;
    }

    static PacketBuffer frame(BufferPool pool, long dst, long src, int id) {
        return frame(pool, dst, src, id, 46);
    }

    static int id(byte[] frame) {
        return Bytes.u32(frame, 14);
    }

    /** Keeps a copy of every frame it is lent. */
    static final class Recorder implements FrameReceiver {
        final List<byte[]> frames = new ArrayList<>();

        @Override
        public void receive(PacketBuffer frame) {
            frames.add(Arrays.copyOfRange(frame.array(), frame.start(), frame.end()));
        }

        List<Integer> ids() {
            List<Integer> ids = new ArrayList<>();
            for (byte[] f : frames) {
                ids.add(id(f));
            }
            return ids;
        }
    }
}
