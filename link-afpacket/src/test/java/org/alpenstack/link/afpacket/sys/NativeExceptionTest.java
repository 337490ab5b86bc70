package org.alpenstack.link.afpacket.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.alpenstack.kernel.socket.Errno;
import org.junit.jupiter.api.Test;

/** Messages name the call, the errno and what the operator should do. */
class NativeExceptionTest {
    @Test
    void aPacketSocketWithoutCapabilitySaysWhichCapability() {
        NativeException e = new NativeException("socket(AF_PACKET, SOCK_RAW)", Errno.EPERM,
                Advice.forErrno("socket(AF_PACKET, SOCK_RAW)", Errno.EPERM));
        assertEquals(Errno.EPERM, e.errno());
        assertTrue(e.getMessage().startsWith("socket(AF_PACKET, SOCK_RAW) failed: EPERM"), e.getMessage());
        assertTrue(e.getMessage().contains("AF_PACKET needs CAP_NET_RAW: run as root or grant the capability"), e.getMessage());
    }

    @Test
    void adviceFollowsTheCall() {
        assertTrue(Advice.forErrno("open(/dev/net/tun)", Errno.ENOENT).contains("modprobe tun"));
        assertTrue(Advice.forErrno("ioctl(TUNSETIFF, tap0)", Errno.EPERM).contains("CAP_NET_ADMIN"));
        assertTrue(Advice.forErrno("ioctl(SIOCGIFINDEX, eth9)", Errno.ENODEV).contains("ip link"));
        assertTrue(Advice.forErrno("setsockopt(PACKET_RX_RING)", Errno.ENOMEM).contains("fewer or smaller blocks"));
    }

    @Test
    void checkReadsErrnoOfTheFailedCall() {
        NativeException e = assertThrows(NativeException.class, () -> NativeException.check(LibC.close(-1), "close(-1)"));
        assertEquals(Errno.EBADF, e.errno());
        assertEquals("close(-1)", e.call());
        assertEquals(7, NativeException.check(7, "anything"));
    }
}
