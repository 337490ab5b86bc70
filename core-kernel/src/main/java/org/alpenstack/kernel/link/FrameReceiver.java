package org.alpenstack.kernel.link;

import org.alpenstack.kernel.buf.PacketBuffer;

/** What a {@link Link} delivers received frames to (normally an interface of a NetStack). */
@FunctionalInterface
public interface FrameReceiver {
    /**
     * One received frame. The frame is lent for the duration of the call only: the receiver
     * copies whatever it keeps and never releases it; the link does that afterwards.
     */
    void receive(PacketBuffer frame);
}
