package org.alpenstack.admin.api.model;

/**
 * POST /links. {@code type} is afpacket, tap or memory; the other fields are optional;
 * {@code netns} names an existing network namespace the device lives in; {@code receive} (afpacket
 * only) is "socket" (the default) or "ring".
 */
public record LinkSpec(String name, String type, String device, String hostAddress, String mode, Integer mtu,
                       String netns, String receive) {
}
