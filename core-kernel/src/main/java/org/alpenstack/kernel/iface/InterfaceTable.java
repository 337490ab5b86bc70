package org.alpenstack.kernel.iface;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The interfaces of one stack, by index (1 is the loopback, as in Linux) and by name, with the
 * address questions every layer asks ("is this ours?").
 */
public final class InterfaceTable {
    private final ArrayList<NetInterface> list = new ArrayList<>();
    private final List<NetInterface> view = Collections.unmodifiableList(list);
    private int nextIndex = 1;
    private NetInterface loopback;

    public int nextIndex() {
        return nextIndex;
    }

    public void add(NetInterface i) {
        if (byName(i.name()) != null) {
            throw new IllegalArgumentException("interface " + i.name() + " exists");
        }
        if (i.index() != nextIndex) {
            throw new IllegalArgumentException("interface index " + i.index() + " is not the next index " + nextIndex);
        }
        list.add(i);
        nextIndex++;
        if (i.isLoopback() && loopback == null) {
            loopback = i;
        }
    }

    /** Removes an interface (its index is not reused). */
    public boolean remove(NetInterface i) {
        if (i == loopback) {
            return false;
        }
        return list.remove(i);
    }

    /** The loopback interface, or null if there is none. */
    public NetInterface loopback() {
        return loopback;
    }

    public List<NetInterface> all() {
        return view;
    }

    public NetInterface byIndex(int index) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).index() == index) {
                return list.get(i);
            }
        }
        return null;
    }

    public NetInterface byName(String name) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).name().equals(name)) {
                return list.get(i);
            }
        }
        return null;
    }

    /** The interface that has {@code address} configured, or null. */
    public NetInterface owner(int address) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).hasAddress(address)) {
                return list.get(i);
            }
        }
        return null;
    }

    /**
     * True if {@code address} is one of our unicast addresses on any interface (Linux's weak
     * host model, RFC 1122 3.3.4.2: a packet to any local address is accepted on any interface),
     * or inside 127/8 (Linux routes all of it to loopback).
     */
    public boolean isLocal(int address) {
        if ((address >>> 24) == 127) {
            return true;
        }
        return owner(address) != null;
    }

    /** True if {@code address} is a directed broadcast address of any of our subnets. */
    public boolean isDirectedBroadcast(int address) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).isDirectedBroadcast(address)) {
                return true;
            }
        }
        return false;
    }

    /** Any configured non-loopback address (a last resort for source selection), or 0. */
    public int anyAddress() {
        for (int i = 0; i < list.size(); i++) {
            NetInterface n = list.get(i);
            if (!n.isLoopback() && n.isUp() && !n.addresses().isEmpty()) {
                return n.addresses().get(0).address();
            }
        }
        return 0;
    }
}
