package org.alpenstack.kernel.tcp;

/**
 * The connection states of RFC 9293 section 3.3.2, declared in the order the RFC lists them, so
 * that "has reached at least ESTABLISHED" is an ordinal comparison (FreeBSD's tcp_fsm.h does the
 * same). CLOSED comes last, as in the RFC, where it is "fictional": it is the state of a TCB
 * that no longer exists, so every predicate answers false for it except {@link #isClosed()}.
 */
public enum TcpState {
    /** Waiting for a connection request from any remote TCP (passive open). */
    LISTEN,
    /** A SYN was sent; waiting for a matching SYN (active open). */
    SYN_SENT,
    /** A SYN was both received and sent; waiting for the ACK of our SYN. */
    SYN_RECEIVED,
    /** An open connection: data flows both ways. */
    ESTABLISHED,
    /** We closed (sent FIN); the peer has not yet acknowledged it nor sent its FIN. */
    FIN_WAIT_1,
    /** Our FIN is acknowledged; waiting for the peer's FIN. */
    FIN_WAIT_2,
    /** The peer closed (its FIN arrived); we may still send. */
    CLOSE_WAIT,
    /** Both sent FIN at the same time (simultaneous close); waiting for the ACK of ours. */
    CLOSING,
    /** The peer closed first and then we did; waiting for the ACK of our FIN. */
    LAST_ACK,
    /** Both FINs are acknowledged; waiting 2*MSL so that stray segments die (RFC 9293 3.6). */
    TIME_WAIT,
    /** No connection. */
    CLOSED;

    /**
     * RFC 9293 3.10.7: the "synchronized" states (ESTABLISHED through TIME-WAIT), in which a
     * segment is checked against the receive window and an unacceptable one is answered with an
     * ACK rather than a reset.
     */
    public boolean isSynchronized() {
        return ordinal() >= ESTABLISHED.ordinal() && this != CLOSED;
    }

    /** Our SYN has been acknowledged at some point (same set as {@link #isSynchronized()}). */
    public boolean haveEstablished() {
        return isSynchronized();
    }

    /** A SYN from the peer has been received (every state after SYN-SENT). */
    public boolean haveReceivedSyn() {
        return ordinal() >= SYN_RECEIVED.ordinal() && this != CLOSED;
    }

    /** The application may still queue data to send: no FIN of ours yet (RFC 9293 3.10.2). */
    public boolean canSend() {
        return this == ESTABLISHED || this == CLOSE_WAIT;
    }

    /** Segment text is accepted into the receive buffer (RFC 9293 3.10.7.4, seventh step). */
    public boolean canReceiveData() {
        return this == ESTABLISHED || this == FIN_WAIT_1 || this == FIN_WAIT_2;
    }

    /** We have sent a FIN (the application closed or shut down writing). */
    public boolean haveSentFin() {
        return this == FIN_WAIT_1 || this == FIN_WAIT_2 || this == CLOSING || this == LAST_ACK
                || this == TIME_WAIT;
    }

    /** The peer's FIN has been received: reads return EOF once the buffer is drained. */
    public boolean haveReceivedFin() {
        return this == CLOSE_WAIT || this == CLOSING || this == LAST_ACK || this == TIME_WAIT;
    }

    public boolean isClosed() {
        return this == CLOSED;
    }

    /** The names netstat and /proc/net/tcp users know ("SYN-SENT"), as the RFC spells them. */
    public String rfcName() {
        return name().replace('_', '-');
    }
}
