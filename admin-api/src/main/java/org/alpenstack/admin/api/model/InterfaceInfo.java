package org.alpenstack.admin.api.model;

import java.util.List;

/** One interface, as {@code ip addr} shows it; addresses as a.b.c.d/len. */
public record InterfaceInfo(int index, String name, String mac, int mtu, boolean up, boolean loopback,
                            List<String> addresses) {
    public InterfaceInfo {
        addresses = List.copyOf(addresses);
    }
}
