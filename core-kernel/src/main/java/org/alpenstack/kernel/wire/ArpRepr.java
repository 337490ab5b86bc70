package org.alpenstack.kernel.wire;

/**
 * The checked form of an Ethernet/IPv4 ARP packet (RFC 826). MACs are the low 48 bits of a
 * long, IPv4 addresses plain ints.
 *
 * @param operation {@link ArpPacket#OP_REQUEST} or {@link ArpPacket#OP_REPLY}
 */
public record ArpRepr(int operation, long senderMac, int senderIp, long targetMac, int targetIp) {
    public ArpRepr {
        if (operation != ArpPacket.OP_REQUEST && operation != ArpPacket.OP_REPLY) {
            throw new IllegalArgumentException("ARP operation " + operation);
        }
        if ((senderMac & ~0xffff_ffff_ffffL) != 0 || (targetMac & ~0xffff_ffff_ffffL) != 0) {
            throw new IllegalArgumentException("MAC address has more than 48 bits");
        }
    }

    /** A request for {@code targetIp}; the target MAC is zero, as Linux sends it (RFC 826 leaves it unspecified). */
    public static ArpRepr request(long senderMac, int senderIp, int targetIp) {
        return new ArpRepr(ArpPacket.OP_REQUEST, senderMac, senderIp, 0L, targetIp);
    }

    /** The packet at {@code off}, or null when {@link ArpPacket#check} gives a reason to drop it. */
    public static ArpRepr parse(byte[] a, int off, int len) {
        if (ArpPacket.check(a, off, len) != null) {
            return null;
        }
        return new ArpRepr(ArpPacket.operation(a, off),
                ArpPacket.senderHardwareAddress(a, off), ArpPacket.senderProtocolAddress(a, off),
                ArpPacket.targetHardwareAddress(a, off), ArpPacket.targetProtocolAddress(a, off));
    }

    public int bufferLen() {
        return ArpPacket.PACKET_LEN;
    }

    public void emit(byte[] a, int off) {
        ArpPacket.emit(a, off, operation, senderMac, senderIp, targetMac, targetIp);
    }
}
