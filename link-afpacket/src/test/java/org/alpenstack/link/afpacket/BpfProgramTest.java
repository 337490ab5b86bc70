package org.alpenstack.link.afpacket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.MacAddress;
import org.junit.jupiter.api.Test;

/** The demux filter, run in a test interpreter with the kernel's classic-BPF semantics. */
class BpfProgramTest {
    static final MacAddress A = MacAddress.parse("02:00:00:00:00:0a");
    static final MacAddress B = MacAddress.parse("02:00:00:00:00:0b");
    /** Same low 32 bits as A, different high 16: catches a filter that compares only half the MAC. */
    static final MacAddress A_HIGH_DIFFERS = MacAddress.parse("02:01:00:00:00:0a");
    /** Same high 16 bits as A, different low 32. */
    static final MacAddress A_LOW_DIFFERS = MacAddress.parse("02:00:01:00:00:0a");
    static final MacAddress PEER = MacAddress.parse("0a:00:00:00:00:01");
    static final int IP1 = Ipv4Address.parse("192.0.2.1");
    static final int IP2 = Ipv4Address.parse("192.0.2.2");
    static final int IP9 = Ipv4Address.parse("192.0.2.9");

    static byte[] udpTo(MacAddress dst, int dstIp) {
        return Frames.ipv4(dst.bits(), PEER.bits(), IP9, dstIp, 17, 1, Frames.udp(1000, 2000, new byte[8]));
    }

    static byte[] arpRequest(int target) {
        return Frames.arp(1, PEER.bits(), IP9, 0, target, MacAddress.BROADCAST.bits());
    }

    @Test
    void macModeAcceptsOnlyTheInstancesUnicastMacs() {
        BpfProgram p = BpfProgram.builder().acceptDestination(A).acceptDestination(B).build();
        assertTrue(BpfInterpreter.accepts(p, udpTo(A, IP1)));
        assertTrue(BpfInterpreter.accepts(p, udpTo(B, IP1)));
        assertFalse(BpfInterpreter.accepts(p, udpTo(A_HIGH_DIFFERS, IP1)), p::toString);
        assertFalse(BpfInterpreter.accepts(p, udpTo(A_LOW_DIFFERS, IP1)), p::toString);
        assertFalse(BpfInterpreter.accepts(p, udpTo(PEER, IP1)));
    }

    @Test
    void acceptedFramesAreKeptWhole() {
        BpfProgram p = BpfProgram.builder().acceptDestination(A).build();
        assertEquals(-1, BpfInterpreter.run(p, udpTo(A, IP1)), "ret #0xffffffff keeps the whole frame");
        assertEquals(0, BpfInterpreter.run(p, udpTo(B, IP1)));
    }

    @Test
    void groupAddressedFramesPassUnlessSwitchedOff() {
        byte[] broadcast = udpTo(MacAddress.BROADCAST, IP1);
        byte[] ipv6Multicast = udpTo(MacAddress.parse("33:33:00:00:00:01"), IP1);
        BpfProgram on = BpfProgram.builder().acceptDestination(A).build();
        BpfProgram off = BpfProgram.builder().acceptDestination(A).acceptGroupAddressed(false).acceptArp(false).build();
        assertTrue(BpfInterpreter.accepts(on, broadcast));
        assertTrue(BpfInterpreter.accepts(on, ipv6Multicast));
        assertFalse(BpfInterpreter.accepts(off, broadcast));
        assertFalse(BpfInterpreter.accepts(off, ipv6Multicast));
    }

    @Test
    void arpPassesWhateverItsDestination() {
        byte[] unicastArpToSomeoneElse = Frames.arp(2, PEER.bits(), IP9, B.bits(), IP2, B.bits());
        BpfProgram p = BpfProgram.builder().acceptDestination(A).acceptGroupAddressed(false).build();
        assertTrue(BpfInterpreter.accepts(p, unicastArpToSomeoneElse));
        assertTrue(BpfInterpreter.accepts(p, arpRequest(IP1)));
        BpfProgram noArp = BpfProgram.builder().acceptDestination(A).acceptGroupAddressed(false).acceptArp(false).build();
        assertFalse(BpfInterpreter.accepts(noArp, unicastArpToSomeoneElse));
    }

    @Test
    void ipModeAcceptsIpv4ToTheInstancesAddressesOnly() {
        MacAddress nic = MacAddress.parse("0a:00:00:00:00:99");
        BpfProgram p = BpfProgram.builder().acceptIpv4Destination(IP1).acceptIpv4Destination(IP2).build();
        assertTrue(BpfInterpreter.accepts(p, udpTo(nic, IP1)));
        assertTrue(BpfInterpreter.accepts(p, udpTo(nic, IP2)));
        assertFalse(BpfInterpreter.accepts(p, udpTo(nic, IP9)));
        byte[] ipv6 = udpTo(nic, IP1);
        Frames.ethernet(ipv6, nic.bits(), PEER.bits(), Frames.ETH_IPV6);
        assertFalse(BpfInterpreter.accepts(p, ipv6), "an IPv6 frame is not IPv4 even if bytes 30..33 match");
    }

