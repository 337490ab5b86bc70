package org.alpenstack.link.afpacket;

import java.nio.ByteBuffer;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.MacAddress;
import org.alpenstack.link.afpacket.sys.Ifreq;
import org.alpenstack.link.afpacket.sys.LibC;
import org.alpenstack.link.afpacket.sys.NativeException;
import org.alpenstack.link.afpacket.sys.NativeMemory;

/**
 * Interface ioctls (netdevice(7)) through an AF_INET datagram control socket, which needs no
 * privilege to read and CAP_NET_ADMIN to change. The socket belongs to the network namespace of
 * the thread that opened it, and so does every device name it resolves.
 *
 * <p>Not thread-safe (one ifreq buffer); open one per thread or use the static helpers.
 */
public final class NetDevice implements AutoCloseable {
    private final int fd;
    private final ByteBuffer ifr = NativeMemory.allocate(Ifreq.SIZE);
    private final long ifrAddress = NativeMemory.address(ifr);
    private boolean closed;

    private NetDevice(int fd) {
        this.fd = fd;
    }

    public static NetDevice open() {
        int fd = NativeException.check(LibC.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0),
                "socket(AF_INET, SOCK_DGRAM)");
        return new NetDevice(fd);
    }

    /** The control socket, for ioctls other classes of this module make (ethtool). */
    int fd() {
        return fd;
    }

    public int ifindex(String name) {
        ioctl(name, Ifreq.SIOCGIFINDEX, "SIOCGIFINDEX");
        return ifr.getInt(Ifreq.UNION);
    }

    public MacAddress mac(String name) {
        ioctl(name, Ifreq.SIOCGIFHWADDR, "SIOCGIFHWADDR");
        long bits = 0;
        for (int i = 0; i < 6; i++) {
            bits = (bits << 8) | (ifr.get(Ifreq.SA_DATA + i) & 0xff);
        }
        return new MacAddress(bits);
    }

    public void setMac(String name, MacAddress mac) {
        Ifreq.name(ifr, name);
        ifr.putShort(Ifreq.SA_FAMILY, (short) Ifreq.ARPHRD_ETHER);
        for (int i = 0; i < 6; i++) {
            ifr.put(Ifreq.SA_DATA + i, (byte) (mac.bits() >>> (8 * (5 - i))));
        }
        call(name, Ifreq.SIOCSIFHWADDR, "SIOCSIFHWADDR");
    }

    public int mtu(String name) {
        ioctl(name, Ifreq.SIOCGIFMTU, "SIOCGIFMTU");
        return ifr.getInt(Ifreq.UNION);
    }

    public void setMtu(String name, int mtu) {
        Ifreq.name(ifr, name);
        ifr.putInt(Ifreq.UNION, mtu);
        call(name, Ifreq.SIOCSIFMTU, "SIOCSIFMTU");
    }

    /** The IFF_* flags (IFF_UP, IFF_RUNNING, IFF_PROMISC ...). */
    public int flags(String name) {
        ioctl(name, Ifreq.SIOCGIFFLAGS, "SIOCGIFFLAGS");
        return ifr.getShort(Ifreq.UNION) & 0xffff;
    }

    public void setFlags(String name, int flags) {
        Ifreq.name(ifr, name);
        ifr.putShort(Ifreq.UNION, (short) flags);
        call(name, Ifreq.SIOCSIFFLAGS, "SIOCSIFFLAGS");
    }

    /** Sets IFF_UP (like {@code ip link set NAME up}). */
    public void up(String name) {
        setFlags(name, flags(name) | Ifreq.IFF_UP);
    }

    public void down(String name) {
        setFlags(name, flags(name) & ~Ifreq.IFF_UP);
    }

    public boolean isUp(String name) {
        return (flags(name) & Ifreq.IFF_UP) != 0;
    }

    /**
     * Gives the device an IPv4 address and prefix (like {@code ip addr add A/P dev NAME}); the
     * kernel adds the prefix route when the device is up. SIOCSIFADDR replaces the primary
     * address, which is what a TAP device's host side wants.
     */
    public void setIpv4Address(String name, int address, int prefixLength) {
        int mask = Ipv4Address.mask(prefixLength);
        putSockaddrIn(name, address);
        call(name, Ifreq.SIOCSIFADDR, "SIOCSIFADDR");
        putSockaddrIn(name, mask);
        call(name, Ifreq.SIOCSIFNETMASK, "SIOCSIFNETMASK");
    }

    /** The primary IPv4 address, or {@link Ipv4Address#ANY} when the device has none. */
    public int ipv4Address(String name) {
        Ifreq.name(ifr, name);
        ifr.putShort(Ifreq.SA_FAMILY, (short) LibC.AF_INET);
        if (LibC.ioctl(fd, Ifreq.SIOCGIFADDR, ifrAddress) == -1) {
            int e = LibC.errno();
            if (e == Errno.EADDRNOTAVAIL) {
                return Ipv4Address.ANY;
            }
            throw new NativeException("ioctl(SIOCGIFADDR, " + name + ")", e, null);
        }
        return ((ifr.get(Ifreq.SIN_ADDR) & 0xff) << 24) | ((ifr.get(Ifreq.SIN_ADDR + 1) & 0xff) << 16)
                | ((ifr.get(Ifreq.SIN_ADDR + 2) & 0xff) << 8) | (ifr.get(Ifreq.SIN_ADDR + 3) & 0xff);
    }

    private void putSockaddrIn(String name, int address) {
        Ifreq.name(ifr, name);
        ifr.putShort(Ifreq.SA_FAMILY, (short) LibC.AF_INET);
        ifr.put(Ifreq.SIN_ADDR, (byte) (address >>> 24));
        ifr.put(Ifreq.SIN_ADDR + 1, (byte) (address >>> 16));
        ifr.put(Ifreq.SIN_ADDR + 2, (byte) (address >>> 8));
        ifr.put(Ifreq.SIN_ADDR + 3, (byte) address);
    }

    /** SIOCETHTOOL with {@code data} as ifr_data (see {@link Ethtool}). */
    void ethtool(String name, ByteBuffer data, String what) {
        Ifreq.name(ifr, name);
        ifr.putLong(Ifreq.UNION, NativeMemory.address(data));
        call(name, Ifreq.SIOCETHTOOL, "SIOCETHTOOL " + what);
    }

    private void ioctl(String name, long request, String what) {
        Ifreq.name(ifr, name);
        call(name, request, what);
    }

    private void call(String name, long request, String what) {
        if (closed) {
            throw new IllegalStateException("NetDevice is closed");
        }
        NativeException.check(LibC.ioctl(fd, request, ifrAddress), "ioctl(" + what + ", " + name + ")");
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
        }
    }

    // One-shot helpers for code that asks once (tests, setup).

    public static int ifindexOf(String name) {
        try (NetDevice d = open()) {
            return d.ifindex(name);
        }
    }

    public static MacAddress macOf(String name) {
        try (NetDevice d = open()) {
            return d.mac(name);
        }
    }

    public static int mtuOf(String name) {
        try (NetDevice d = open()) {
            return d.mtu(name);
        }
    }
}
