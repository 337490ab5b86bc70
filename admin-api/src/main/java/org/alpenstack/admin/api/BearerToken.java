package org.alpenstack.admin.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Where the optional admin token comes from: a file (first line) or the environment. */
public final class BearerToken {
    public static final String ENV = "ALPENSTACK_TOKEN";

    private BearerToken() {
    }

    /**
     * The token from {@code file} if given, else from {@link #ENV}, else null (no token: the API
     * is open to whoever can reach its address, which is loopback by default).
     */
    public static String resolve(Path file, Map<String, String> env) throws IOException {
        if (file != null) {
            String s = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
            if (s.isEmpty()) {
                throw new IOException("token file " + file + " is empty");
            }
            return s;
        }
        String s = env.get(ENV);
        return s == null || s.isBlank() ? null : s.strip();
    }
}
