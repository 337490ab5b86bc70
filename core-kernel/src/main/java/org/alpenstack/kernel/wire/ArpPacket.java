package org.alpenstack.kernel.wire;

import org.alpenstack.kernel.stack.DropReason;

/**
 * An ARP packet for Ethernet and IPv4 (RFC 826), the only combination the stack speaks:
 * hardware type 1, protocol type 0x0800, address lengths 6 and 4, so every field has a fixed
 * offset once {@link #check} has passed.
 */
public final class ArpPacket {
    public static final int HARDWARE_TYPE = 0;
    public static final int PROTOCOL_TYPE = 2;
    public static final int HARDWARE_LEN = 4;
    public static final int PROTOCOL_LEN = 5;
    public static final int OPERATION = 6;
    public static final int SENDER_HARDWARE_ADDRESS = 8;
    public static final int SENDER_PROTOCOL_ADDRESS = 14;
    public static final int TARGET_HARDWARE_ADDRESS = 18;
    public static final int TARGET_PROTOCOL_ADDRESS = 24;
    public static final int PACKET_LEN = 28;

    /** ar$hrd for Ethernet (RFC 826; IANA "Hardware Types"). */
    public static final int HARDWARE_ETHERNET = 1;
    public static final int OP_REQUEST = 1;
    public static final int OP_REPLY = 2;

    private ArpPacket() {
    }

    /**
     * Null if {@code len} bytes at {@code off} are an Ethernet/IPv4 ARP request or reply, else
     * the reason to drop. Bytes after the 28 (Ethernet padding) are ignored.
     */
    public static DropReason check(byte[] a, int off, int len) {
        if (len < PACKET_LEN) {
            return DropReason.ARP_TRUNCATED;
        }
        if (Bytes.u16(a, off + HARDWARE_TYPE) != HARDWARE_ETHERNET
                || Bytes.u16(a, off + PROTOCOL_TYPE) != EtherType.IPV4
                || Bytes.u8(a, off + HARDWARE_LEN) != 6
                || Bytes.u8(a, off + PROTOCOL_LEN) != 4) {
            return DropReason.ARP_UNSUPPORTED_HARDWARE_OR_PROTOCOL;
        }
        int op = operation(a, off);
        if (op != OP_REQUEST && op != OP_REPLY) {
            return DropReason.ARP_BAD_OPCODE;
        }
        return null;
    }

    public static int operation(byte[] a, int off) {
        return Bytes.u16(a, off + OPERATION);
    }

    public static long senderHardwareAddress(byte[] a, int off) {
        return Bytes.u48(a, off + SENDER_HARDWARE_ADDRESS);
    }

    public static int senderProtocolAddress(byte[] a, int off) {
        return Bytes.u32(a, off + SENDER_PROTOCOL_ADDRESS);
    }

    public static long targetHardwareAddress(byte[] a, int off) {
        return Bytes.u48(a, off + TARGET_HARDWARE_ADDRESS);
    }

    public static int targetProtocolAddress(byte[] a, int off) {
        return Bytes.u32(a, off + TARGET_PROTOCOL_ADDRESS);
    }

    /** Writes a whole Ethernet/IPv4 ARP packet; the hot-path form of {@link ArpRepr#emit}. */
    public static void emit(byte[] a, int off, int operation, long senderMac, int senderIp, long targetMac, int targetIp) {
        Bytes.u16(a, off + HARDWARE_TYPE, HARDWARE_ETHERNET);
        Bytes.u16(a, off + PROTOCOL_TYPE, EtherType.IPV4);
        Bytes.u8(a, off + HARDWARE_LEN, 6);
        Bytes.u8(a, off + PROTOCOL_LEN, 4);
        Bytes.u16(a, off + OPERATION, operation);
        Bytes.u48(a, off + SENDER_HARDWARE_ADDRESS, senderMac);
        Bytes.u32(a, off + SENDER_PROTOCOL_ADDRESS, senderIp);
        Bytes.u48(a, off + TARGET_HARDWARE_ADDRESS, targetMac);
        Bytes.u32(a, off + TARGET_PROTOCOL_ADDRESS, targetIp);
    }
}
