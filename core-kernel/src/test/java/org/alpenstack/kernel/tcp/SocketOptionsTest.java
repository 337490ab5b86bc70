package org.alpenstack.kernel.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.wire.TcpFlags;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Socket options as a Linux program sees them: numbers, byte layouts, errno values. */
class SocketOptionsTest {
    private final ScriptedPeer peer = new ScriptedPeer();

    @AfterEach
    void noLeaks() {
        peer.close();
    }

    private static byte[] hostInt(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void integerOptionsRoundTripAsHostOrderInts() {
        TcpSocket s = peer.socket();
        assertEquals(0, s.setOption(TcpSocket.SOL_TCP, TcpSocket.TCP_NODELAY, hostInt(1), 0, 4));
        byte[] out = new byte[8];
        assertEquals(4, s.getOption(TcpSocket.SOL_TCP, TcpSocket.TCP_NODELAY, out, 0, 8));
        assertEquals(1, le(out).getInt(0));
        assertEquals(-Errno.EINVAL, s.setOption(TcpSocket.SOL_TCP, TcpSocket.TCP_NODELAY, new byte[2], 0, 2),
                "Linux: optlen < sizeof(int)");
        assertEquals(0, s.setOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_SNDBUF, hostInt(10000), 0, 4));
        assertEquals(4, s.getOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_SNDBUF, out, 0, 4));
        assertEquals(20000, le(out).getInt(0), "SO_SNDBUF reads back doubled, as in Linux");
        assertEquals(-Errno.ENOPROTOOPT, s.getOption(99, 1, out, 0, 4));
    }

    @Test
    void lingerIsAStructOfTwoInts() {
        TcpSocket s = peer.socket();
        byte[] linger = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(0).array();
        assertEquals(0, s.setOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_LINGER, linger, 0, 8));
        assertEquals(-Errno.EINVAL, s.setOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_LINGER, linger, 0, 4));
        byte[] out = new byte[8];
        assertEquals(8, s.getOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_LINGER, out, 0, 8));
        assertEquals(1, le(out).getInt(0));
        assertEquals(0, le(out).getInt(4));
        assertTrue(s.lingerOn());
    }

    @Test
    void congestionControlIsChosenByName() {
        TcpSocket s = peer.acceptedPlain();
        byte[] out = new byte[TcpSocket.CA_NAME_MAX];
        assertEquals(16, s.getOption(TcpSocket.SOL_TCP, TcpSocket.TCP_CONGESTION, out, 0, out.length));
        assertEquals("cubic", new String(out, StandardCharsets.US_ASCII).trim().replace("\0", ""));
        byte[] reno = "reno\0".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0, s.setOption(TcpSocket.SOL_TCP, TcpSocket.TCP_CONGESTION, reno, 0, reno.length));
        assertEquals("newreno", s.congestion());
        byte[] bogus = "bbr9".getBytes(StandardCharsets.US_ASCII);
        assertEquals(-Errno.ENOENT, s.setOption(TcpSocket.SOL_TCP, TcpSocket.TCP_CONGESTION, bogus, 0, bogus.length));
    }

    @Test
    void tcpInfoHasLinuxLayout() {
        TcpSocket s = peer.accepted(Wire.seg(TcpFlags.SYN).win(65535).mss(1000).sackOk().ts(0, 0).wscale(7));
        s.write(new byte[3000], 0, 3000);
        peer.emitted.clear();
        byte[] info = new byte[TcpSocket.TCP_INFO_SIZE + 16];
        assertEquals(TcpSocket.TCP_INFO_SIZE, s.getOption(TcpSocket.SOL_TCP, TcpSocket.TCP_INFO, info, 0, info.length));
        ByteBuffer b = le(info);
        assertEquals(1, info[0], "tcpi_state TCP_ESTABLISHED");
        assertEquals(TcpInfoStruct.OPT_TIMESTAMPS | TcpInfoStruct.OPT_SACK | TcpInfoStruct.OPT_WSCALE, info[5]);
        assertEquals(7, info[6] & 0xf, "tcpi_snd_wscale in the low nibble");
        assertEquals(1000 - 12, b.getInt(16), "tcpi_snd_mss");
        assertEquals(4, b.getInt(24), "tcpi_unacked in segments (3000 bytes at MSS 988)");
        assertEquals(10, b.getInt(80), "tcpi_snd_cwnd in segments (RFC 6928 initial window)");
        assertEquals(0x7fffffff, b.getInt(76), "tcpi_snd_ssthresh infinite");
        assertTrue(b.getInt(8) >= 200_000, "tcpi_rto in microseconds");
        assertEquals(65535 << 7, b.getInt(228), "tcpi_snd_wnd");
        // a shorter buffer gets a prefix, as from the kernel
        assertEquals(8, s.getOption(TcpSocket.SOL_TCP, TcpSocket.TCP_INFO, new byte[8], 0, 8));
        TcpSocket l = peer.socket();
        l.bind(new org.alpenstack.kernel.socket.InetEndpoint(0, 7));
        l.listen(1);
        assertEquals(TcpSocket.TCP_INFO_SIZE, l.getOption(TcpSocket.SOL_TCP, TcpSocket.TCP_INFO, info, 0, info.length));
        assertEquals(10, info[0], "TCP_LISTEN");
        assertTrue(s.info() != null && s.info().sndMss() == 988);
        // the listing the admin API shows
        java.util.List<TcpConnectionInfo> all = peer.tcp.connectionsSnapshot();
        assertEquals(1, all.size());
        assertEquals(TcpState.ESTABLISHED, all.get(0).state());
        assertEquals(s.id(), all.get(0).socketId());
        assertEquals(3000, all.get(0).sendQueue());
        assertEquals("ESTABLISHED", all.get(0).info().state());
    }
}
