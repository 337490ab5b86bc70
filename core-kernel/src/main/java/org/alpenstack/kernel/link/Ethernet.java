package org.alpenstack.kernel.link;

import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.wire.Bytes;

/**
 * The few Ethernet II facts the in-memory links need to move frames (IEEE 802.3 clause 3):
 * where the addresses are and how long a header is. The stack's own Ethernet view lives in
 * the wire package; links only switch on addresses and police sizes.
 */
final class Ethernet {
    static final int DST = 0;
    static final int SRC = 6;
    static final int ETHERTYPE = 12;
    static final int HEADER_LEN = 14;
    /** One IEEE 802.1Q tag may sit between the addresses and the EtherType. */
    static final int VLAN_TAG_LEN = 4;
    static final int TPID_8021Q = 0x8100;

    private Ethernet() {
    }

    static long dst(PacketBuffer f) {
        return Bytes.u48(f.array(), f.start() + DST);
    }

    static long src(PacketBuffer f) {
        return Bytes.u48(f.array(), f.start() + SRC);
    }

    /** Whether a frame of this size fits a link of {@code mtu} (the MTU counts the payload, not the header). */
    static boolean fits(PacketBuffer f, int mtu) {
        int header = HEADER_LEN;
        if (f.length() >= HEADER_LEN + VLAN_TAG_LEN && Bytes.u16(f.array(), f.start() + ETHERTYPE) == TPID_8021Q) {
            header += VLAN_TAG_LEN;
        }
        return f.length() - header <= mtu;
    }
}
