package org.alpenstack.kernel.socket;

/**
 * Told when a socket's readiness may have changed (data arrived, send space freed, connect done,
 * error, hang-up). Called on the stack's own thread, from inside input or poll; a listener
 * must not call back into the stack re-entrantly, it should note the socket and act after.
 */
@FunctionalInterface
public interface ReadinessListener {
    void readinessChanged(StackSocket socket, int events);
}
