package org.alpenstack.kernel.iface;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.alpenstack.kernel.link.Link;
import org.alpenstack.kernel.wire.MacAddress;

/**
 * A network interface of one stack: an Ethernet link (or the internal loopback) with a MAC, an
 * MTU, an up/down flag and any number of IPv4 addresses (Linux keeps the first address of a
 * subnet as "primary"; we keep them in the order they were added and prefer earlier ones when
 * selecting a source address).
 *
 * <p>Addresses and flags are changed through the NetStack (which also keeps routes and ARP in
 * step); the mutators here are public only because the stack lives in another package.
 */
public final class NetInterface {
    /** Linux's loopback MTU. */
    public static final int LOOPBACK_MTU = 65536;

    private final int index;
    private final String name;
    private final Link link;
    private final long mac;
    private final boolean loopback;
    private int mtu;
    private boolean up = true;
    private final ArrayList<InterfaceAddress> addresses = new ArrayList<>();
    private final List<InterfaceAddress> addressesView = Collections.unmodifiableList(addresses);
    /** Per-interface state owned by the IP layer (the neighbour cache); opaque here. */
    private Object neighbors;

    public NetInterface(int index, String name, Link link, long mac, int mtu, boolean loopback) {
        if (mtu < 68) {
            // RFC 791: every internet module must be able to forward a datagram of 68 octets.
            throw new IllegalArgumentException("MTU " + mtu + " is below the IPv4 minimum of 68");
        }
        this.index = index;
        this.name = name;
        this.link = link;
        this.mac = mac;
        this.mtu = mtu;
        this.loopback = loopback;
    }

    public int index() {
        return index;
    }

    public String name() {
        return name;
    }

    /** The link under this interface; null for the stack's internal loopback. */
    public Link link() {
        return link;
    }

    public long macBits() {
        return mac;
    }

    public MacAddress mac() {
        return new MacAddress(mac);
    }

    public int mtu() {
        return mtu;
    }

    public void setMtu(int mtu) {
        if (mtu < 68) {
            throw new IllegalArgumentException("MTU " + mtu + " is below the IPv4 minimum of 68");
        }
        this.mtu = mtu;
    }

    /** The transmit offloads of the link below ({@link Link#txOffloads()}); none for the internal loopback. */
    public int txOffloads() {
        return link == null ? 0 : link.txOffloads();
    }

    public boolean isUp() {
        return up;
    }

    public void setUp(boolean up) {
        this.up = up;
    }

    public boolean isLoopback() {
        return loopback;
    }

    public List<InterfaceAddress> addresses() {
        return addressesView;
    }

    /** Adds an address; false if this exact address is already configured here. */
    public boolean addAddress(InterfaceAddress a) {
        for (InterfaceAddress x : addresses) {
            if (x.address() == a.address()) {
                return false;
            }
        }
        addresses.add(a);
        return true;
    }

    public boolean removeAddress(int address) {
        for (int i = 0; i < addresses.size(); i++) {
            if (addresses.get(i).address() == address) {
                addresses.remove(i);
                return true;
            }
        }
        return false;
    }

    public boolean hasAddress(int a) {
        for (int i = 0; i < addresses.size(); i++) {
            if (addresses.get(i).address() == a) {
                return true;
            }
        }
        return false;
    }

    /** True if {@code a} is the directed broadcast address of one of this interface's subnets. */
    public boolean isDirectedBroadcast(int a) {
        for (int i = 0; i < addresses.size(); i++) {
            int b = addresses.get(i).broadcast();
            if (b != 0 && b == a) {
                return true;
            }
        }
        return false;
    }

    /** True if {@code a} is inside one of this interface's subnets (on-link). */
    public boolean isOnLink(int a) {
        for (int i = 0; i < addresses.size(); i++) {
            if (addresses.get(i).contains(a)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The source address for a packet to {@code nextHop} leaving here (RFC 1122 3.3.4.3; Linux's
     * inet_select_addr): the first address whose subnet holds the next hop, else the first
     * address at all, else 0.
     */
    public int sourceFor(int nextHop) {
        for (int i = 0; i < addresses.size(); i++) {
            if (addresses.get(i).contains(nextHop)) {
                return addresses.get(i).address();
            }
        }
        return addresses.isEmpty() ? 0 : addresses.get(0).address();
    }

    public Object neighbors() {
        return neighbors;
    }

    public void setNeighbors(Object neighbors) {
        this.neighbors = neighbors;
    }

    @Override
    public String toString() {
        return name + "#" + index + (up ? " up" : " down") + " mtu " + mtu + " " + addresses;
    }
}
