package org.alpenstack.tenant.link;

/**
 * Sees every frame crossing an instance's {@link NicAttachment}, in both directions, as an
 * AF_PACKET socket on a Linux interface does (tcpdump -i): inbound frames before the
 * instance's fault injector and stack, outbound frames after them, hairpin frames included.
 * Called on the instance's context; the bytes are lent for the duration of the call only.
 */
@FunctionalInterface
public interface FrameTap {
    void frame(boolean outbound, byte[] array, int offset, int length);
}
