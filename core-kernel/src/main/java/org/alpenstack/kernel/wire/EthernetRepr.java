package org.alpenstack.kernel.wire;

/**
 * The checked, high-level form of an Ethernet II header. MACs are the low 48 bits of a long
 * (see {@link MacAddress}); {@code vlanTci} is {@link #NO_VLAN} for an untagged frame.
 *
 * @param etherType the payload's EtherType (inside the tag for a tagged frame)
 */
public record EthernetRepr(long destination, long source, int etherType, int vlanTci) {
    public static final int NO_VLAN = -1;

    public EthernetRepr {
        if ((destination & ~0xffff_ffff_ffffL) != 0 || (source & ~0xffff_ffff_ffffL) != 0) {
            throw new IllegalArgumentException("MAC address has more than 48 bits");
        }
        if (etherType < 0 || etherType > 0xffff || etherType == EtherType.VLAN) {
            throw new IllegalArgumentException("bad payload EtherType " + etherType);
        }
        if (vlanTci != NO_VLAN && (vlanTci < 0 || vlanTci > 0xffff)) {
            throw new IllegalArgumentException("bad VLAN TCI " + vlanTci);
        }
    }

    public static EthernetRepr untagged(long destination, long source, int etherType) {
        return new EthernetRepr(destination, source, etherType, NO_VLAN);
    }

    /**
     * The header at {@code off}, or null if {@link EthernetFrame#check} fails or the payload
     * EtherType is itself a second tag (stacked tags are not supported: the stack counts
     * {@code ETH_VLAN_NOT_SUPPORTED}).
     */
    public static EthernetRepr parse(byte[] a, int off, int len) {
        if (EthernetFrame.check(a, off, len) != null) {
            return null;
        }
        int type = EthernetFrame.payloadEtherType(a, off);
        if (type == EtherType.VLAN) {
            return null;
        }
        return new EthernetRepr(EthernetFrame.destination(a, off), EthernetFrame.source(a, off), type,
                EthernetFrame.vlanTci(a, off));
    }

    public boolean isVlanTagged() {
        return vlanTci != NO_VLAN;
    }

    public int bufferLen() {
        return isVlanTagged() ? EthernetFrame.VLAN_HEADER_LEN : EthernetFrame.HEADER_LEN;
    }

    /** Writes the header at {@code off}; the payload follows at {@code off + bufferLen()}. */
    public void emit(byte[] a, int off) {
        if (isVlanTagged()) {
            EthernetFrame.emitTagged(a, off, destination, source, vlanTci, etherType);
        } else {
            EthernetFrame.emit(a, off, destination, source, etherType);
        }
    }
}
