package org.alpenstack.link.afpacket;

import java.nio.ByteBuffer;
import org.alpenstack.link.afpacket.sys.Ifreq;
import org.alpenstack.link.afpacket.sys.LibC;
import org.alpenstack.link.afpacket.sys.NativeException;
import org.alpenstack.link.afpacket.sys.NativeMemory;
import org.alpenstack.link.afpacket.sys.Tun;

/**
 * A TAP device (Documentation/networking/tuntap.rst): an Ethernet interface whose "wire" is a
 * file descriptor. The kernel side ("host side") is an ordinary interface with an address; every
 * frame the host sends through it comes out of {@link #fd()}, and every frame written there
 * arrives at the host as if received.
 *
 * <p>The device is not persistent: closing the descriptor removes it. It is created in the
 * network namespace of the calling thread.
 *
 * <p>Offloads: by default the device never calls TUNSETOFFLOAD, so the kernel advertises no
 * checksum or segmentation offload on it and finishes every frame (software checksum, GSO
 * segmentation) before handing it over. With {@code vnetHeader} each frame carries a
 * virtio_net_hdr and the device accepts checksum and TSO offload (fewer, larger frames from the
 * host); the port then completes checksums and splits super-frames itself.
 */
public final class TapDevice implements AutoCloseable {
    /** TUN_F_* bits for TUNSETOFFLOAD (linux/if_tun.h). */
    private static final int TUN_F_CSUM = 0x01;
    private static final int TUN_F_TSO4 = 0x02;
    private static final int TUN_F_TSO6 = 0x04;
    private static final int TUN_F_TSO_ECN = 0x08;

    private final int fd;
    private final String name;
    private final boolean vnetHeader;
    private boolean closed;

    private TapDevice(int fd, String name, boolean vnetHeader) {
        this.fd = fd;
        this.name = name;
        this.vnetHeader = vnetHeader;
    }

    /**
     * Creates a TAP device (IFF_TAP | IFF_NO_PI). {@code name} may contain "%d" for the kernel to
     * number it; {@link #name()} tells the result. Needs CAP_NET_ADMIN.
     */
    public static TapDevice create(String name, boolean vnetHeader) {
        int fd = NativeException.check(LibC.open(Tun.CLONE_DEVICE, LibC.O_RDWR | LibC.O_NONBLOCK | LibC.O_CLOEXEC),
                "open(" + Tun.CLONE_DEVICE + ")");
        try {
            ByteBuffer ifr = NativeMemory.allocate(Ifreq.SIZE);
            Ifreq.name(ifr, name);
            int flags = Tun.IFF_TAP | Tun.IFF_NO_PI | (vnetHeader ? Tun.IFF_VNET_HDR : 0);
            ifr.putShort(Ifreq.UNION, (short) flags);
            NativeException.check(LibC.ioctl(fd, Tun.TUNSETIFF, NativeMemory.address(ifr)), "ioctl(TUNSETIFF, " + name + ")");
            String actual = NativeMemory.getCString(ifr, Ifreq.NAME, Ifreq.IFNAMSIZ);
            if (vnetHeader) {
                NativeException.check(LibC.ioctl(fd, Tun.TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN),
                        "ioctl(TUNSETOFFLOAD, " + actual + ")");
            }
            return new TapDevice(fd, actual, vnetHeader);
        } catch (RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
    }

    /**
     * Creates the device and configures its host side like {@code ip addr add A/P dev NAME; ip
     * link set NAME up}.
     */
    public static TapDevice createWithAddress(String name, boolean vnetHeader, int hostAddress, int prefixLength) {
        TapDevice tap = create(name, vnetHeader);
        try (NetDevice dev = NetDevice.open()) {
            dev.setIpv4Address(tap.name(), hostAddress, prefixLength);
            dev.up(tap.name());
            return tap;
        } catch (RuntimeException e) {
            tap.close();
            throw e;
        }
    }

    public int fd() {
        return fd;
    }

    public String name() {
        return name;
    }

    public boolean vnetHeader() {
        return vnetHeader;
    }

    /** Closes the descriptor, which removes the (non-persistent) device. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
        }
    }
}
