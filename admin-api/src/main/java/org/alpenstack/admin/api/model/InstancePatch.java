package org.alpenstack.admin.api.model;

import java.util.List;
import java.util.Map;

/**
 * PATCH /instances/{name} (RFC 7396 merge semantics): a null list or map means "not given";
 * {@code gatewayGiven} tells "gateway: null" (remove the default route) from no gateway field.
 */
public record InstancePatch(List<String> addresses, boolean gatewayGiven, String gateway, Map<String, Object> tunables) {
}
