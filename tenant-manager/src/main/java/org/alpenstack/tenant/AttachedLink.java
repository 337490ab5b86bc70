package org.alpenstack.tenant;

import org.alpenstack.kernel.link.Link;

/**
 * A link an instance's interface sits on, seen from the instance: besides the {@link Link}
 * contract it buffers output until the instance finishes a unit of work, and leaves its NIC
 * when the instance stops. Both calls run on the instance's context.
 */
public interface AttachedLink extends Link {
    /** Sends what {@link #transmit} queued during the current unit of work (one system call per batch). */
    void flushOutput();

    /** Leaves the NIC: no more frames are delivered, the MAC or addresses are released. */
    void detach();
}
