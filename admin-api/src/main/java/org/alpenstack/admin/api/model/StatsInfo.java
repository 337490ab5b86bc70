package org.alpenstack.admin.api.model;

import java.util.Map;

/** Counters like {@code netstat -s}: names in lowerCamelCase (ipInReceives), drops by reason. */
public record StatsInfo(String instance, Map<String, Long> counters, Map<String, Long> drops, long totalDrops,
                        Map<String, Long> tcp) {
}
