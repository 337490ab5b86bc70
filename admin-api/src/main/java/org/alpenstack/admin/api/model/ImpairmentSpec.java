package org.alpenstack.admin.api.model;

/** PUT /impairment: a direction left out (null) is cleared. */
public record ImpairmentSpec(Direction transmit, Direction receive) {

    /** Rates are probabilities in [0, 1]; times in milliseconds. Null means 0. */
    public record Direction(Double lossRate, Double duplicateRate, Double reorderRate, Double corruptRate,
                            Double delayMillis, Double jitterMillis) {
        public static final Direction NONE = new Direction(0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    }
}
