package org.alpenstack.admin.api.model;

/** A process attached to an instance through the shim. */
public record ClientInfo(int pid, String program, Integer uid, String attachedAt, int sockets) {
}
