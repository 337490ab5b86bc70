package org.alpenstack.tenant;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import org.alpenstack.kernel.socket.StackSocket;

/**
 * Readiness dispatch for sockets used inside the server process (the in-process services), on
 * the instance's context. A socket's {@link org.alpenstack.kernel.socket.ReadinessListener}
 * fires inside stack input, where calling back into the stack is not allowed; so the listener
 * only queues the socket, and {@link #dispatch()} (run by the instance after each input batch,
 * timer poll or API call) calls the handlers with the socket's current readiness, like an
 * epoll loop in level-triggered mode.
 */
public final class SocketReactor {
    /** Called on the instance's context with the socket's current poll bits. */
    @FunctionalInterface
    public interface Handler {
        void onReady(StackSocket socket, int events);
    }

    /** Handler calls per dispatch before yielding the context to other tasks. */
    private static final int MAX_CALLS_PER_DISPATCH = 4096;

    private final Map<StackSocket, Watch> watches = new IdentityHashMap<>();
    private final ArrayDeque<Watch> ready = new ArrayDeque<>();

    private static final class Watch {
        final StackSocket socket;
        final Handler handler;
        boolean queued;
        boolean cancelled;

        Watch(StackSocket socket, Handler handler) {
            this.socket = socket;
            this.handler = handler;
        }
    }

    /** Starts watching {@code socket}; the handler runs at the next dispatch and whenever readiness changes. */
    public void watch(StackSocket socket, Handler handler) {
        Watch w = new Watch(socket, handler);
        Watch old = watches.put(socket, w);
        if (old != null) {
            old.cancelled = true;
        }
        socket.setListener((s, events) -> mark(w));
        mark(w);
    }

    public void unwatch(StackSocket socket) {
        Watch w = watches.remove(socket);
        if (w != null) {
            w.cancelled = true;
            socket.setListener(null);
        }
    }

    /** Queues the socket's handler again, e.g. after the service produced more to send. */
    public void wake(StackSocket socket) {
        Watch w = watches.get(socket);
        if (w != null) {
            mark(w);
        }
    }

    private void mark(Watch w) {
        if (!w.queued && !w.cancelled) {
            w.queued = true;
            ready.add(w);
        }
    }

    public int watched() {
        return watches.size();
    }

    boolean hasWork() {
        return !ready.isEmpty();
    }

    /**
     * Runs queued handlers, including ones queued by handlers; returns true if work is left
     * (the caller schedules another dispatch so that one busy socket cannot starve input).
     */
    boolean dispatch() {
        for (int calls = 0; calls < MAX_CALLS_PER_DISPATCH; calls++) {
            Watch w = ready.poll();
            if (w == null) {
                return false;
            }
            w.queued = false;
            if (!w.cancelled) {
                w.handler.onReady(w.socket, w.socket.readiness());
            }
        }
        return !ready.isEmpty();
    }

    /** Forgets every socket (the instance is stopping). */
    void clear() {
        for (Watch w : watches.values()) {
            w.cancelled = true;
        }
        watches.clear();
        ready.clear();
    }
}
