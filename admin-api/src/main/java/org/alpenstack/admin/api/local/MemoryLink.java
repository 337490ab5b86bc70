package org.alpenstack.admin.api.local;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.alpenstack.admin.api.model.LinkInfo;
import org.alpenstack.kernel.link.SwitchPort;
import org.alpenstack.kernel.link.VirtualSwitch;

/**
 * A "memory" link: an in-process learning switch ({@link VirtualSwitch}) the instances on it
 * plug into. The switch and all its instances share one owner context, so frames move between
 * them by plain calls, with no copies and no locks. Ports of deleted instances are reused
 * (the switch cannot remove a port), so create/delete loops do not grow it.
 */
final class MemoryLink {
    final String name;
    final int mtu;
    final StackDriver driver;
    final VirtualSwitch vswitch;
    private final Deque<SwitchPort> freePorts = new ArrayDeque<>();
    private final List<SwitchPort> allPorts = new ArrayList<>();
    /** Touched under the backend's lock. */
    final List<String> instances = new ArrayList<>();

    MemoryLink(String name, int mtu, StackDriver driver) {
        this.name = name;
        this.mtu = mtu;
        this.driver = driver;
        this.vswitch = new VirtualSwitch(name);
    }

    /** Owner context only. */
    SwitchPort acquirePort() {
        SwitchPort p = freePorts.poll();
        if (p == null) {
            p = vswitch.newPort(name + "." + allPorts.size(), mtu);
            allPorts.add(p);
        }
        return p;
    }

    /** Owner context only. */
    void releasePort(SwitchPort p) {
        p.attach(null);
        freePorts.push(p);
    }

    /** Owner context only. From the instances' side: rx = frames the switch delivered to them. */
    LinkInfo.LinkCounters counters() {
        long rxF = 0;
        long rxB = 0;
        long txF = 0;
        long txB = 0;
        long dropped = 0;
        for (SwitchPort p : allPorts) {
            rxF += p.framesOut();
            rxB += p.bytesOut();
            txF += p.framesIn();
            txB += p.bytesIn();
            dropped += p.dropped();
        }
        return new LinkInfo.LinkCounters(rxF, rxB, txF, txB, dropped);
    }
}
