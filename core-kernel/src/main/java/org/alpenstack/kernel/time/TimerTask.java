package org.alpenstack.kernel.time;

/** What a {@link Timer} runs when it expires; {@code now} is the time its wheel was polled with. */
@FunctionalInterface
public interface TimerTask {
    void onTimer(long now);
}
