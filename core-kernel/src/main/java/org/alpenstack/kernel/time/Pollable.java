package org.alpenstack.kernel.time;

/**
 * Something with timers that its owner drives: a NetStack, an in-memory link with delay.
 * The owner calls {@link #poll} at or after {@link #nextDeadline()} (or whenever it likes);
 * polling early is harmless.
 */
public interface Pollable {
    /** Runs everything due at {@code now} (nanoseconds). */
    void poll(long now);

    /** When {@link #poll} next has work, or {@link Clock#NEVER}. */
    long nextDeadline();
}
