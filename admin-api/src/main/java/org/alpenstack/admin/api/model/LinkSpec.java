package org.alpenstack.admin.api.model;

/** POST /links. {@code type} is afpacket, tap or memory; the other fields are optional. */
public record LinkSpec(String name, String type, String device, String hostAddress, String mode, Integer mtu) {
}
