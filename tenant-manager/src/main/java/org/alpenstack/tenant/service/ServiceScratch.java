package org.alpenstack.tenant.service;

/**
 * The read buffer of the in-process services: one 64 KiB array per thread, shared by every
 * service of every instance that runs on it. A service reads into it and is done with the
 * bytes before its callback returns (echo writes them back at once and copies only what the
 * send buffer refused; discard drops them; UDP answers in the same call), and an instance's
 * callbacks run on its context's one event-loop thread, so no two users ever overlap. A server
 * with a thousand instances then holds one buffer per event loop instead of one per service
 * and instance (64 MiB for the UDP discard services alone).
 */
final class ServiceScratch {
    /** Room for the largest UDP payload (65,507 bytes) and for a generous TCP read. */
    static final int SIZE = 64 * 1024;

    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[SIZE]);

    private ServiceScratch() {
    }

    /** This thread's buffer; its contents do not survive the caller's callback. */
    static byte[] get() {
        return BUFFER.get();
    }
}
