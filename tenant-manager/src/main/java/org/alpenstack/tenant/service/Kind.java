package org.alpenstack.tenant.service;

/** The in-process services and their well-known ports (RFC 862, 863, 864; HTTP on 80). */
public enum Kind {
    ECHO(7), DISCARD(9), CHARGEN(19), HTTP(80);

    public final int defaultPort;

    Kind(int defaultPort) {
        this.defaultPort = defaultPort;
    }
}
