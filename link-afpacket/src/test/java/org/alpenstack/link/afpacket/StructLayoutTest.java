package org.alpenstack.link.afpacket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.alpenstack.link.afpacket.sys.EthtoolValue;
import org.alpenstack.link.afpacket.sys.Ifreq;
import org.alpenstack.link.afpacket.sys.LibC;
import org.alpenstack.link.afpacket.sys.MmsgHdr;
import org.alpenstack.link.afpacket.sys.PacketMreq;
import org.alpenstack.link.afpacket.sys.PacketOptions;
import org.alpenstack.link.afpacket.sys.PollFd;
import org.alpenstack.link.afpacket.sys.SockFprog;
import org.alpenstack.link.afpacket.sys.SockaddrLl;
import org.alpenstack.link.afpacket.sys.Tpacket3Hdr;
import org.alpenstack.link.afpacket.sys.TpacketAuxdata;
import org.alpenstack.link.afpacket.sys.TpacketBlockDesc;
import org.alpenstack.link.afpacket.sys.TpacketReq3;
import org.alpenstack.link.afpacket.sys.TpacketStatsV3;
import org.alpenstack.link.afpacket.sys.Tun;
import org.alpenstack.link.afpacket.sys.VirtioNetHdr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offset constants of the C struct views and the Linux constants, checked against the C
 * headers of this machine: the test writes a C program that prints offsetof/sizeof/values,
 * compiles it with the system C compiler and compares. Skipped without a C compiler.
 */
