package org.alpenstack.admin.api.model;

/** One tunable: type is integer, boolean or string; min and max only for integers. */
public record TunableInfo(String name, String type, Object value, Object defaultValue, Long min, Long max,
                          String description) {
}
