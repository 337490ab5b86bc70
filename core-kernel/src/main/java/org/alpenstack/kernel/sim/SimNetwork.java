package org.alpenstack.kernel.sim;

import java.util.ArrayList;
import java.util.List;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.link.FaultInjector;
import org.alpenstack.kernel.link.VirtualSwitch;

/**
 * The usual test network in one line per host: one {@link VirtualSwitch}, and per host a switch
 * port wrapped in a {@link FaultInjector}, all driven by a {@link Simulation}. Each injector gets
 * its own seed derived from the network's, so one seed replays the whole run.
 */
public final class SimNetwork {
    private final Simulation sim;
    private final BufferPool pool;
    private final long seed;
    private final VirtualSwitch fabric;
    private final List<FaultInjector> hosts = new ArrayList<>();

    public SimNetwork(Simulation sim, BufferPool pool, long seed) {
        this.sim = sim;
        this.pool = pool;
        this.seed = seed;
        this.fabric = new VirtualSwitch("sim");
        sim.add(fabric);
    }

    /** A new host link: plug a stack's interface into it; set its faults through transmit() and receive(). */
    public FaultInjector attach(String portName, int mtu) {
        // Distinct, reproducible streams per host (a multiplier from SplittableRandom's golden gamma).
        long hostSeed = seed + (hosts.size() + 1) * 0x9E37_79B9_7F4A_7C15L;
        FaultInjector f = new FaultInjector(fabric.newPort(portName, mtu), sim.clock(), pool, hostSeed);
        hosts.add(f);
        sim.add(f);
        return f;
    }

    public VirtualSwitch fabric() {
        return fabric;
    }

    /** Frames still delayed or held back by any host's injector. */
    public int pendingFrames() {
        int n = 0;
        for (FaultInjector f : hosts) {
            n += f.pendingFrames();
        }
        return n;
    }

    /** Releases every frame still in flight, so a test can assert the pool has no leaks. */
    public void discardInFlight() {
        for (FaultInjector f : hosts) {
            f.discardPending();
        }
        fabric.discardQueued();
    }
}
