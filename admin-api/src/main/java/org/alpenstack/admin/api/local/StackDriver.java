package org.alpenstack.admin.api.local;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.time.Pollable;

/**
 * The owner of one or more stacks: a Vert.x event-loop context that is the only thread ever to
 * touch them (ARCHITECTURE.md "one owner per instance"), plus the one timer that drives their
 * {@code poll(now)} at their {@code nextDeadline()}. Everything else reaches the stacks through
 * {@link #call}, which runs on the context and then re-arms the timer, because a call (adding an
 * address sends a gratuitous ARP) may have queued work.
 */
final class StackDriver {
    /** Bounds one burst of polling so a stack that always has work cannot starve the event loop. */
    private static final int MAX_ROUNDS = 64;

    private final Vertx vertx;
    private final Context context;
    private final Clock clock;
    private final BufferPool pool = new BufferPool();
    private final List<Pollable> pollables = new ArrayList<>();
    private long timerId = -1;
    private long armedFor = Clock.NEVER;
    private boolean closed;

    StackDriver(Vertx vertx, Clock clock) {
        this.vertx = vertx;
        this.context = ((VertxInternal) vertx).createEventLoopContext();
        this.clock = clock;
    }

    BufferPool pool() {
        return pool;
    }

    /** Runs {@code work} on the owner context; a thrown ApiProblem fails the future as is. */
    <T> Future<T> call(Supplier<T> work) {
        Promise<T> p = Promise.promise();
        context.runOnContext(v -> {
            if (closed) {
                p.fail(new IllegalStateException("stack driver closed"));
                return;
            }
            try {
                p.complete(work.get());
            } catch (Throwable t) {
                p.fail(t);
            } finally {
                kick();
            }
        });
        return p.future();
    }

    /** On the context only. */
    void add(Pollable p) {
        pollables.add(p);
    }

    /** On the context only. */
    void remove(Pollable p) {
        pollables.remove(p);
    }

    /** On the context only. */
    boolean idle() {
        return pollables.isEmpty();
    }

    /** On the context only: stops the timer for good. */
    void close() {
        closed = true;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
    }

    private void kick() {
        if (closed) {
            return;
        }
        long now = clock.nanos();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            boolean any = false;
            // A snapshot: polling may remove a pollable (never add one).
            for (Pollable p : pollables.toArray(new Pollable[0])) {
                if (p.nextDeadline() <= now) {
                    p.poll(now);
                    any = true;
                }
            }
            if (!any) {
                break;
            }
            now = clock.nanos();
        }
        arm(now);
    }

    private void arm(long now) {
        long next = Clock.NEVER;
        for (Pollable p : pollables) {
            next = Math.min(next, p.nextDeadline());
        }
        if (next == Clock.NEVER) {
            return;
        }
        if (timerId >= 0 && armedFor <= next) {
            return; // the armed timer fires early enough; it re-arms itself
        }
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        long delayMs = Math.max(1, (next - now + 999_999) / 1_000_000);
        armedFor = next;
        timerId = vertx.setTimer(delayMs, id -> {
            timerId = -1;
            armedFor = Clock.NEVER;
            kick();
        });
    }
}
