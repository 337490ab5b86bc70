package org.alpenstack.admin.api.model;

/** A lifecycle change the backend reports: type is instanceCreated or instanceDeleted. */
public record InstanceEvent(String type, String instance, InstanceInfo info) {
}
