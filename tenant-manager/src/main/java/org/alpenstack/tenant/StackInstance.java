package org.alpenstack.tenant;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.link.FaultInjector;
import org.alpenstack.kernel.stack.NetStack;
import org.alpenstack.kernel.wire.MacAddress;

/**
 * One tenant: a {@link NetStack} owned by one Vert.x context, like a kernel with a single thread
 * of control. Every call into the stack runs on that context; nothing in the stack locks.
 *
 * <ul>
 *   <li>Frames arrive in batches from the NICs' RX threads (see
 *       {@link org.alpenstack.tenant.link.SharedNic}), one task per batch.
 *   <li>Time is {@link System#nanoTime()}; the stack's timer wheel is driven by one Vert.x timer
 *       armed at {@link NetStack#nextDeadline()} and re-armed after every unit of work.
 *   <li>Other threads read with {@link #query} (an immutable result through a Future) and change
 *       things with {@link #execute}.
 * </ul>
 *
 * <p>After each unit of work (an input batch, a timer, an API call) the instance runs the
 * readiness handlers of its in-process services, sends the output its links buffered, and
 * re-arms the timer: output leaves in batches, and a burst costs one system call.
 */
public final class StackInstance {
    private static final Logger LOG = Logger.getLogger("alpenstack.instance");

    private final String name;
    private final Vertx vertx;
    private final BufferPool pool = new BufferPool();
    private final NetStack stack;
    private final SocketReactor reactor = new SocketReactor();
    private final List<AttachedLink> links = new ArrayList<>();
    private final List<FaultInjector> faults = new ArrayList<>();
    private final Runnable afterWorkTask = this::afterWork;
    private final Runnable pollTask = this::onTimer;
    private volatile Context context;
    private DeadlineTimer timer;
    private String deploymentId;
    private volatile boolean stopped;
    private boolean pollQueued;
    private boolean dispatchQueued;

    private StackInstance(Vertx vertx, String name) {
        this.vertx = vertx;
        this.name = name;
        this.stack = new NetStack(name, pool, System::nanoTime);
    }

    /** Starts an instance on a context of its own (a verticle per instance). */
    public static Future<StackInstance> start(Vertx vertx, String name) {
        StackInstance inst = new StackInstance(vertx, name);
        return vertx.deployVerticle(new AbstractVerticle() {
            @Override
            public void start() {
                inst.context = context;
                inst.timer = new DeadlineTimer(vertx, inst.pollTask);
            }
        }).map(id -> {
            inst.deploymentId = id;
            return inst;
        });
    }

    /** The instance's packet buffers; its context only (core-kernel is single-threaded). */
    public BufferPool pool() {
        return pool;
    }

    public String name() {
        return name;
    }

    public Vertx vertx() {
        return vertx;
    }

    public boolean isStopped() {
        return stopped;
    }

