package org.alpenstack.tenant.service;

/**
 * A service to run on an instance: "echo", "discard", "chargen" (UDP and TCP, RFC 862-864),
 * "http" or "iperf3" (TCP), each on its well-known port unless written "name:port".
 */
public record ServiceSpec(Kind kind, int port) {
    public ServiceSpec {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, not " + port);
        }
    }

    /** Parses "echo", "http:8080" ...; IllegalArgumentException says what is wrong. */
    public static ServiceSpec parse(String s) {
        int colon = s.indexOf(':');
        String name = colon < 0 ? s : s.substring(0, colon);
        Kind kind;
        try {
            kind = Kind.valueOf(name.trim().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown service '" + name + "' (known: echo, discard, chargen, http, iperf3)");
        }
        int port = kind.defaultPort;
        if (colon >= 0) {
            try {
                port = Integer.parseInt(s.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("port of service '" + s + "' is not a number");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port of service '" + s + "' must be 1..65535");
            }
        }
        return new ServiceSpec(kind, port);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase() + (port == kind.defaultPort ? "" : ":" + port);
    }
}
