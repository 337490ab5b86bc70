package org.alpenstack.admin.api.model;

/** The impairment applied per direction, with what it has done so far. */
public record ImpairmentInfo(State transmit, State receive) {

    public record State(double lossRate, double duplicateRate, double reorderRate, double corruptRate,
                        double delayMillis, double jitterMillis, Counters counters) {
    }

    public record Counters(long frames, long lost, long duplicated, long reordered, long corrupted, long delayed) {
    }
}
