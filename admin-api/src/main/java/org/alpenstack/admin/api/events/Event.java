package org.alpenstack.admin.api.events;

/**
 * One server-sent event: {@code type} names it (the SSE "event:" line), {@code data} is the
 * payload (an Instance, a Connection, a throughput sample ...).
 */
public record Event(String type, String instance, String time, Object data) {
    public static final String INSTANCE_CREATED = "instanceCreated";
    public static final String INSTANCE_DELETED = "instanceDeleted";
    public static final String CONNECTION_OPENED = "connectionOpened";
    public static final String CONNECTION_CLOSED = "connectionClosed";
    public static final String CONNECTION_STATE_CHANGED = "connectionStateChanged";
    public static final String THROUGHPUT = "throughput";
}
