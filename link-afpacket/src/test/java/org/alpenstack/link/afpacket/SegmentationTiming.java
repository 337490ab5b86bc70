package org.alpenstack.link.afpacket;

import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.link.SoftwareOffload;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.Ipv4Packet;
import org.alpenstack.kernel.wire.TcpHeader;
import org.alpenstack.link.afpacket.sys.VirtioNetHdr;

/**
 * Rough timing of both segmenters cutting a 64 KiB IPv4/TCP super-frame into segments (not a
 * test; for before/after comparisons of a change to {@code TcpSegmentation}).
 * Argument {@code gso} or {@code so} times only one of them, in a JVM of its own; a second
 * argument sets gso_size (default 1448, e.g. 8948 for a 9000-byte MTU). Run with the
 * test classpath, e.g. after {@code mvn -o -q -pl core-kernel,link-afpacket -am test-compile
 * dependency:build-classpath -Dmdep.outputFile=/tmp/cp -Dmdep.includeScope=test}:
 * {@code java -cp link-afpacket/target/test-classes:link-afpacket/target/classes:core-kernel/target/classes:$(cat /tmp/cp) org.alpenstack.link.afpacket.SegmentationTiming gso}.
 * Prints the best of 12 rounds.
 */
public final class SegmentationTiming {
    public static void main(String[] args) {
        int payload = 65_000;
        byte[] f = new byte[14 + 20 + 32 + payload];
        Bytes.u16(f, 12, 0x0800);
        Ipv4Packet.emit(f, 14, 0x0a000001, 0x0a000002, 6, 32 + payload, 64, 0, 1, Ipv4Packet.FLAG_DONT_FRAGMENT);
        TcpHeader.headerLengthAndFlags(f, 34, 32, 0x18);
        for (int i = 66; i < f.length; i++) {
            f[i] = (byte) (i * 31);
        }
        BufferPool pool = new BufferPool(256, false);
        FrameBatch batch = new FrameBatch(128 * 1024, 64);
        long sink = 0;
        String only = args.length > 0 ? args[0] : "";
        int mss = args.length > 1 ? Integer.parseInt(args[1]) : 1448;
        double bestGso = 1e9;
        double bestSo = 1e9;
        for (int round = 0; round < 12; round++) {
            int iters = 10_000;
            long t0 = System.nanoTime();
            for (int k = 0; k < iters && !only.equals("so"); k++) {
                batch.clear();
                sink += GsoSegmenter.segment(f, 0, f.length, VirtioNetHdr.GSO_TCPV4, mss, batch);
            }
            long t1 = System.nanoTime();
            for (int k = 0; k < iters && !only.equals("gso"); k++) {
                PacketBuffer p = pool.acquire(BufferPool.DEFAULT_HEADROOM, f.length);
                System.arraycopy(f, 0, p.array(), p.append(f.length), f.length);
                p.checksumPartial(34, TcpHeader.CHECKSUM).gsoSize(mss);
                sink += SoftwareOffload.finishFrame(p, pool, PacketBuffer::release);
            }
            long t2 = System.nanoTime();
            bestGso = Math.min(bestGso, (t1 - t0) / 1e3 / iters);
            bestSo = Math.min(bestSo, (t2 - t1) / 1e3 / iters);
            System.out.printf("round %d: GsoSegmenter %.1f us/64KiB, SoftwareOffload (incl. copy in) %.1f us/64KiB%n",
                    round, (t1 - t0) / 1e3 / iters, (t2 - t1) / 1e3 / iters);
        }
        System.out.printf("best: GsoSegmenter %.2f us, SoftwareOffload %.2f us per 64 KiB (gso_size %d)%n", bestGso, bestSo, mss);
        System.out.println(sink);
    }
}
