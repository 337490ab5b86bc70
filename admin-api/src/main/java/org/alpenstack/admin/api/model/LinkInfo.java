package org.alpenstack.admin.api.model;

import java.util.List;

/** A link as GET /links shows it; {@code receive} is "socket" or "ring" for an afpacket link, null otherwise. */
public record LinkInfo(String name, String type, String device, String hostAddress, String netns, String mode, int mtu,
                       String receive, List<String> instances, LinkCounters counters) {
    public LinkInfo {
        instances = List.copyOf(instances);
    }

    /** Frames and bytes the link carried, as seen from the instances' side. */
    public record LinkCounters(long rxFrames, long rxBytes, long txFrames, long txBytes, long dropped) {
    }
}
