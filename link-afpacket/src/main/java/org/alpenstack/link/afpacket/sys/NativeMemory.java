package org.alpenstack.link.afpacket.sys;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Native memory as ByteBuffers in the host's byte order, and their addresses for {@link LibC}.
 * C structs are read and written through these buffers with the offset constants of the struct
 * classes in this package (one absolute get/put per field, no native call per field).
 */
public final class NativeMemory {
    private NativeMemory() {
    }

    /** Zeroed native memory, freed by the garbage collector with the buffer. */
    public static ByteBuffer allocate(int size) {
        return ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
    }

    /** The address of a direct buffer's first byte. */
    public static long address(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
    }

    /** A buffer over memory we did not allocate (an mmap'ed ring); valid until it is unmapped. */
    public static ByteBuffer view(long address, long size) {
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("mapping of " + size + " bytes is larger than a ByteBuffer");
        }
        return new Pointer(address).getByteBuffer(0, size).order(ByteOrder.nativeOrder());
    }

    /** Writes a NUL-terminated name (an interface name) of at most {@code max - 1} bytes. */
    public static void putCString(ByteBuffer b, int offset, String s, int max) {
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (bytes.length >= max) {
            throw new IllegalArgumentException("name '" + s + "' is longer than " + (max - 1) + " bytes");
        }
        for (int i = 0; i < max; i++) {
            b.put(offset + i, i < bytes.length ? bytes[i] : 0);
        }
    }

    public static String getCString(ByteBuffer b, int offset, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < max; i++) {
            byte c = b.get(offset + i);
            if (c == 0) {
                break;
            }
            sb.append((char) (c & 0xff));
        }
        return sb.toString();
    }
}
