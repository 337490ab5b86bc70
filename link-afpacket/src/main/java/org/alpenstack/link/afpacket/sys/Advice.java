package org.alpenstack.link.afpacket.sys;

import org.alpenstack.kernel.socket.Errno;

/** What an operator should do about a failed call: the second half of every NativeException message. */
final class Advice {
    private Advice() {
    }

    static String forErrno(String call, int errno) {
        switch (errno) {
            case Errno.EPERM:
            case Errno.EACCES:
                if (call.startsWith("socket(AF_PACKET")) {
                    return "AF_PACKET needs CAP_NET_RAW: run as root or grant the capability"
                            + " (setcap cap_net_raw,cap_net_admin+ep on the java binary)";
                }
                if (call.startsWith("open(/dev/net/tun") || call.startsWith("ioctl(TUNSETIFF")) {
                    return "creating a TAP device needs CAP_NET_ADMIN: run as root or grant the capability";
                }
                if (call.startsWith("setns")) {
                    return "entering a network namespace needs CAP_SYS_ADMIN";
                }
                return "needs CAP_NET_ADMIN: run as root or grant the capability";
            case Errno.ENODEV:
                return "no such network device in this network namespace: check the name with `ip link`";
            case Errno.ENOENT:
                if (call.startsWith("open(/dev/net/tun")) {
                    return "the tun driver is missing: load it with `modprobe tun`";
                }
                if (call.startsWith("open(/var/run/netns")) {
                    return "no such network namespace: check `ip netns list`";
                }
                return "";
            case Errno.ENETDOWN:
                return "the interface is down: `ip link set <dev> up`";
            case Errno.ENOMEM:
                return "the kernel could not allocate the ring: use fewer or smaller blocks";
            case Errno.EBUSY:
                return "the device or option is in use by someone else";
            case Errno.EAFNOSUPPORT:
                return "the kernel has no AF_PACKET support (CONFIG_PACKET)";
            case Errno.ENOPROTOOPT:
                return "this kernel does not know the socket option; it may be too old";
            case Errno.EMFILE:
            case Errno.ENFILE:
                return "out of file descriptors: raise `ulimit -n`";
            default:
                return "";
        }
    }
}
