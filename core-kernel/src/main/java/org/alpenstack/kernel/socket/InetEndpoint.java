package org.alpenstack.kernel.socket;

import org.alpenstack.kernel.wire.Ipv4Address;

/** An IPv4 socket address: address as an int (network-order bit pattern) and port 0..65535. */
public record InetEndpoint(int address, int port) {
    public static final InetEndpoint ANY = new InetEndpoint(Ipv4Address.ANY, 0);

    public InetEndpoint {
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port " + port + " is not in 0..65535");
        }
    }

    public static InetEndpoint of(String address, int port) {
        return new InetEndpoint(Ipv4Address.parse(address), port);
    }

    @Override
    public String toString() {
        return Ipv4Address.toString(address) + ":" + port;
    }
}
