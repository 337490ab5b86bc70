package org.alpenstack.admin.api.local;

import org.alpenstack.kernel.link.FaultInjector;
import org.alpenstack.kernel.link.SwitchPort;
import org.alpenstack.kernel.stack.NetStack;
import org.alpenstack.kernel.tcp.TcpLayer;

/**
 * One running instance of the local backend: its stack with TCP, and on a link the chain
 * stack -> {@link FrameTap} (capture) -> {@link FaultInjector} (impairment) -> switch port.
 * Every field but the immutable ones is touched on {@code driver}'s context only.
 */
public final class LocalInstance {
    final String name;
    final String mode;
    final long mac;
    final int mtu;
    final String createdAt;
    final MemoryLink link;
    final StackDriver driver;
    final NetStack stack;
    final TcpLayer tcp;
    final FaultInjector faults;
    final FrameTap tap;
    final SwitchPort port;
    int gateway;
    /** The addresses on eth0, kept in step by the backend for its conflict checks. */
    final java.util.Set<Integer> addressSet;

    LocalInstance(String name, String mode, long mac, int mtu, String createdAt, MemoryLink link, StackDriver driver,
                  NetStack stack, TcpLayer tcp, FaultInjector faults, FrameTap tap, SwitchPort port,
                  java.util.Set<Integer> addressSet) {
        this.addressSet = addressSet;
        this.name = name;
        this.mode = mode;
        this.mac = mac;
        this.mtu = mtu;
        this.createdAt = createdAt;
        this.link = link;
        this.driver = driver;
        this.stack = stack;
        this.tcp = tcp;
        this.faults = faults;
        this.tap = tap;
        this.port = port;
    }

    /** The instance's stack, for code running on its context (tests open sockets this way). */
    public NetStack stack() {
        return stack;
    }

    public TcpLayer tcp() {
        return tcp;
    }

    public String name() {
        return name;
    }
}
