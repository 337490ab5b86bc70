package org.alpenstack.admin;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One line per event, key=value after a timestamp and level, so logs grep and parse:
 * {@code 2026-11-25T09:30:00.123Z INFO  alpenstack.tenants event=instance-started instance=a ...}.
 */
public final class OneLineFormatter extends Formatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    @Override
    public String format(LogRecord r) {
        StringBuilder sb = new StringBuilder(160);
        sb.append(TIME.format(Instant.ofEpochMilli(r.getMillis()))).append(' ');
        String level = r.getLevel().getName();
        sb.append(level);
        for (int i = level.length(); i < 8; i++) {
            sb.append(' ');
        }
        sb.append(r.getLoggerName()).append(' ').append(formatMessage(r).replace('\n', ' '));
        if (r.getThrown() != null) {
            sb.append(" exception=\"").append(r.getThrown()).append('"');
        }
        return sb.append('\n').toString();
    }
}