    /**
     * Runs {@code work} on the instance's context, then the after-work steps (services, output,
     * timer). Any thread. Dropped once the instance has stopped.
     */
    public void submit(Runnable work) {
        Context c = context;
        if (c == null) {
            throw new IllegalStateException("instance " + name + " is not started");
        }
        c.runOnContext(v -> {
            if (stopped) {
                return;
            }
            try {
                work.run();
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "event=task-failed instance=" + name + " error=" + t, t);
            }
            afterWork();
        });
    }

    /**
     * {@link #submit} for the delivery of received frames: the stack treats them as one input
     * batch ({@link NetStack#beginInputBatch}), so TCP sends one ACK per connection for them.
     */
    public void submitInput(Runnable delivery) {
        submit(() -> {
            stack.beginInputBatch();
            try {
                delivery.run();
            } finally {
                stack.endInputBatch(System.nanoTime());
            }
        });
    }

    /** Reads the stack on its context; {@code reader} should return an immutable copy. Any thread. */
    public <T> Future<T> query(Function<NetStack, T> reader) {
        return call(reader);
    }

    /** Changes the stack on its context. Any thread. */
    public Future<Void> execute(Consumer<NetStack> change) {
        return call(s -> {
            change.accept(s);
            return null;
        });
    }

    /** Runs {@code f} with the stack on its context and completes with its result. Any thread. */
    public <T> Future<T> call(Function<NetStack, T> f) {
        if (stopped) {
            return Future.failedFuture(new IllegalStateException("instance " + name + " is stopped"));
        }
        Promise<T> p = Promise.promise();
        submit(() -> {
            try {
                p.complete(f.apply(stack));
            } catch (Throwable t) {
                p.fail(t);
            }
        });
        return p.future();
    }

    /** The stack itself: only on the instance's context (services, links). */
    public NetStack stack() {
        assertOnContext();
        return stack;
    }

    /** The readiness dispatcher of the in-process services: only on the instance's context. */
    public SocketReactor reactor() {
        assertOnContext();
        return reactor;
    }

    /**
     * On the context: adds an Ethernet interface on {@code link} with {@code mac}, behind a
     * fault injector (loss, duplication, reordering, corruption, delay; all off until configured)
     * whose timers the instance drives with its own. Returns the injector.
     */
    public FaultInjector addInterface(String ifName, AttachedLink link, MacAddress mac) {
        assertOnContext();
        FaultInjector fi = new FaultInjector(link, stack.clock(), pool, (name + "/" + ifName).hashCode() * 0x9E3779B97F4A7C15L);
        links.add(link);
        faults.add(fi);
        stack.addInterface(ifName, fi, mac);
        return fi;
    }

    public boolean isOnContext() {
        return context != null && Vertx.currentContext() == context;
    }

    private void assertOnContext() {
        if (!isOnContext()) {
            throw new IllegalStateException("instance " + name + " used off its context on " + Thread.currentThread().getName());
        }
    }

    private void onTimer() {
        pollQueued = false;
        if (stopped) {
            return;
        }
        long now = System.nanoTime();
        for (FaultInjector fi : faults) {
            fi.poll(now);
        }
        stack.poll(now);
        afterWork();
    }

    private void afterWork() {
        dispatchQueued = false;
        if (stopped) {
            return;
        }
        boolean more;
        try {
            more = reactor.dispatch();
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "event=service-failed instance=" + name + " error=" + t, t);
            more = reactor.hasWork();
        }
        // Indexed loops: this runs after every task, and an iterator per call was the busiest
        // allocation site of an idle server with hundreds of instances.
        for (int i = 0; i < links.size(); i++) {
            links.get(i).flushOutput();
        }
        if (more && !dispatchQueued) {
            dispatchQueued = true;
            context.runOnContext(v -> afterWorkTask.run());
        }
        long now = System.nanoTime();
        long deadline = stack.nextDeadline();
        for (int i = 0; i < faults.size(); i++) {
            deadline = Math.min(deadline, faults.get(i).nextDeadline());
        }
        if (deadline <= now) {
            // Work due now (loopback traffic, an expired timer): a task, not a 1 ms timer.
            if (!pollQueued) {
                pollQueued = true;
                context.runOnContext(v -> pollTask.run());
            }
        } else {
            timer.arm(deadline, now);
        }
    }

    /** Closes the sockets, leaves the links and undeploys the context. Any thread. */
    public Future<Void> stop() {
        if (context == null || stopped) {
            return Future.succeededFuture();
        }
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            if (stopped) {
                done.complete();
                return;
            }
            try {
                reactor.clear();
                stack.shutdown();
                for (AttachedLink l : links) {
                    l.flushOutput();
                    l.detach();
                }
                timer.cancel();
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "event=stop-failed instance=" + name + " error=" + t, t);
            }
            stopped = true;
            done.complete();
        });
        return done.future().compose(v -> deploymentId == null ? Future.succeededFuture() : vertx.undeploy(deploymentId));
    }
}
