package org.alpenstack.link.afpacket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.junit.jupiter.api.Test;

/**
 * Transmit cost with and without batching, as a ratio measured in one run on one veth (frames
 * go to the peer namespace, whose kernel drops them as not addressed to it). Off by default:
 * {@code mvn -pl link-afpacket -am test -Dtest=TxBatchBenchmarkTest -Dalpenstack.bench=true}.
 */
class TxBatchBenchmarkTest {
    @Test
    void batchedSendmmsgAgainstOneFramePerCall() {
        assumeTrue(Boolean.getBoolean("alpenstack.bench"), "benchmark: run with -Dalpenstack.bench=true");
        Privileges.assumeNetworkTestsCanRun();
        try (Testbed bed = Testbed.create()) {
            double single = run(bed, 1);
            double batched = run(bed, 64);
            System.out.printf("TX 64-byte frames: 1 per sendmmsg %.0f frames/s, 64 per sendmmsg %.0f frames/s, ratio %.2f%n",
                    single, batched, batched / single);
        }
    }

    private static double run(Testbed bed, int batch) {
        AfPacketConfig config = new AfPacketConfig(256 * 1024, 4, 1, 512 * 1024, 1024, batch, true);
        try (AfPacketPort port = NetNamespace.call(bed.local, () -> AfPacketPort.open(bed.localDev, config, BpfProgram.dropAll()))) {
            FrameTransmitter tx = port.newTransmitter();
            BufferPool pool = new BufferPool();
            byte[] frame = Frames.ipv4(0x0200_0000_0077L, 0x0200_0000_0001L, 0xc0000202, 0xc00002fe, 17, 1,
                    Frames.udp(9, 9, new byte[10]));
            int frames = 200_000;
            for (int warm = 0; warm < 2; warm++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < frames; i++) {
                    PacketBuffer b = pool.acquire(frame.length);
                    b.append(frame, 0, frame.length);
                    tx.transmit(b);
                }
                tx.flush();
                long t = System.nanoTime() - t0;
                if (warm == 1) {
                    pool.assertNoLeaks();
                    assertEquals(2L * frames, tx.stats().framesSent() + tx.stats().droppedNoBuffer(), tx.stats().toString());
                    return frames * 1e9 / t;
                }
            }
            throw new AssertionError("unreachable");
        }
    }
}
