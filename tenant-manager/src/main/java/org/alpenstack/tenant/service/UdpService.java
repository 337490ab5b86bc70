package org.alpenstack.tenant.service;

import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.socket.Readiness;
import org.alpenstack.kernel.socket.RecvMeta;
import org.alpenstack.kernel.socket.SocketOptions;
import org.alpenstack.kernel.socket.StackSocket;
import org.alpenstack.kernel.udp.UdpSocket;
import org.alpenstack.tenant.ContextScratch;
import org.alpenstack.tenant.StackInstance;

/**
 * The UDP side of inetd's internal services, on one instance's context: echo (RFC 862: each
 * datagram is sent back to its source), discard (RFC 863: received and dropped) and chargen
 * (RFC 864: each datagram is answered by one of a random length between 0 and 512 bytes of the
 * character pattern). The socket is bound to INADDR_ANY and read until EAGAIN whenever the
 * reactor says it is readable.
 */
public final class UdpService implements InstanceService {
    private final Kind kind;
    private final StackInstance instance;
    private final UdpSocket socket;
    private final RecvMeta meta = new RecvMeta();
    private long received;
    private long sent;
    private long sendErrors;
    private int chargenLength;

    private UdpService(Kind kind, StackInstance instance, UdpSocket socket) {
        this.kind = kind;
        this.instance = instance;
        this.socket = socket;
    }

    /** On the instance's context: binds 0.0.0.0:{@code port}; returns -errno when the port is taken. */
    static int start(Kind kind, StackInstance instance, int port, java.util.List<InstanceService> out) {
        UdpSocket s = instance.stack().openUdp();
        // Bursts of large datagrams (fragmented ones included) must not overflow the queue
        // between two drains: ask for rmem_max like a busy server would.
        s.setOption(SocketOptions.SOL_SOCKET, SocketOptions.SO_RCVBUF, SocketOptions.MAX_BUFFER);
        int r = s.bind(new InetEndpoint(0, port));
        if (r < 0) {
            s.close();
            return r;
        }
        UdpService svc = new UdpService(kind, instance, s);
        instance.reactor().watch(s, svc::onReady);
        out.add(svc);
        return 0;
    }

    private void onReady(StackSocket s, int events) {
        if ((events & (Readiness.POLLIN | Readiness.POLLERR)) == 0) {
            return;
        }
        byte[] buffer = ContextScratch.get();
        while (true) {
            int n = socket.recvFrom(buffer, 0, buffer.length, 0, meta);
            if (n == -Errno.EAGAIN) {
                return;
            }
            if (n < 0) {
                // An ICMP error from an earlier reply (port unreachable ...): reported once, go on.
                continue;
            }
            received++;
            switch (kind) {
                case ECHO -> reply(buffer, n);
                case CHARGEN -> {
                    chargenLength = (chargenLength * 1103515245 + 12345) & 0x7fffffff;
                    int len = chargenLength % 513;
                    Chargen.fill(buffer, 0, len, received);
                    reply(buffer, len);
                }
                case DISCARD -> { }
            }
        }
    }

    private void reply(byte[] data, int len) {
        int r = socket.sendTo(data, 0, len, 0, new InetEndpoint(meta.sourceAddress, meta.sourcePort));
        if (r < 0) {
            sendErrors++;
        } else {
            sent++;
        }
    }

    @Override
    public String name() {
        return kind.name().toLowerCase() + "/udp";
    }

    @Override
    public int port() {
        return socket.localEndpoint().port();
    }

    @Override
    public String describe() {
        return name() + " port " + port() + " received " + received + " sent " + sent + " send-errors " + sendErrors;
    }

    @Override
    public void stop() {
        instance.reactor().unwatch(socket);
        socket.close();
    }
}
