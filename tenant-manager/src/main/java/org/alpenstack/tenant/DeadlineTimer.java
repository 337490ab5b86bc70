package org.alpenstack.tenant;

import io.vertx.core.Vertx;
import org.alpenstack.kernel.time.Clock;

/**
 * The one Vert.x timer that drives an instance's timer wheel: armed at the stack's
 * {@code nextDeadline()}, re-armed only when the deadline moved earlier than the armed one
 * (a timer that fires early is harmless: polling early is allowed, and the owner re-arms
 * afterwards). Vert.x timers are millisecond-grained and cost far more than a wheel slot, which
 * is why the stack keeps its own wheel and exposes just one deadline.
 *
 * <p>Confined to the instance's context.
 */
final class DeadlineTimer {
    private final Vertx vertx;
    private final Runnable onFire;
    private long armedDeadline = Clock.NEVER;
    private long timerId = -1;

    DeadlineTimer(Vertx vertx, Runnable onFire) {
        this.vertx = vertx;
        this.onFire = onFire;
    }

    /** Makes sure the timer fires at or before {@code deadline} (nanoseconds, System.nanoTime scale). */
    void arm(long deadline, long now) {
        if (deadline == Clock.NEVER || (timerId >= 0 && armedDeadline <= deadline)) {
            return;
        }
        cancel();
        // Round up so the wheel finds the timer due; 1 ms is Vert.x's granularity.
        long delayMillis = Math.max(1, (deadline - now + 999_999) / 1_000_000);
        armedDeadline = deadline;
        timerId = vertx.setTimer(delayMillis, id -> {
            if (id == timerId) {
                timerId = -1;
                armedDeadline = Clock.NEVER;
                onFire.run();
            }
        });
    }

    void cancel() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
            armedDeadline = Clock.NEVER;
        }
    }
}
