package org.alpenstack.tenant.service;

/**
 * The in-process services and their well-known ports (RFC 862, 863, 864; HTTP on 80; iperf3's
 * default 5201).
 */
public enum Kind {
    ECHO(7, true), DISCARD(9, true), CHARGEN(19, true), HTTP(80, false), IPERF3(5201, false);

    public final int defaultPort;
    /** Served on UDP too (the RFC 862-864 services), besides TCP. */
    public final boolean udp;

    Kind(int defaultPort, boolean udp) {
        this.defaultPort = defaultPort;
        this.udp = udp;
    }
}
