package org.alpenstack.tenant.link;

import java.util.List;
import org.alpenstack.kernel.wire.ArpPacket;
import org.alpenstack.kernel.wire.EtherType;
import org.alpenstack.kernel.wire.EthernetFrame;
import org.alpenstack.kernel.wire.Ipv4Packet;
import org.alpenstack.kernel.wire.MacAddress;

/**
 * Who on a shared NIC a frame is for: an immutable table, replaced as a whole when an instance
 * joins or leaves, so the RX thread and the instances' contexts read it without locks.
 *
 * <ul>
 *   <li>MAC mode: a unicast frame goes to the instance whose MAC is its destination.
 *   <li>IP mode: instances share the NIC's MAC; a unicast frame to that MAC goes to the instance
 *       owning the IPv4 destination, an ARP frame to the owner of the ARP target address
 *       (RFC 826: only the owner of the target protocol address answers).
 *   <li>Group-addressed frames (broadcast, multicast) go to every instance, except that a
 *       group-addressed ARP frame reaches an IP-mode instance only if it owns the target
 *       address: the others share the NIC's MAC and have nothing to learn or answer.
 * </ul>
 *
 * <p>Lookups scan small arrays: no hashing, no boxing, no allocation per frame. That is the
 * right trade for the tens of instances a NIC carries; a NIC with hundreds would want a hash.
 */
public final class Demux {
    final long nicMac;
    final NicAttachment[] all;
    private final long[] macs;
    private final NicAttachment[] macOwners;
    private final int[] ips;
    private final NicAttachment[] ipOwners;

    Demux(long nicMac, List<NicAttachment> attachments) {
        this.nicMac = nicMac;
        this.all = attachments.toArray(new NicAttachment[0]);
        int macCount = 0;
        int ipCount = 0;
        for (NicAttachment a : all) {
            if (a.ipMode) {
                ipCount += a.addresses.length;
            } else {
                macCount++;
            }
        }
        macs = new long[macCount];
        macOwners = new NicAttachment[macCount];
        ips = new int[ipCount];
        ipOwners = new NicAttachment[ipCount];
        int m = 0;
        int i = 0;
        for (NicAttachment a : all) {
            if (a.ipMode) {
                for (int addr : a.addresses) {
                    ips[i] = addr;
                    ipOwners[i++] = a;
                }
            } else {
                macs[m] = a.mac.bits();
                macOwners[m++] = a;
            }
        }
    }

    static Demux empty(long nicMac) {
        return new Demux(nicMac, List.of());
    }

    /** The instance a unicast frame is for, or null when no local instance owns it. */
    NicAttachment unicastOwner(byte[] a, int off, int len) {
        long dst = EthernetFrame.destination(a, off);
        if (dst == nicMac && ips.length > 0) {
            int ip = targetAddress(a, off, len);
            return ip == 0 ? null : ipOwner(ip);
        }
        return unicastOwnerOfMac(dst);
    }

    /** Whether group-addressed frame should reach {@code x}. */
    boolean groupWants(NicAttachment x, byte[] a, int off, int len) {
        if (!x.ipMode || EthernetFrame.etherType(a, off) != EtherType.ARP) {
            return true;
        }
        int target = targetAddress(a, off, len);
        for (int addr : x.addresses) {
            if (addr == target) {
                return true;
            }
        }
        return false;
    }

    NicAttachment unicastOwnerOfMac(long mac) {
        for (int i = 0; i < macs.length; i++) {
            if (macs[i] == mac) {
                return macOwners[i];
            }
        }
        return null;
    }

    NicAttachment ipOwner(int address) {
        for (int i = 0; i < ips.length; i++) {
            if (ips[i] == address) {
                return ipOwners[i];
            }
        }
        return null;
    }

    /**
     * The IPv4 destination, or the ARP target protocol address, of an untagged frame; 0 when
     * the frame is neither or too short to tell (the stack will count it when it drops it).
     */
    static int targetAddress(byte[] a, int off, int len) {
        int payload = off + EthernetFrame.HEADER_LEN;
        int type = EthernetFrame.etherType(a, off);
        if (type == EtherType.IPV4 && len >= EthernetFrame.HEADER_LEN + Ipv4Packet.HEADER_LEN) {
            return Ipv4Packet.destination(a, payload);
        }
        if (type == EtherType.ARP && len >= EthernetFrame.HEADER_LEN + ArpPacket.PACKET_LEN) {
            return ArpPacket.targetProtocolAddress(a, payload);
        }
        return 0;
    }

    /** The MACs of the MAC-mode instances (for the NIC's unicast filter and BPF program). */
    java.util.List<MacAddress> macModeMacs() {
        java.util.List<MacAddress> out = new java.util.ArrayList<>();
        for (long m : macs) {
            out.add(new MacAddress(m));
        }
        return out;
    }

    java.util.List<Integer> ipModeAddresses() {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (int ip : ips) {
            out.add(ip);
        }
        return out;
    }
}
