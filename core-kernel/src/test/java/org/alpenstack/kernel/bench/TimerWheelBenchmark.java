package org.alpenstack.kernel.bench;

import java.util.concurrent.TimeUnit;
import org.alpenstack.kernel.time.Timer;
import org.alpenstack.kernel.time.TimerWheel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The timer wheel under a TCP-like load of {@code timers} live timers (one RTO-like timer per
 * connection, 200 ms to 450 ms out): moving one timer's deadline (an ACK restarting the RTO),
 * scheduling and cancelling one (the delayed-ACK timer a prompt ACK cancels), and advancing
 * the clock by 1 ms (the expired timers re-arm themselves, as a retransmission would).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TimerWheelBenchmark {
    private static final long MS = 1_000_000L;

    @Param({"1000", "10000"})
    int timers;

    TimerWheel wheel;
    Timer[] live;
    Timer extra;
    long now;
    int next;
    long fired;

    /** A timer that re-arms itself like a retransmission timer, without a lambda per firing. */
    final class Rearm implements org.alpenstack.kernel.time.TimerTask {
        Timer timer;
        final long period;

        Rearm(long period) {
            this.period = period;
        }

        @Override
        public void onTimer(long t) {
            fired++;
            wheel.schedule(timer, t + period);
        }
    }

    @Setup
    public void setup() {
        wheel = new TimerWheel();
        now = 1_000_000_000L;
        wheel.poll(now);
        live = new Timer[timers];
        for (int i = 0; i < timers; i++) {
            Rearm task = new Rearm(200 * MS + (i % 251) * MS);
            live[i] = new Timer(task);
            task.timer = live[i];
            wheel.schedule(live[i], now + task.period);
        }
        extra = new Timer(t -> { });
    }

    @Benchmark
    public void reschedule() {
        int i = next;
        next = i + 1 == timers ? 0 : i + 1;
        Timer t = live[i];
        wheel.schedule(t, t.deadline() + MS);
    }

    @Benchmark
    public boolean scheduleCancel() {
        wheel.schedule(extra, now + 40 * MS);
        boolean was = extra.isScheduled();
        wheel.cancel(extra);
        return was;
    }

    @Benchmark
    public long advance() {
        now += MS;
        wheel.poll(now);
        return fired;
    }
}
