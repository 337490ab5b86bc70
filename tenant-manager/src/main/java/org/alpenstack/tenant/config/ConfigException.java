package org.alpenstack.tenant.config;

/**
 * A configuration (or API request) that cannot be applied, naming the field that is wrong, e.g.
 * {@code instances[1].addresses[0]: prefix length 33 is not 0..32}. Thrown before anything is
 * started or changed.
 */
public final class ConfigException extends RuntimeException {
    private final String field;

    public ConfigException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The JSON path of the offending field ("links[0].device"). */
    public String field() {
        return field;
    }

    /** The message without the field. */
    public String reason() {
        return getMessage().substring(field.length() + 2);
    }
}
