package org.alpenstack.kernel.wire;

import org.alpenstack.kernel.stack.DropReason;

/**
 * An Ethernet II frame (IEEE 802.3 with an EtherType), optionally with one IEEE 802.1Q tag,
 * seen through static accessors over {@code (array, offset)}. The frame check sequence is not
 * part of what links hand us.
 *
 * <pre>
 *  0      6      12         14           16
 *  | dst  | src  | 0x8100   | TCI        | EtherType | payload   (tagged)
 *  | dst  | src  | EtherType| payload                           (untagged)
 * </pre>
 *
 * <p>Call {@link #check} (or {@link #checkAndPayloadOffset}) once; after it passes, every
 * accessor here is in bounds.
 */
public final class EthernetFrame {
    public static final int DESTINATION = 0;
    public static final int SOURCE = 6;
    public static final int ETHER_TYPE = 12;
    public static final int HEADER_LEN = 14;
    /** Tag control information (PCP 3 bits, DEI 1 bit, VLAN ID 12 bits) of a tagged frame. */
    public static final int VLAN_TCI = 14;
    /** The EtherType of the payload of a tagged frame. */
    public static final int VLAN_ETHER_TYPE = 16;
    public static final int VLAN_HEADER_LEN = 18;

    private EthernetFrame() {
    }

    /** Null if {@code len} bytes at {@code off} hold the whole header (tag included), else the reason to drop. */
    public static DropReason check(byte[] a, int off, int len) {
        if (len < HEADER_LEN) {
            return DropReason.ETH_TRUNCATED;
        }
        if (Bytes.u16(a, off + ETHER_TYPE) == EtherType.VLAN && len < VLAN_HEADER_LEN) {
            return DropReason.ETH_TRUNCATED;
        }
        return null;
    }

    /**
     * The absolute offset of the payload (after an optional 802.1Q tag), or -1 if the frame is
     * too short for its header ({@link DropReason#ETH_TRUNCATED}). The one call a receive path needs.
     */
    public static int checkAndPayloadOffset(byte[] a, int off, int len) {
        if (len < HEADER_LEN) {
            return -1;
        }
        if (Bytes.u16(a, off + ETHER_TYPE) != EtherType.VLAN) {
            return off + HEADER_LEN;
        }
        return len < VLAN_HEADER_LEN ? -1 : off + VLAN_HEADER_LEN;
    }

    public static long destination(byte[] a, int off) {
        return Bytes.u48(a, off + DESTINATION);
    }

    public static void destination(byte[] a, int off, long mac) {
        Bytes.u48(a, off + DESTINATION, mac);
    }

    public static long source(byte[] a, int off) {
        return Bytes.u48(a, off + SOURCE);
    }

    public static void source(byte[] a, int off, long mac) {
        Bytes.u48(a, off + SOURCE, mac);
    }

    /** The outer EtherType: {@link EtherType#VLAN} for a tagged frame. */
    public static int etherType(byte[] a, int off) {
        return Bytes.u16(a, off + ETHER_TYPE);
    }

    public static void etherType(byte[] a, int off, int type) {
        Bytes.u16(a, off + ETHER_TYPE, type);
    }

    public static boolean isVlanTagged(byte[] a, int off) {
        return etherType(a, off) == EtherType.VLAN;
    }

    /** The tag control information of a tagged frame, or {@link EthernetRepr#NO_VLAN} (-1) if untagged. */
    public static int vlanTci(byte[] a, int off) {
        return isVlanTagged(a, off) ? Bytes.u16(a, off + VLAN_TCI) : EthernetRepr.NO_VLAN;
    }

    /** The 12-bit VLAN identifier of a tag control information value (0 means priority-tagged only). */
    public static int vlanId(int tci) {
        return tci & 0x0fff;
    }

    /** The EtherType of the payload, looking through an 802.1Q tag. */
    public static int payloadEtherType(byte[] a, int off) {
        return isVlanTagged(a, off) ? Bytes.u16(a, off + VLAN_ETHER_TYPE) : etherType(a, off);
    }

    /** Writes an untagged header (the hot-path form of {@link EthernetRepr#emit}); returns its length, 14. */
    public static int emit(byte[] a, int off, long destination, long source, int etherType) {
        destination(a, off, destination);
        source(a, off, source);
        etherType(a, off, etherType);
        return HEADER_LEN;
    }

    /** Writes a header with an 802.1Q tag carrying {@code tci}; returns its length, 18. */
    public static int emitTagged(byte[] a, int off, long destination, long source, int tci, int etherType) {
        destination(a, off, destination);
        source(a, off, source);
        etherType(a, off, EtherType.VLAN);
        Bytes.u16(a, off + VLAN_TCI, tci);
        Bytes.u16(a, off + VLAN_ETHER_TYPE, etherType);
        return VLAN_HEADER_LEN;
    }

    /** 14, or 18 with an 802.1Q tag. */
    public static int headerLength(byte[] a, int off) {
        return isVlanTagged(a, off) ? VLAN_HEADER_LEN : HEADER_LEN;
    }
}
