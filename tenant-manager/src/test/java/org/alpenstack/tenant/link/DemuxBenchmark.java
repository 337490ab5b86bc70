package org.alpenstack.tenant.link;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.alpenstack.kernel.wire.MacAddress;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The shared NIC's demultiplexing, per frame of a 64-frame batch: which of {@code instances}
 * instances a unicast frame is for, by destination MAC (MAC mode) or by IPv4 destination behind
 * the NIC's own MAC (IP mode), frames spread evenly over the instances in random order. This is
 * the lookup the RX thread does for every frame before it copies the frame into an inbox.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DemuxBenchmark {
    private static final int BATCH = 64;
    private static final int FRAME = 1514;

    @Param({"1", "10", "100"})
    int instances;

    @Param({"mac", "ip"})
    String mode;

    SharedNic nic;
    Demux demux;
    byte[] batch;
    int[] offsets;

    @Setup
    public void setup() {
        MemoryPort port = new MemoryPort();
        nic = SharedNic.open("bench", port);
        long nicMac = port.mac().bits();
        boolean ip = mode.equals("ip");
        List<NicAttachment> list = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            MacAddress mac = ip ? port.mac() : new MacAddress(0x02_00_00_01_00_00L + i);
            list.add(new NicAttachment(nic, null, mac, ip, new int[] {address(i)}));
        }
        demux = new Demux(nicMac, list);
        batch = new byte[BATCH * FRAME];
        offsets = new int[BATCH];
        Random r = new Random(4);
        for (int f = 0; f < BATCH; f++) {
            int off = f * FRAME;
            offsets[f] = off;
            int target = r.nextInt(instances);
            long dst = ip ? nicMac : 0x02_00_00_01_00_00L + target;
            for (int k = 0; k < 6; k++) {
                batch[off + k] = (byte) (dst >>> (40 - 8 * k));
            }
            batch[off + 12] = 0x08; // IPv4
            batch[off + 14] = 0x45;
            int a = address(target);
            for (int k = 0; k < 4; k++) {
                batch[off + 14 + 16 + k] = (byte) (a >>> (24 - 8 * k));
            }
        }
        for (int f = 0; f < BATCH; f++) {
            if (demux.unicastOwner(batch, offsets[f], FRAME) == null) {
                throw new IllegalStateException("frame " + f + " has no owner");
            }
        }
    }

    private static int address(int i) {
        return 0xc0000200 + 10 + i; // 192.0.2.10 and up
    }

    @TearDown
    public void close() {
        nic.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int batch() {
        Demux d = demux;
        int found = 0;
        for (int f = 0; f < BATCH; f++) {
            if (d.unicastOwner(batch, offsets[f], FRAME) != null) {
                found++;
            }
        }
        return found;
    }
}
