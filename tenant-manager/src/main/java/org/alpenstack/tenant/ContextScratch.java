package org.alpenstack.tenant;

/**
 * A scratch buffer for code on an instance's context: one 64 KiB array per thread, shared by
 * the in-process services and the shim endpoint of every instance that runs on it. A user
 * copies bytes through it and is done with them before its callback returns (echo writes them
 * back at once and copies only what the send buffer refused; discard drops them; UDP answers
 * in the same call; the shim endpoint moves them between a TCP socket and a Netty buffer), and
 * an instance's callbacks run on its context's one event-loop thread, none of them calling
 * another user synchronously, so no two uses ever overlap. A server with a thousand instances
 * then holds one buffer per event loop instead of several per instance (64 MiB for the UDP
 * discard services alone, as much again for the shim endpoints).
 */
public final class ContextScratch {
    /** Room for the largest UDP payload (65,507 bytes) and for a generous TCP read. */
    public static final int SIZE = 64 * 1024;

    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[SIZE]);

    private ContextScratch() {
    }

    /** This thread's buffer; its contents do not survive the caller's callback. */
    public static byte[] get() {
        return BUFFER.get();
    }
}
