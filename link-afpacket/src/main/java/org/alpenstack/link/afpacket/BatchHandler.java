package org.alpenstack.link.afpacket;

/** Receives the frames of one RX batch; the batch is lent for the duration of the call only. */
@FunctionalInterface
public interface BatchHandler {
    void onBatch(FrameBatch batch);
}