class StructLayoutTest {
    private static Map<String, Long> expected() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("sizeof(struct sockaddr_ll)", (long) SockaddrLl.SIZE);
        m.put("offsetof(struct sockaddr_ll, sll_protocol)", (long) SockaddrLl.PROTOCOL);
        m.put("offsetof(struct sockaddr_ll, sll_ifindex)", (long) SockaddrLl.IFINDEX);
        m.put("offsetof(struct sockaddr_ll, sll_hatype)", (long) SockaddrLl.HATYPE);
        m.put("offsetof(struct sockaddr_ll, sll_pkttype)", (long) SockaddrLl.PKTTYPE);
        m.put("offsetof(struct sockaddr_ll, sll_halen)", (long) SockaddrLl.HALEN);
        m.put("offsetof(struct sockaddr_ll, sll_addr)", (long) SockaddrLl.ADDR);
        m.put("sizeof(struct tpacket_req3)", (long) TpacketReq3.SIZE);
        m.put("offsetof(struct tpacket_req3, tp_block_nr)", (long) TpacketReq3.BLOCK_NR);
        m.put("offsetof(struct tpacket_req3, tp_frame_size)", (long) TpacketReq3.FRAME_SIZE);
        m.put("offsetof(struct tpacket_req3, tp_frame_nr)", (long) TpacketReq3.FRAME_NR);
        m.put("offsetof(struct tpacket_req3, tp_retire_blk_tov)", (long) TpacketReq3.RETIRE_BLK_TOV);
        m.put("offsetof(struct tpacket_req3, tp_sizeof_priv)", (long) TpacketReq3.SIZEOF_PRIV);
        m.put("offsetof(struct tpacket_req3, tp_feature_req_word)", (long) TpacketReq3.FEATURE_REQ_WORD);
        m.put("sizeof(struct tpacket_block_desc)", (long) TpacketBlockDesc.SIZE);
        m.put("offsetof(struct tpacket_block_desc, offset_to_priv)", (long) TpacketBlockDesc.OFFSET_TO_PRIV);
        m.put("offsetof(struct tpacket_block_desc, hdr.bh1.block_status)", (long) TpacketBlockDesc.BLOCK_STATUS);
        m.put("offsetof(struct tpacket_block_desc, hdr.bh1.num_pkts)", (long) TpacketBlockDesc.NUM_PKTS);
        m.put("offsetof(struct tpacket_block_desc, hdr.bh1.offset_to_first_pkt)", (long) TpacketBlockDesc.OFFSET_TO_FIRST_PKT);
        m.put("offsetof(struct tpacket_block_desc, hdr.bh1.blk_len)", (long) TpacketBlockDesc.BLK_LEN);
        m.put("offsetof(struct tpacket_block_desc, hdr.bh1.seq_num)", (long) TpacketBlockDesc.SEQ_NUM);
        m.put("sizeof(struct tpacket3_hdr)", (long) Tpacket3Hdr.SIZE);
        m.put("offsetof(struct tpacket3_hdr, tp_next_offset)", (long) Tpacket3Hdr.NEXT_OFFSET);
        m.put("offsetof(struct tpacket3_hdr, tp_sec)", (long) Tpacket3Hdr.SEC);
        m.put("offsetof(struct tpacket3_hdr, tp_nsec)", (long) Tpacket3Hdr.NSEC);
        m.put("offsetof(struct tpacket3_hdr, tp_snaplen)", (long) Tpacket3Hdr.SNAPLEN);
        m.put("offsetof(struct tpacket3_hdr, tp_len)", (long) Tpacket3Hdr.LEN);
        m.put("offsetof(struct tpacket3_hdr, tp_status)", (long) Tpacket3Hdr.STATUS);
        m.put("offsetof(struct tpacket3_hdr, tp_mac)", (long) Tpacket3Hdr.MAC);
        m.put("offsetof(struct tpacket3_hdr, tp_net)", (long) Tpacket3Hdr.NET);
        m.put("offsetof(struct tpacket3_hdr, hv1.tp_rxhash)", (long) Tpacket3Hdr.RXHASH);
        m.put("offsetof(struct tpacket3_hdr, hv1.tp_vlan_tci)", (long) Tpacket3Hdr.VLAN_TCI);
        m.put("offsetof(struct tpacket3_hdr, hv1.tp_vlan_tpid)", (long) Tpacket3Hdr.VLAN_TPID);
        m.put("sizeof(struct tpacket_stats_v3)", (long) TpacketStatsV3.SIZE);
        m.put("offsetof(struct tpacket_stats_v3, tp_drops)", (long) TpacketStatsV3.DROPS);
        m.put("offsetof(struct tpacket_stats_v3, tp_freeze_q_cnt)", (long) TpacketStatsV3.FREEZE_Q_CNT);
        m.put("sizeof(struct packet_mreq)", (long) PacketMreq.SIZE);
        m.put("offsetof(struct packet_mreq, mr_type)", (long) PacketMreq.TYPE);
        m.put("offsetof(struct packet_mreq, mr_alen)", (long) PacketMreq.ALEN);
        m.put("offsetof(struct packet_mreq, mr_address)", (long) PacketMreq.ADDRESS);
        m.put("sizeof(struct sock_fprog)", (long) SockFprog.SIZE);
        m.put("offsetof(struct sock_fprog, filter)", (long) SockFprog.FILTER);
        m.put("sizeof(struct sock_filter)", (long) SockFprog.INSN_SIZE);
        m.put("offsetof(struct sock_filter, jt)", (long) SockFprog.INSN_JT);
        m.put("offsetof(struct sock_filter, jf)", (long) SockFprog.INSN_JF);
        m.put("offsetof(struct sock_filter, k)", (long) SockFprog.INSN_K);
        m.put("BPF_MAXINSNS", (long) SockFprog.MAX_INSNS);
        m.put("sizeof(struct virtio_net_hdr)", (long) VirtioNetHdr.SIZE);
        m.put("offsetof(struct virtio_net_hdr, gso_type)", (long) VirtioNetHdr.GSO_TYPE);
        m.put("offsetof(struct virtio_net_hdr, hdr_len)", (long) VirtioNetHdr.HDR_LEN);
        m.put("offsetof(struct virtio_net_hdr, gso_size)", (long) VirtioNetHdr.GSO_SIZE);
        m.put("offsetof(struct virtio_net_hdr, csum_start)", (long) VirtioNetHdr.CSUM_START);
        m.put("offsetof(struct virtio_net_hdr, csum_offset)", (long) VirtioNetHdr.CSUM_OFFSET);
        m.put("VIRTIO_NET_HDR_F_NEEDS_CSUM", (long) VirtioNetHdr.F_NEEDS_CSUM);
        m.put("VIRTIO_NET_HDR_F_DATA_VALID", (long) VirtioNetHdr.F_DATA_VALID);
        m.put("VIRTIO_NET_HDR_GSO_TCPV4", (long) VirtioNetHdr.GSO_TCPV4);
        m.put("VIRTIO_NET_HDR_GSO_UDP", (long) VirtioNetHdr.GSO_UDP);
        m.put("VIRTIO_NET_HDR_GSO_TCPV6", (long) VirtioNetHdr.GSO_TCPV6);
        m.put("VIRTIO_NET_HDR_GSO_ECN", (long) VirtioNetHdr.GSO_ECN);
        m.put("sizeof(struct tpacket_auxdata)", (long) TpacketAuxdata.SIZE);
        m.put("offsetof(struct tpacket_auxdata, tp_len)", (long) TpacketAuxdata.LEN);
        m.put("offsetof(struct tpacket_auxdata, tp_snaplen)", (long) TpacketAuxdata.SNAPLEN);
        m.put("offsetof(struct tpacket_auxdata, tp_vlan_tci)", (long) TpacketAuxdata.VLAN_TCI);
        m.put("offsetof(struct tpacket_auxdata, tp_vlan_tpid)", (long) TpacketAuxdata.VLAN_TPID);
        m.put("offsetof(struct cmsghdr, cmsg_level)", (long) TpacketAuxdata.CMSG_LEVEL);
        m.put("offsetof(struct cmsghdr, cmsg_type)", (long) TpacketAuxdata.CMSG_TYPE);
        m.put("CMSG_LEN(0)", (long) TpacketAuxdata.CMSG_DATA);
        m.put("CMSG_SPACE(sizeof(struct tpacket_auxdata))", (long) TpacketAuxdata.CMSG_SPACE);
        m.put("sizeof(struct ifreq)", (long) Ifreq.SIZE);
        m.put("offsetof(struct ifreq, ifr_ifindex)", (long) Ifreq.UNION);
        m.put("offsetof(struct ifreq, ifr_mtu)", (long) Ifreq.UNION);
        m.put("offsetof(struct ifreq, ifr_flags)", (long) Ifreq.UNION);
        m.put("offsetof(struct ifreq, ifr_hwaddr.sa_data)", (long) Ifreq.SA_DATA);
        m.put("offsetof(struct ifreq, ifr_data)", (long) Ifreq.UNION);
        m.put("IFNAMSIZ", (long) Ifreq.IFNAMSIZ);
        m.put("sizeof(struct mmsghdr)", (long) MmsgHdr.SIZE);
        m.put("offsetof(struct mmsghdr, msg_len)", (long) MmsgHdr.MSG_LEN);
        m.put("offsetof(struct msghdr, msg_iov)", (long) MmsgHdr.MSG_IOV);
        m.put("offsetof(struct msghdr, msg_iovlen)", (long) MmsgHdr.MSG_IOVLEN);
        m.put("offsetof(struct msghdr, msg_control)", (long) MmsgHdr.MSG_CONTROL);
        m.put("offsetof(struct msghdr, msg_flags)", (long) MmsgHdr.MSG_FLAGS);
        m.put("sizeof(struct iovec)", (long) MmsgHdr.IOVEC_SIZE);
        m.put("offsetof(struct iovec, iov_len)", (long) MmsgHdr.IOV_LEN);
        m.put("sizeof(struct pollfd)", (long) PollFd.SIZE);
        m.put("offsetof(struct pollfd, events)", (long) PollFd.EVENTS);
        m.put("offsetof(struct pollfd, revents)", (long) PollFd.REVENTS);
        m.put("sizeof(struct ethtool_value)", (long) EthtoolValue.SIZE);
        m.put("SOL_PACKET", (long) PacketOptions.SOL_PACKET);
        m.put("PACKET_ADD_MEMBERSHIP", (long) PacketOptions.PACKET_ADD_MEMBERSHIP);
        m.put("PACKET_DROP_MEMBERSHIP", (long) PacketOptions.PACKET_DROP_MEMBERSHIP);
        m.put("PACKET_RX_RING", (long) PacketOptions.PACKET_RX_RING);
        m.put("PACKET_STATISTICS", (long) PacketOptions.PACKET_STATISTICS);
        m.put("PACKET_AUXDATA", (long) PacketOptions.PACKET_AUXDATA);
        m.put("PACKET_VERSION", (long) PacketOptions.PACKET_VERSION);
        m.put("PACKET_VNET_HDR", (long) PacketOptions.PACKET_VNET_HDR);
        m.put("PACKET_QDISC_BYPASS", (long) PacketOptions.PACKET_QDISC_BYPASS);
        m.put("PACKET_IGNORE_OUTGOING", (long) PacketOptions.PACKET_IGNORE_OUTGOING);
        m.put("TPACKET_V3", (long) PacketOptions.TPACKET_V3);
        m.put("PACKET_MR_UNICAST", (long) PacketOptions.PACKET_MR_UNICAST);
        m.put("TP_STATUS_KERNEL", (long) TpacketBlockDesc.TP_STATUS_KERNEL);
        m.put("TP_STATUS_USER", (long) TpacketBlockDesc.TP_STATUS_USER);
        m.put("TP_STATUS_CSUMNOTREADY", (long) Tpacket3Hdr.TP_STATUS_CSUMNOTREADY);
        m.put("TP_STATUS_VLAN_VALID", (long) Tpacket3Hdr.TP_STATUS_VLAN_VALID);
        m.put("TP_STATUS_VLAN_TPID_VALID", (long) Tpacket3Hdr.TP_STATUS_VLAN_TPID_VALID);
        m.put("TP_STATUS_CSUM_VALID", (long) Tpacket3Hdr.TP_STATUS_CSUM_VALID);
        m.put("SO_ATTACH_FILTER", (long) LibC.SO_ATTACH_FILTER);
        m.put("SO_DETACH_FILTER", (long) LibC.SO_DETACH_FILTER);
        m.put("SOL_SOCKET", (long) LibC.SOL_SOCKET);
        m.put("AF_PACKET", (long) LibC.AF_PACKET);
        m.put("SOCK_RAW", (long) LibC.SOCK_RAW);
        m.put("SOCK_CLOEXEC", (long) LibC.SOCK_CLOEXEC);
        m.put("ETH_P_ALL", (long) LibC.ETH_P_ALL);
        m.put("O_NONBLOCK", (long) LibC.O_NONBLOCK);
        m.put("O_CLOEXEC", (long) LibC.O_CLOEXEC);
        m.put("EFD_NONBLOCK", (long) LibC.EFD_NONBLOCK);
        m.put("MAP_POPULATE", (long) LibC.MAP_POPULATE);
        m.put("MSG_DONTWAIT", (long) LibC.MSG_DONTWAIT);
        m.put("MSG_TRUNC", (long) LibC.MSG_TRUNC);
        m.put("SO_RCVBUF", (long) LibC.SO_RCVBUF);
        m.put("SO_RCVBUFFORCE", (long) LibC.SO_RCVBUFFORCE);
        m.put("CLONE_NEWNET", (long) LibC.CLONE_NEWNET);
        m.put("POLLIN", (long) PollFd.POLLIN);
        m.put("POLLERR", (long) PollFd.POLLERR);
        m.put("TUNSETIFF", Tun.TUNSETIFF);
        m.put("TUNSETPERSIST", Tun.TUNSETPERSIST);
        m.put("TUNSETOFFLOAD", Tun.TUNSETOFFLOAD);
        m.put("IFF_TAP", (long) Tun.IFF_TAP);
        m.put("IFF_NO_PI", (long) Tun.IFF_NO_PI);
        m.put("IFF_VNET_HDR", (long) Tun.IFF_VNET_HDR);
        m.put("SIOCGIFINDEX", Ifreq.SIOCGIFINDEX);
        m.put("SIOCGIFHWADDR", Ifreq.SIOCGIFHWADDR);
        m.put("SIOCSIFHWADDR", Ifreq.SIOCSIFHWADDR);
        m.put("SIOCGIFMTU", Ifreq.SIOCGIFMTU);
        m.put("SIOCSIFMTU", Ifreq.SIOCSIFMTU);
        m.put("SIOCGIFFLAGS", Ifreq.SIOCGIFFLAGS);
        m.put("SIOCSIFFLAGS", Ifreq.SIOCSIFFLAGS);
        m.put("SIOCGIFADDR", Ifreq.SIOCGIFADDR);
        m.put("SIOCSIFADDR", Ifreq.SIOCSIFADDR);
        m.put("SIOCSIFNETMASK", Ifreq.SIOCSIFNETMASK);
        m.put("SIOCETHTOOL", Ifreq.SIOCETHTOOL);
        m.put("IFF_UP", (long) Ifreq.IFF_UP);
        m.put("IFF_RUNNING", (long) Ifreq.IFF_RUNNING);
        m.put("IFF_PROMISC", (long) Ifreq.IFF_PROMISC);
        m.put("ETHTOOL_GRXCSUM", (long) EthtoolValue.GRXCSUM);
        m.put("ETHTOOL_SRXCSUM", (long) EthtoolValue.SRXCSUM);
        m.put("ETHTOOL_GTXCSUM", (long) EthtoolValue.GTXCSUM);
        m.put("ETHTOOL_STXCSUM", (long) EthtoolValue.STXCSUM);
        m.put("ETHTOOL_GSG", (long) EthtoolValue.GSG);
        m.put("ETHTOOL_SSG", (long) EthtoolValue.SSG);
        m.put("ETHTOOL_GTSO", (long) EthtoolValue.GTSO);
        m.put("ETHTOOL_STSO", (long) EthtoolValue.STSO);
        m.put("ETHTOOL_GGSO", (long) EthtoolValue.GGSO);
        m.put("ETHTOOL_SGSO", (long) EthtoolValue.SGSO);
        m.put("ETHTOOL_GGRO", (long) EthtoolValue.GGRO);
        m.put("ETHTOOL_SGRO", (long) EthtoolValue.SGRO);
        return m;
    }

    @Test
    void javaConstantsMatchTheLinuxHeaders(@TempDir Path dir) throws IOException, InterruptedException {
        Path cc = findCompiler();
        assumeTrue(cc != null, "no C compiler (cc/gcc) on PATH: cannot compare struct layouts with the system headers");
        Map<String, Long> want = expected();
        StringBuilder c = new StringBuilder("""
                #define _GNU_SOURCE
                #include <stdio.h>
                #include <stddef.h>
                #include <poll.h>
                #include <sys/socket.h>
                #include <sys/ioctl.h>
                #include <sys/mman.h>
                #include <sys/eventfd.h>
                #include <fcntl.h>
                #include <sched.h>
                #include <net/if.h>
                #include <linux/if_packet.h>
                #include <linux/if_ether.h>
                #include <linux/if_tun.h>
                #include <linux/filter.h>
                #include <linux/virtio_net.h>
                #include <linux/ethtool.h>
                #include <linux/sockios.h>
                int main(void) {
                """);
        for (String expr : want.keySet()) {
            c.append("  printf(\"%s=%ld\\n\", \"").append(expr).append("\", (long)(").append(expr).append("));\n");
        }
        c.append("  return 0;\n}\n");
        Path src = dir.resolve("layout.c");
        Path exe = dir.resolve("layout");
        Files.writeString(src, c.toString());
        String compile = run(cc.toString(), "-o", exe.toString(), src.toString());
        assumeTrue(Files.exists(exe) || !compile.contains("No such file"),
                "the Linux C headers are not installed: " + compile);
        assertTrue(Files.exists(exe), "the layout program does not compile:\n" + compile);
        String out = run(exe.toString());
        Map<String, Long> got = new TreeMap<>();
        for (String line : out.split("\n")) {
            int eq = line.lastIndexOf('=');
            if (eq > 0) {
                got.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1).trim()));
            }
        }
        for (Map.Entry<String, Long> e : want.entrySet()) {
            assertEquals(got.get(e.getKey()), e.getValue(), e.getKey());
        }
    }

    private static Path findCompiler() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            for (String name : new String[] {"cc", "gcc"}) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", cmd));
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
