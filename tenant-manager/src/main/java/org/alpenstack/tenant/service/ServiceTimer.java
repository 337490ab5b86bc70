package org.alpenstack.tenant.service;

import org.alpenstack.tenant.StackInstance;

/**
 * A one-shot timer of an in-process service: a Vert.x timer whose task runs as an instance task
 * ({@link StackInstance#submit}), so that what the task writes is flushed after it like after
 * any socket event. Cancelling wins even over a timer that is already due and queued: a test
 * that ended must not be ended again by its stale timer.
 */
final class ServiceTimer {
    private final StackInstance instance;
    private long vertxId;
    private boolean done;

    private ServiceTimer(StackInstance instance) {
        this.instance = instance;
    }

    /** On the instance's context: runs {@code task} there after {@code millis} (at least 1). */
    static ServiceTimer schedule(StackInstance instance, long millis, Runnable task) {
        ServiceTimer t = new ServiceTimer(instance);
        t.vertxId = instance.vertx().setTimer(Math.max(1, millis), id -> instance.submit(() -> {
            if (!t.done) {
                t.done = true;
                task.run();
            }
        }));
        return t;
    }

    /** On the instance's context; a null timer or one that ran is fine. */
    static void cancel(ServiceTimer t) {
        if (t != null && !t.done) {
            t.done = true;
            t.instance.vertx().cancelTimer(t.vertxId);
        }
    }
}
