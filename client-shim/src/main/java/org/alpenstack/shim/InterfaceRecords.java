package org.alpenstack.shim;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.alpenstack.kernel.iface.InterfaceAddress;
import org.alpenstack.kernel.iface.NetInterface;
import org.alpenstack.kernel.stack.NetStack;

/**
 * The instance's interfaces as GETIFADDRS records (48 bytes each, one per address, or one with
 * address 0 for an interface without any), from which the shim answers getifaddrs(3) and the
 * SIOCGIF* ioctls.
 */
final class InterfaceRecords {
    // linux/if.h
    static final int IFF_UP = 0x1;
    static final int IFF_BROADCAST = 0x2;
    static final int IFF_LOOPBACK = 0x8;
    static final int IFF_RUNNING = 0x40;
    static final int IFF_MULTICAST = 0x1000;

    private InterfaceRecords() {
    }

    static void write(NetStack stack, ByteBuf out) {
        for (NetInterface i : stack.interfaces()) {
            if (i.addresses().isEmpty()) {
                record(out, i, null);
            }
            for (InterfaceAddress a : i.addresses()) {
                if (out.readableBytes() + ShimProtocol.IFRECORD_LEN > ShimProtocol.MAX_PAYLOAD) {
                    return;
                }
                record(out, i, a);
            }
        }
    }

    private static void record(ByteBuf out, NetInterface i, InterfaceAddress a) {
        byte[] name = i.name().getBytes(StandardCharsets.US_ASCII);
        int n = Math.min(name.length, 15);
        out.writeBytes(name, 0, n);
        out.writeZero(16 - n);
        int flags = (i.isUp() ? IFF_UP | IFF_RUNNING : 0)
                | (i.isLoopback() ? IFF_LOOPBACK : IFF_BROADCAST | IFF_MULTICAST);
        out.writeIntLE(flags);
        out.writeIntLE(i.index());
        out.writeInt(a == null ? 0 : a.address());
        out.writeInt(a == null ? 0 : a.mask());
        out.writeInt(a == null || i.isLoopback() ? 0 : a.broadcast());
        out.writeIntLE(i.mtu());
        long mac = i.macBits();
        for (int k = 5; k >= 0; k--) {
            out.writeByte((int) (mac >>> (8 * k)));
        }
        out.writeZero(2);
    }
}
