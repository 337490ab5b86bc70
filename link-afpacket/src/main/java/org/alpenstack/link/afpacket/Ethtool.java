package org.alpenstack.link.afpacket;

import java.nio.ByteBuffer;
import org.alpenstack.link.afpacket.sys.EthtoolValue;
import org.alpenstack.link.afpacket.sys.NativeMemory;

/**
 * Reads and switches a device's offloads with the legacy SIOCETHTOOL commands (what
 * {@code ethtool -K} does). Alpenstack handles offloaded frames itself (see the module README),
 * so this is the alternative for operators who would rather have the kernel hand over finished
 * frames: switching tx-checksumming and TSO off on the PEER of a veth pair makes it send complete
 * frames; GRO off on the NIC itself stops the kernel from merging received segments.
 */
public final class Ethtool {
    /** One offload, with its get and set command. */
    public enum Offload {
        RX_CHECKSUM(EthtoolValue.GRXCSUM, EthtoolValue.SRXCSUM),
        TX_CHECKSUM(EthtoolValue.GTXCSUM, EthtoolValue.STXCSUM),
        SCATTER_GATHER(EthtoolValue.GSG, EthtoolValue.SSG),
        TSO(EthtoolValue.GTSO, EthtoolValue.STSO),
        GSO(EthtoolValue.GGSO, EthtoolValue.SGSO),
        GRO(EthtoolValue.GGRO, EthtoolValue.SGRO);

        final int get;
        final int set;

        Offload(int get, int set) {
            this.get = get;
            this.set = set;
        }
    }

    private Ethtool() {
    }

    public static boolean get(NetDevice dev, String name, Offload o) {
        ByteBuffer v = NativeMemory.allocate(EthtoolValue.SIZE);
        v.putInt(EthtoolValue.CMD, o.get);
        dev.ethtool(name, v, o.name());
        return v.getInt(EthtoolValue.DATA) != 0;
    }

    public static void set(NetDevice dev, String name, Offload o, boolean on) {
        ByteBuffer v = NativeMemory.allocate(EthtoolValue.SIZE);
        v.putInt(EthtoolValue.CMD, o.set);
        v.putInt(EthtoolValue.DATA, on ? 1 : 0);
        dev.ethtool(name, v, o.name() + (on ? " on" : " off"));
    }

    /**
     * Turns off every offload that can make a device hand over partial checksums or
     * super-frames. TSO and GSO go first because the kernel refuses to keep them without
     * checksum offload anyway.
     */
    public static void disableOffloads(NetDevice dev, String name) {
        set(dev, name, Offload.TSO, false);
        set(dev, name, Offload.GSO, false);
        set(dev, name, Offload.GRO, false);
        set(dev, name, Offload.TX_CHECKSUM, false);
        set(dev, name, Offload.RX_CHECKSUM, false);
    }
}
