package org.alpenstack.link.afpacket;

import java.util.ArrayList;
import java.util.List;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;

/**
 * The smallest IPv4 host that a Linux peer can ping: it answers ARP requests for its address
 * (RFC 826) and ICMP echo requests to it (RFC 792) with hand-built frames, and records every
 * frame it saw. It stands in for a stack instance in the link tests.
 */
final class TinyHost {
    final long mac;
    final int ip;
    final BufferPool pool = new BufferPool();
    final List<byte[]> seen = new ArrayList<>();
    int arpRequests;
    int echoRequests;

    TinyHost(long mac, int ip) {
        this.mac = mac;
        this.ip = ip;
    }

    /** Handles a batch: records, and transmits replies through {@code tx}. */
    void onBatch(FrameBatch batch, FrameTransmitter tx) {
        byte[] a = batch.array();
        for (int i = 0; i < batch.count(); i++) {
            int off = batch.offset(i);
            int len = batch.length(i);
            seen.add(java.util.Arrays.copyOfRange(a, off, off + len));
            byte[] reply = null;
            if (Frames.isArpRequestFor(a, off, len, ip)) {
                arpRequests++;
                reply = Frames.arp(2, mac, ip, Frames.arpSenderMac(a, off), Frames.arpSenderIp(a, off), Frames.arpSenderMac(a, off));
            } else if (Frames.dstMac(a, off) == mac && Frames.isIcmpEchoRequestTo(a, off, len, ip)) {
                echoRequests++;
                reply = Frames.icmpEchoReply(a, off, len, mac);
            }
            if (reply != null) {
                PacketBuffer b = pool.acquire(reply.length);
                b.append(reply, 0, reply.length);
                tx.transmit(b);
            }
        }
        tx.flush();
    }

    /** Runs the port's receive loop on this thread, answering, until {@code ping} ends (at most {@code millis}). */
    void serveWhile(FramePort port, PeerPing ping, long millis) {
        FrameTransmitter tx = port.newTransmitter();
        long end = System.nanoTime() + millis * 1_000_000;
        while (!ping.isDone() && System.nanoTime() < end) {
            port.receiveBatch(50, b -> onBatch(b, tx));
        }
        pool.assertNoLeaks();
    }

    /** Records what arrives until every ping has ended, then for 200 ms more. */
    void listenWhile(FramePort port, PeerPing... pings) {
        long end = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < end && !java.util.Arrays.stream(pings).allMatch(PeerPing::isDone)) {
            listen(port, 50);
        }
        listen(port, 200);
    }

    /** Runs the receive loop for {@code millis}, recording only. */
    void listen(FramePort port, long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            port.receiveBatch(20, b -> onBatch(b, new FrameTransmitter() {
                @Override
                public boolean transmit(PacketBuffer frame) {
                    frame.release();
                    return false;
                }

                @Override
                public int flush() {
                    return 0;
                }

                @Override
                public TxStats stats() {
                    return new TxStats();
                }
            }));
        }
    }
}
