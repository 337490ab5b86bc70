package org.alpenstack.link.afpacket;

import java.nio.ByteBuffer;
import org.alpenstack.kernel.wire.MacAddress;
import org.alpenstack.link.afpacket.sys.LibC;
import org.alpenstack.link.afpacket.sys.NativeException;
import org.alpenstack.link.afpacket.sys.NativeMemory;
import org.alpenstack.link.afpacket.sys.PacketMreq;
import org.alpenstack.link.afpacket.sys.PacketOptions;
import org.alpenstack.link.afpacket.sys.SockFprog;
import org.alpenstack.link.afpacket.sys.SockaddrLl;
import org.alpenstack.link.afpacket.sys.TpacketStatsV3;

/**
 * An AF_PACKET SOCK_RAW socket (packet(7)) and its options; the ring and the TX batch live in
 * {@link RxRing} and {@link TxBatch}. Set-up calls are not thread-safe; the port serialises them.
 *
 * <p>The socket is created with protocol 0, which receives nothing, and only {@link #bind} names
 * ETH_P_ALL and the interface. Created with ETH_P_ALL it would start queueing frames from every
 * interface of the namespace before bind, and those would sit in the ring in front of ours.
 */
final class PacketSocket implements AutoCloseable {
    final int fd;
    private final ByteBuffer scratch = NativeMemory.allocate(64);
    private final long scratchAddress = NativeMemory.address(scratch);
    private boolean closed;

    private PacketSocket(int fd) {
        this.fd = fd;
    }

    static PacketSocket open() {
        int fd = NativeException.check(LibC.socket(LibC.AF_PACKET, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, 0),
                "socket(AF_PACKET, SOCK_RAW)");
        return new PacketSocket(fd);
    }

    void setInt(int level, int option, int value, String what) {
        scratch.putInt(0, value);
        NativeException.check(LibC.setsockopt(fd, level, option, scratchAddress, 4), "setsockopt(" + what + ")");
    }

    /** TPACKET_V3: variable-sized frames packed into blocks, retired by the kernel a block at a time. */
    void useTpacketV3() {
        setInt(PacketOptions.SOL_PACKET, PacketOptions.PACKET_VERSION, PacketOptions.TPACKET_V3, "PACKET_VERSION, TPACKET_V3");
    }

    /** A virtio_net_hdr in front of every frame, describing unfinished offloads; must precede the ring. */
    void useVnetHeader() {
        setInt(PacketOptions.SOL_PACKET, PacketOptions.PACKET_VNET_HDR, 1, "PACKET_VNET_HDR");
    }

    /**
     * Do not loop our own transmissions (and the host's) back into the ring: the stack already
     * knows what it sent, and the host's traffic is not for any tenant.
     */
    void ignoreOutgoing() {
        setInt(PacketOptions.SOL_PACKET, PacketOptions.PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING");
    }

    /** Transmit straight to the driver, skipping the qdisc (no traffic shaping, no requeueing). */
    void bypassQdisc() {
        setInt(PacketOptions.SOL_PACKET, PacketOptions.PACKET_QDISC_BYPASS, 1, "PACKET_QDISC_BYPASS");
    }

    void bind(int ifindex, String ifname) {
        SockaddrLl.forBind(scratch, ifindex);
        NativeException.check(LibC.bind(fd, scratchAddress, SockaddrLl.SIZE), "bind(AF_PACKET, " + ifname + ")");
    }

    /** Replaces the socket's filter atomically (SO_ATTACH_FILTER on a socket that has one swaps it). */
    void attachFilter(BpfProgram program) {
        ByteBuffer insns = NativeMemory.allocate(program.length() * SockFprog.INSN_SIZE);
        program.writeTo(insns);
        ByteBuffer fprog = NativeMemory.allocate(SockFprog.SIZE);
        fprog.putShort(SockFprog.LEN, (short) program.length());
        fprog.putLong(SockFprog.FILTER, NativeMemory.address(insns));
        int r = LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_ATTACH_FILTER, NativeMemory.address(fprog), SockFprog.SIZE);
        // The kernel copies the program during the call; keep the buffers reachable until it returns.
        java.lang.ref.Reference.reachabilityFence(insns);
        NativeException.check(r, "setsockopt(SO_ATTACH_FILTER, " + program.length() + " instructions)");
    }

    /** PACKET_ADD_MEMBERSHIP / PACKET_MR_UNICAST: the device accepts frames to {@code mac} without promiscuous mode. */
    void addUnicast(int ifindex, MacAddress mac) {
        membership(PacketOptions.PACKET_ADD_MEMBERSHIP, ifindex, mac, "PACKET_ADD_MEMBERSHIP");
    }

    void dropUnicast(int ifindex, MacAddress mac) {
        membership(PacketOptions.PACKET_DROP_MEMBERSHIP, ifindex, mac, "PACKET_DROP_MEMBERSHIP");
    }

    private void membership(int option, int ifindex, MacAddress mac, String what) {
        PacketMreq.unicast(scratch, ifindex, mac.bits());
        NativeException.check(LibC.setsockopt(fd, PacketOptions.SOL_PACKET, option, scratchAddress, PacketMreq.SIZE),
                "setsockopt(" + what + ", " + mac + ")");
    }

    /** Reads and clears the kernel's counters into {@code stats}. */
    void readStatistics(RxStats stats) {
        // Without a V3 ring the kernel writes struct tpacket_stats (no freeze count): zero it first.
        scratch.putInt(TpacketStatsV3.FREEZE_Q_CNT, 0);
        scratch.putInt(32, TpacketStatsV3.SIZE);
        if (LibC.getsockopt(fd, PacketOptions.SOL_PACKET, PacketOptions.PACKET_STATISTICS, scratchAddress,
                scratchAddress + 32) == 0) {
            stats.kernelPackets += scratch.getInt(TpacketStatsV3.PACKETS) & 0xffffffffL;
            stats.kernelDrops += scratch.getInt(TpacketStatsV3.DROPS) & 0xffffffffL;
            stats.kernelFreezes += scratch.getInt(TpacketStatsV3.FREEZE_Q_CNT) & 0xffffffffL;
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
        }
    }
}