    static byte[] ipv6To(MacAddress dst, byte[] dstIp) {
        byte[] f = new byte[14 + 40 + 8];
        Frames.ethernet(f, dst.bits(), PEER.bits(), Frames.ETH_IPV6);
        f[14] = 0x60;
        f[14 + 6] = 17;
        System.arraycopy(dstIp, 0, f, 14 + 24, 16);
        return f;
    }

    static byte[] v6(String last) {
        byte[] a = new byte[16];
        a[0] = 0x20;
        a[1] = 0x01;
        a[2] = 0x0d;
        a[3] = (byte) 0xb8;
        a[15] = (byte) Integer.parseInt(last, 16);
        return a;
    }

    @Test
    void ipModeAcceptsIpv6ToTheInstancesAddressesOnly() {
        MacAddress nic = MacAddress.parse("0a:00:00:00:00:99");
        BpfProgram p = BpfProgram.builder().acceptGroupAddressed(false).acceptIpv6Destination(v6("1"))
                .acceptIpv6Destination(v6("2")).acceptIpv4Destination(IP1).build();
        assertTrue(BpfInterpreter.accepts(p, ipv6To(nic, v6("1"))));
        assertTrue(BpfInterpreter.accepts(p, ipv6To(nic, v6("2"))));
        assertFalse(BpfInterpreter.accepts(p, ipv6To(nic, v6("3"))));
        for (int word = 0; word < 4; word++) {
            byte[] almost = v6("1");
            almost[word * 4 + 1] ^= 0x40;
            assertFalse(BpfInterpreter.accepts(p, ipv6To(nic, almost)), "differs in word " + word);
        }
        assertTrue(BpfInterpreter.accepts(p, udpTo(nic, IP1)), "IPv4 rules still apply");
        assertThrows(IllegalArgumentException.class, () -> BpfProgram.builder().acceptIpv6Destination(new byte[4]));
    }

    @Test
    void truncatedFramesAreDroppedNotMisread() {
        BpfProgram p = BpfProgram.builder().acceptIpv4Destination(IP1).acceptGroupAddressed(false).build();
        byte[] full = udpTo(A, IP1);
        byte[] cut = java.util.Arrays.copyOf(full, 32);
        assertTrue(BpfInterpreter.accepts(p, full));
        assertFalse(BpfInterpreter.accepts(p, cut));
        assertFalse(BpfInterpreter.accepts(p, new byte[5]));
    }

    @Test
    void largeSetsNeedNoLongConditionalJumps() {
        BpfProgram.Builder b = BpfProgram.builder();
        List<MacAddress> macs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            MacAddress m = new MacAddress(0x0200_0000_0000L + i * 0x1_0001L);
            macs.add(m);
            b.acceptDestination(m);
            b.acceptIpv4Destination(0x0a000000 + i);
        }
        BpfProgram p = b.acceptGroupAddressed(false).build();
        for (int i = 0; i < p.length(); i++) {
            assertTrue(p.jt(i) <= 3 && p.jf(i) <= 3, "jumps stay short");
        }
        assertTrue(BpfInterpreter.accepts(p, udpTo(macs.get(0), IP9)));
        assertTrue(BpfInterpreter.accepts(p, udpTo(macs.get(299), IP9)));
        assertTrue(BpfInterpreter.accepts(p, udpTo(PEER, 0x0a000000 + 299)));
        assertFalse(BpfInterpreter.accepts(p, udpTo(PEER, 0x0a000000 + 300)));
        assertFalse(BpfInterpreter.accepts(p, udpTo(new MacAddress(0x0200_0000_0000L + 300 * 0x1_0001L), IP9)));
    }

    @Test
    void tooManyInstructionsAreRefused() {
        BpfProgram.Builder b = BpfProgram.builder();
        for (int i = 0; i < 900; i++) {
            b.acceptDestination(new MacAddress(0x0200_0000_0000L + i));
        }
        assertThrows(IllegalArgumentException.class, b::build);
    }

    @Test
    void encodesStructSockFilterInHostOrder() {
        BpfProgram p = BpfProgram.builder().acceptDestination(A).acceptGroupAddressed(false).acceptArp(false).build();
        ByteBuffer b = ByteBuffer.allocate(p.length() * 8).order(ByteOrder.nativeOrder());
        p.writeTo(b);
        // ldh [0]: code 0x28, k 0
        assertEquals(0x28, b.getShort(0));
        assertEquals(0, b.getInt(4));
        // jeq #0x0200, jt 0, jf 3
        assertEquals(0x15, b.getShort(8));
        assertEquals(0, b.get(10));
        assertEquals(3, b.get(11));
        assertEquals(0x0200, b.getInt(12));
        // last: ret #0
        assertEquals(0x06, b.getShort((p.length() - 1) * 8));
        assertEquals(0, b.getInt((p.length() - 1) * 8 + 4));
    }

    @Test
    void acceptAllAndDropAll() {
        assertTrue(BpfInterpreter.accepts(BpfProgram.acceptAll(), udpTo(B, IP9)));
        assertFalse(BpfInterpreter.accepts(BpfProgram.dropAll(), udpTo(B, IP9)));
        assertNotEquals(BpfProgram.acceptAll(), BpfProgram.dropAll());
        assertEquals(BpfProgram.builder().acceptDestination(A).build(), BpfProgram.builder().acceptDestination(A).build());
    }
}
