package org.alpenstack.kernel.socket;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.alpenstack.kernel.ip.IntMap;

/**
 * Which ports are in use, per IP protocol, shared by every transport of a stack (UDP, TCP, ICMP
 * echo ids of ping sockets). Decides bind conflicts with Linux's rules and hands out ephemeral
 * ports from Linux's default range (net.ipv4.ip_local_port_range = 32768..60999).
 *
 * <p>Sharing rules (Linux udp_lib_lport_inuse / inet_csk_bind_conflict): two bindings of the
 * same port conflict when their local addresses overlap (equal, or either is INADDR_ANY),
 * unless both set SO_REUSEADDR and the existing one is not listening, or both set SO_REUSEPORT.
 * (Linux also requires the same owning uid for SO_REUSEPORT; all sockets of a stack count as
 * one user here.)
 */
public final class PortTable {
    public static final int DEFAULT_EPHEMERAL_LOW = 32768;
    public static final int DEFAULT_EPHEMERAL_HIGH = 60999;

    /**
     * Per protocol number, port to bindings. A hash map rather than a 65536-entry array per
     * protocol: an instance binds a handful of ports, and a server hosts hundreds of instances
     * (three such arrays cost 0.75 MiB per instance).
     */
    @SuppressWarnings("unchecked")
    private final IntMap<ArrayList<PortBinding>>[] byProtocol = new IntMap[256];
    private final SplittableRandom random;
    private int ephemeralLow = DEFAULT_EPHEMERAL_LOW;
    private int ephemeralHigh = DEFAULT_EPHEMERAL_HIGH;

    public PortTable(long seed) {
        this.random = new SplittableRandom(seed);
    }

    public void setEphemeralRange(int low, int high) {
        if (low < 1 || high > 65535 || low > high) {
            throw new IllegalArgumentException("bad ephemeral range " + low + ".." + high);
        }
        ephemeralLow = low;
        ephemeralHigh = high;
    }

    public int ephemeralLow() {
        return ephemeralLow;
    }

    public int ephemeralHigh() {
        return ephemeralHigh;
    }

    /** The bindings of {@code port} for {@code protocol} (never null; do not modify). */
    public List<PortBinding> bindings(int protocol, int port) {
        IntMap<ArrayList<PortBinding>> t = byProtocol[protocol & 0xff];
        ArrayList<PortBinding> l = t == null ? null : t.get(port);
        return l == null ? Collections.emptyList() : l;
    }

    /**
     * Binds {@code b} to {@code localAddress:port}; port 0 picks a free ephemeral port.
     * Returns the port, or -EADDRINUSE (no free port: EADDRINUSE too, as Linux), -EINVAL if
     * {@code b} is already bound.
     */
    public int bind(PortBinding b, int localAddress, int port) {
        if (b.inTable) {
            return -Errno.EINVAL;
        }
        if (port < 0 || port > 65535) {
            return -Errno.EINVAL;
        }
        if (port == 0) {
            int range = ephemeralHigh - ephemeralLow + 1;
            int start = random.nextInt(range);
            for (int i = 0; i < range; i++) {
                int p = ephemeralLow + (start + i) % range;
                if (!conflicts(b, localAddress, p)) {
                    port = p;
                    break;
                }
            }
            if (port == 0) {
                return -Errno.EADDRINUSE;
            }
        } else if (conflicts(b, localAddress, port)) {
            return -Errno.EADDRINUSE;
        }
        b.localAddress = localAddress;
        b.localPort = port;
        link(b);
        return port;
    }

    /**
     * A port for a connection from {@code localAddress} to {@code remote}, picked at connect
     * time (Linux __inet_hash_connect): a port may be shared by several connections as long as
     * their 4-tuples differ and nobody bound it explicitly. Links {@code b} in with the remote
     * end set. Returns the port or -EADDRNOTAVAIL when the range is exhausted (Linux's answer).
     */
    public int allocateEphemeralPort(PortBinding b, int localAddress, int remoteAddress, int remotePort) {
        if (b.inTable) {
            return -Errno.EINVAL;
        }
        int range = ephemeralHigh - ephemeralLow + 1;
        int start = random.nextInt(range);
        for (int i = 0; i < range; i++) {
            int p = ephemeralLow + (start + i) % range;
            if (connectPortUsable(localAddress, p, remoteAddress, remotePort, b.protocol)) {
                b.localAddress = localAddress;
                b.localPort = p;
                b.remoteAddress = remoteAddress;
                b.remotePort = remotePort;
                b.connectAllocated = true;
                link(b);
                return p;
            }
        }
        return -Errno.EADDRNOTAVAIL;
    }

    /**
     * Links in a binding that shares a port without any check: a connection accepted by a
     * listening TCP socket (Linux inet_inherit_port).
     */
    public void inherit(PortBinding b) {
        if (!b.inTable) {
            link(b);
        }
    }

    public void unbind(PortBinding b) {
        if (!b.inTable) {
            return;
        }
        IntMap<ArrayList<PortBinding>> t = byProtocol[b.protocol & 0xff];
        ArrayList<PortBinding> l = t.get(b.localPort);
        l.remove(b);
        if (l.isEmpty()) {
            t.remove(b.localPort);
        }
        b.inTable = false;
        b.connectAllocated = false;
    }

    /** Would binding {@code b} to {@code localAddress:port} conflict with an existing binding? */
    public boolean conflicts(PortBinding b, int localAddress, int port) {
        for (PortBinding e : bindings(b.protocol, port)) {
            if (e == b) {
                continue;
            }
            boolean overlap = e.localAddress == 0 || localAddress == 0 || e.localAddress == localAddress;
            if (!overlap) {
                continue;
            }
            // Linux inet_csk_bind_conflict: SO_REUSEADDR on both sides shares a port with any
            // socket that is not listening, also when b is about to listen (inet_csk_listen_start
            // checks with relax): a server restarts on its port while its old connections live on.
            if (b.reuseAddress && e.reuseAddress && !e.listening) {
                continue;
            }
            if (b.reusePort && e.reusePort) {
                continue;
            }
            return true;
        }
        return false;
    }

    private boolean connectPortUsable(int localAddress, int port, int remoteAddress, int remotePort, int protocol) {
        for (PortBinding e : bindings(protocol, port)) {
            if (!e.connectAllocated) {
                return false;
            }
            boolean overlap = e.localAddress == 0 || localAddress == 0 || e.localAddress == localAddress;
            if (overlap && e.remoteAddress == remoteAddress && e.remotePort == remotePort) {
                return false;
            }
        }
        return true;
    }

    private void link(PortBinding b) {
        int proto = b.protocol & 0xff;
        IntMap<ArrayList<PortBinding>> t = byProtocol[proto];
        if (t == null) {
            t = new IntMap<>();
            byProtocol[proto] = t;
        }
        ArrayList<PortBinding> l = t.get(b.localPort);
        if (l == null) {
            l = new ArrayList<>(2);
            t.put(b.localPort, l);
        }
        l.add(b);
        b.inTable = true;
    }
}
