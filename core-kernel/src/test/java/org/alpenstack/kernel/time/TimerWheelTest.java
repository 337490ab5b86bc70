package org.alpenstack.kernel.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TimerWheelTest {
    private static final long MS = 1_000_000L;

    private final List<String> fired = new ArrayList<>();

    private Timer named(String name) {
        return new Timer(now -> fired.add(name + "@" + now));
    }

    /** Drives the wheel the way an owner does: poll, then jump to nextDeadline, until nothing is left or {@code end}. */
    private static int drive(TimerWheel w, long from, long end) {
        long now = from;
        int polls = 0;
        while (true) {
            w.poll(now);
            if (++polls > 1_000_000) {
                throw new AssertionError("wheel keeps reporting a due timer it does not fire, next=" + w.nextDeadline() + " now=" + now);
            }
            long next = w.nextDeadline();
            if (next == Clock.NEVER || next > end) {
                return polls;
            }
            now = Math.max(now, next);
        }
    }

    @Test
    void firesInDeadlineOrderAcrossTicks() {
        TimerWheel w = new TimerWheel();
        w.schedule(named("c"), 30 * MS);
        w.schedule(named("a"), 10 * MS);
        w.schedule(named("d"), 5000 * MS); // beyond one rotation of the default wheel (1,024 ms)
        w.schedule(named("b"), 20 * MS);
        w.poll(10_000 * MS);
        assertEquals(List.of("a@" + 10_000 * MS, "b@" + 10_000 * MS, "c@" + 10_000 * MS, "d@" + 10_000 * MS), fired);
        assertEquals(0, w.size());
        assertEquals(Clock.NEVER, w.nextDeadline());
    }

    @Test
    void neverFiresBeforeItsDeadlineEvenWithinTheSameTick() {
        TimerWheel w = new TimerWheel();
        Timer t = named("t");
        w.schedule(t, 10 * MS + 500_000);
        w.poll(10 * MS); // same 1 ms tick, half a tick early
        assertTrue(fired.isEmpty());
        assertTrue(t.isScheduled());
        assertEquals(10 * MS + 500_000, w.nextDeadline());
        w.poll(10 * MS + 499_999);
        assertTrue(fired.isEmpty());
        w.poll(10 * MS + 500_000);
        assertEquals(List.of("t@" + (10 * MS + 500_000)), fired);
        assertFalse(t.isScheduled());
    }

    @Test
    void timersDueInOneTickFireInScheduleOrder() {
        TimerWheel w = new TimerWheel();
        w.schedule(named("late"), 7 * MS + 900);
        w.schedule(named("early"), 7 * MS + 100);
        w.poll(8 * MS);
        assertEquals(List.of("late@" + 8 * MS, "early@" + 8 * MS), fired);
    }

    @Test
    void cancelledTimerDoesNotFireAndCancelIsIdempotent() {
        TimerWheel w = new TimerWheel();
        Timer a = named("a");
        Timer b = named("b");
        w.schedule(a, 5 * MS);
        w.schedule(b, 6 * MS);
        w.cancel(a);
        w.cancel(a);
        assertFalse(a.isScheduled());
        assertEquals(1, w.size());
        assertEquals(6 * MS, w.nextDeadline());
        w.poll(100 * MS);
        assertEquals(List.of("b@" + 100 * MS), fired);
    }

    @Test
    void aTaskCanCancelAnotherTimerDueInTheSamePoll() {
        TimerWheel w = new TimerWheel();
        Timer victim = named("victim");
        Timer killer = new Timer(now -> {
            fired.add("killer");
            w.cancel(victim);
        });
        w.schedule(killer, 3 * MS);
        w.schedule(victim, 3 * MS + 1); // same tick, after the killer in schedule order
        w.poll(3 * MS + 1);
        assertEquals(List.of("killer"), fired);
        assertFalse(victim.isScheduled());
        assertEquals(0, w.size());
    }

    @Test
    void rescheduleMovesTheTimer() {
        TimerWheel w = new TimerWheel();
        Timer t = named("t");
        w.schedule(t, 50 * MS);
        w.schedule(t, 20 * MS);
        assertEquals(1, w.size());
        assertEquals(20 * MS, w.nextDeadline());
        w.schedule(t, 9_000 * MS);
        assertEquals(9_000 * MS, w.nextDeadline());
        drive(w, 0, Long.MAX_VALUE);
        assertEquals(List.of("t@" + 9_000 * MS), fired);
    }

    @Test
    void periodicTimerReschedulesItselfFromItsTask() {
        TimerWheel w = new TimerWheel();
        List<Long> at = new ArrayList<>();
        Timer[] self = new Timer[1];
        self[0] = new Timer(now -> {
            at.add(now);
            if (at.size() < 100) {
                w.schedule(self[0], now + 10 * MS + 7);
            }
        });
        w.schedule(self[0], 10 * MS + 7);
        drive(w, 0, Long.MAX_VALUE);
        assertEquals(100, at.size());
        for (int i = 0; i < at.size(); i++) {
            assertEquals((i + 1) * (10 * MS + 7), at.get(i));
        }
    }

    @Test
    void timerRescheduledForNowFiresInTheNextPollNotTheSameOne() {
        TimerWheel w = new TimerWheel();
        int[] count = new int[1];
        Timer[] self = new Timer[1];
        self[0] = new Timer(now -> {
            count[0]++;
            w.schedule(self[0], now); // due again at once: must not spin inside poll
        });
        w.schedule(self[0], 4 * MS);
        w.poll(4 * MS);
        assertEquals(1, count[0]);
        assertEquals(4 * MS, w.nextDeadline(), "the owner must see the timer is due again");
        w.poll(4 * MS);
        assertEquals(2, count[0]);
        w.cancel(self[0]);
        assertEquals(Clock.NEVER, w.nextDeadline());
    }

    @Test
    void timerWhoseDeadlineHasPassedFiresAtTheNextPoll() {
        TimerWheel w = new TimerWheel();
        w.poll(1_000 * MS);
        w.schedule(named("past"), 3 * MS);
        assertEquals(3 * MS, w.nextDeadline());
        w.poll(1_000 * MS);
        assertEquals(List.of("past@" + 1_000 * MS), fired);
    }

    @Test
    void farFutureTimersFireExactlyAndCheaply() {
        TimerWheel w = new TimerWheel();
        long hour = 3_600_000 * MS;
        w.schedule(named("keepalive"), 2 * hour);
        w.schedule(named("fiveHours"), 5 * hour + 123);
        w.schedule(named("threeDays"), 72 * hour);
        w.schedule(named("soon"), 1 * MS);
        assertEquals(1 * MS, w.nextDeadline());
        int polls = drive(w, 0, Long.MAX_VALUE);
        assertEquals(List.of("soon@" + MS, "keepalive@" + 2 * hour, "fiveHours@" + (5 * hour + 123), "threeDays@" + 72 * hour), fired);
        assertTrue(polls <= 5, "the owner is woken only at deadlines, polls=" + polls);
    }

    @Test
    void pollingEveryTickAcrossAFarTimerFiresItOnce() {
        TimerWheel w = new TimerWheel(MS, 64);
        w.schedule(named("t"), 1_000 * MS + 3);
        for (long now = 0; now <= 1_200 * MS; now += MS) {
            w.poll(now);
            if (now < 1_000 * MS + 3) {
                assertTrue(fired.isEmpty(), "fired early at " + now);
                assertEquals(1_000 * MS + 3, w.nextDeadline());
            }
        }
        assertEquals(List.of("t@" + 1_001 * MS), fired);
    }

    @Test
    void hundredThousandTimersFireExactlyOnceAtTheirDeadline() {
        TimerWheel w = new TimerWheel();
        SplittableRandom rnd = new SplittableRandom(42);
        int n = 100_000;
        long[] deadline = new long[n];
        int[] count = new int[n];
        long[] firedAt = new long[n];
        Timer[] timers = new Timer[n];
        for (int i = 0; i < n; i++) {
            int id = i;
            timers[i] = new Timer(now -> {
                count[id]++;
                firedAt[id] = now;
            });
            // Up to 20 s: twenty rotations of the default wheel, so most start beyond the fine wheel.
            deadline[i] = rnd.nextLong(20_000 * MS);
            w.schedule(timers[i], deadline[i]);
        }
        assertEquals(n, w.size());
        drive(w, 0, Long.MAX_VALUE);
        for (int i = 0; i < n; i++) {
            assertEquals(1, count[i], "timer " + i + " fire count");
            assertEquals(deadline[i], firedAt[i], "timer " + i + " fired at the wrong time");
        }
        assertEquals(0, w.size());
    }

    @Test
    void hundredThousandTimersSpreadOverHoursFireExactlyOnceAtTheirDeadline() {
        TimerWheel w = new TimerWheel();
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 100_000;
        long[] deadline = new long[n];
        long[] firedAt = new long[n];
        int[] count = new int[n];
        for (int i = 0; i < n; i++) {
            int id = i;
            // Up to 5 hours: past the coarse wheel (about 2.3 h), so the overflow list is used too.
            deadline[i] = rnd.nextLong(5 * 3_600_000 * MS);
            w.schedule(new Timer(now -> {
                count[id]++;
                firedAt[id] = now;
            }), deadline[i]);
        }
        drive(w, 0, Long.MAX_VALUE);
        for (int i = 0; i < n; i++) {
            assertEquals(1, count[i], "timer " + i + " fire count");
            assertEquals(deadline[i], firedAt[i], "timer " + i + " fired at the wrong time");
        }
    }

    @Test
    void manyTimersPolledEveryMillisecondFireWithinOneTick() {
        TimerWheel w = new TimerWheel();
        SplittableRandom rnd = new SplittableRandom(7);
        int n = 100_000;
        long[] deadline = new long[n];
        long[] firedAt = new long[n];
        int[] count = new int[n];
        for (int i = 0; i < n; i++) {
            int id = i;
            deadline[i] = rnd.nextLong(10_000 * MS);
            w.schedule(new Timer(now -> {
                count[id]++;
                firedAt[id] = now;
            }), deadline[i]);
        }
        for (long now = 0; now <= 10_001 * MS; now += MS) {
            w.poll(now);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(1, count[i]);
            assertTrue(firedAt[i] >= deadline[i] && firedAt[i] < deadline[i] + MS, "timer " + i);
        }
    }

    /**
     * Random schedule / cancel / reschedule / poll against a sorted reference model: after every
     * step nextDeadline() equals the earliest pending deadline exactly, and each poll fires exactly
     * the timers that were due. A small wheel (16 slots) exercises the overflow list and re-hashing.
     */
    @Test
    void nextDeadlineIsExactUnderRandomOperations() {
        for (long seed = 1; seed <= 20; seed++) {
            randomOperations(new TimerWheel(1000, 16), seed, 1000, 200);
            randomOperations(new TimerWheel(1000, 16), seed, 1000, 5000); // mostly coarse and overflow
            randomOperations(new TimerWheel(1000, 2), seed, 1000, 50); // degenerate geometry
            randomOperations(new TimerWheel(), seed, 1_000_000, 200);
        }
    }

    private void randomOperations(TimerWheel w, long seed, long tick, long range) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 200;
        Timer[] timers = new Timer[n];
        Map<Timer, Integer> index = new HashMap<>();
        TreeMap<Long, Integer> pending = new TreeMap<>(); // deadline*1000+id -> id, to keep keys unique
        long[] key = new long[n];
        List<Integer> firedIds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int id = i;
            timers[i] = new Timer(now -> firedIds.add(id));
            index.put(timers[i], i);
            key[i] = -1;
        }
        long now = -5 * tick; // negative times are legal (System.nanoTime can be negative)
        for (int step = 0; step < 5000; step++) {
            int op = rnd.nextInt(10);
            int id = rnd.nextInt(n);
            if (op < 5) {
                long d = now + rnd.nextLong(-2 * tick, range * tick);
                if (key[id] >= 0) {
                    pending.remove(key[id]);
                }
                w.schedule(timers[id], d);
                key[id] = d * 1000 + id;
                pending.put(key[id], id);
            } else if (op < 7) {
                w.cancel(timers[id]);
                if (key[id] >= 0) {
                    pending.remove(key[id]);
                    key[id] = -1;
                }
            } else {
                now += rnd.nextInt(4) == 0 ? rnd.nextLong(range * 3 / 2 * tick) : rnd.nextLong(3 * tick);
                firedIds.clear();
                w.poll(now);
                List<Integer> expected = new ArrayList<>();
                while (!pending.isEmpty() && Math.floorDiv(pending.firstKey() - Math.floorMod(pending.firstKey(), 1000), 1000) <= now) {
                    int due = pending.pollFirstEntry().getValue();
                    key[due] = -1;
                    expected.add(due);
                }
                assertEquals(expected.stream().sorted().toList(), firedIds.stream().sorted().toList(), "seed " + seed + " step " + step);
            }
            long expectedNext = pending.isEmpty() ? Clock.NEVER : Math.floorDiv(pending.firstKey() - Math.floorMod(pending.firstKey(), 1000), 1000);
            assertEquals(expectedNext, w.nextDeadline(), "seed " + seed + " step " + step);
            assertEquals(pending.size(), w.size());
        }
    }

    @Test
    void aThrowingTaskLeavesTheOtherDueTimersScheduled() {
        TimerWheel w = new TimerWheel();
        w.schedule(new Timer(now -> {
            throw new IllegalStateException("boom");
        }), 1 * MS);
        Timer other = named("other");
        w.schedule(other, 1 * MS);
        assertThrows(IllegalStateException.class, () -> w.poll(2 * MS));
        assertTrue(other.isScheduled());
        assertEquals(1 * MS, w.nextDeadline());
        w.poll(2 * MS);
        assertEquals(List.of("other@" + 2 * MS), fired);
    }

    @Test
    void aTimerBelongsToOneWheel() {
        TimerWheel a = new TimerWheel();
        TimerWheel b = new TimerWheel();
        Timer t = named("t");
        a.schedule(t, 5);
        assertThrows(IllegalStateException.class, () -> b.schedule(t, 5));
        assertThrows(IllegalStateException.class, () -> b.cancel(t));
        a.cancel(t);
        b.schedule(t, 5); // free again
        assertEquals(1, b.size());
    }

    @Test
    void rejectsBadGeometry() {
        assertThrows(IllegalArgumentException.class, () -> new TimerWheel(0, 16));
        assertThrows(IllegalArgumentException.class, () -> new TimerWheel(1000, 24));
        assertThrows(IllegalArgumentException.class, () -> new TimerWheel(1000, 1));
    }

    @Test
    void schedulingCancellingAndFiringAllocateNothing() {
        TimerWheel w = new TimerWheel();
        Timer[] timers = new Timer[1000];
        long[] fires = new long[1];
        for (int i = 0; i < timers.length; i++) {
            Timer[] self = new Timer[1];
            int id = i;
            self[0] = new Timer(now -> {
                fires[0]++;
                w.schedule(self[0], now + (id % 7 + 1) * MS + id);
            });
            timers[i] = self[0];
            w.schedule(timers[i], i * 1000L);
        }
        long[] now = {0};
        Runnable work = () -> {
            for (int step = 0; step < 2000; step++) {
                Timer t = timers[step % timers.length];
                w.cancel(t);
                w.schedule(t, now[0] + 5_000 * MS); // into the overflow list and back
                w.schedule(t, now[0] + 2 * MS);
                now[0] += 100_000;
                w.poll(now[0]);
                w.nextDeadline();
            }
        };
        for (int i = 0; i < 5; i++) {
            work.run(); // warm up the JIT
        }
        long allocated = org.alpenstack.kernel.sim.AllocationMeter.bytesAllocatedBy(work);
        // 8000 operations: one object per operation would be at least 16 bytes each.
        assertTrue(allocated < 4_000, "allocated " + allocated + " bytes");
        assertTrue(fires[0] > 1000);
    }
}
