package org.alpenstack.kernel.link;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.wire.Bytes;

/**
 * Writes frames in the classic libpcap file format (pcap-savefile(5); draft-ietf-opsawg-pcap):
 * a 24-byte global header, then a 16-byte record header before each frame. Microsecond
 * timestamps, LINKTYPE_ETHERNET, snapshot length 65535. Written big-endian; readers detect the
 * byte order from the magic number.
 *
 * <p>core-kernel opens no files: the caller supplies the stream (a file, a socket, a buffer for
 * a capture download) and closes it. An I/O failure is the caller's problem and surfaces as an
 * {@link UncheckedIOException}.
 */
public final class PcapWriter {
    static final int MAGIC_MICROSECONDS = 0xa1b2_c3d4;
    static final int VERSION_MAJOR = 2;
    static final int VERSION_MINOR = 4;
    public static final int SNAPLEN = 65535;
    /** LINKTYPE_ETHERNET in the tcpdump.org link-layer header type registry. */
    public static final int LINKTYPE_ETHERNET = 1;

    private final OutputStream out;
    private final byte[] record = new byte[16];
    private long frames;

    /** Writes the global header at once. */
    public PcapWriter(OutputStream out) {
        this.out = out;
        byte[] h = new byte[24];
        Bytes.u32(h, 0, MAGIC_MICROSECONDS);
        Bytes.u16(h, 4, VERSION_MAJOR);
        Bytes.u16(h, 6, VERSION_MINOR);
        Bytes.u32(h, 8, 0); // thiszone: timestamps are UTC
        Bytes.u32(h, 12, 0); // sigfigs: always 0
        Bytes.u32(h, 16, SNAPLEN);
        Bytes.u32(h, 20, LINKTYPE_ETHERNET);
        try {
            out.write(h);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records {@code a[off, off+len)} as captured at {@code nanos}; frames longer than the snaplen are cut. */
    public void write(long nanos, byte[] a, int off, int len) {
        int captured = Math.min(len, SNAPLEN);
        Bytes.u32(record, 0, (int) Math.floorDiv(nanos, 1_000_000_000L));
        Bytes.u32(record, 4, (int) (Math.floorMod(nanos, 1_000_000_000L) / 1000));
        Bytes.u32(record, 8, captured);
        Bytes.u32(record, 12, len);
        try {
            out.write(record);
            out.write(a, off, captured);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        frames++;
    }

    public void write(long nanos, PacketBuffer frame) {
        write(nanos, frame.array(), frame.start(), frame.length());
    }

    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Frames written so far. */
    public long frames() {
        return frames;
    }
}
