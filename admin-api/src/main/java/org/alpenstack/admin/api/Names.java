package org.alpenstack.admin.api;

import java.util.regex.Pattern;

/**
 * Instance and link names end up in file names (the state directory) and socket paths, so
 * they are checked here as well as by the contract: lower-case letters, digits and '-', a
 * letter first, at most 32 characters. Nothing like "..", "/", NUL or a leading dot can pass.
 */
public final class Names {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    private Names() {
    }

    public static boolean valid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** @throws ApiProblem 422 naming {@code field} */
    public static void check(String field, String name) {
        if (!valid(name)) {
            throw ApiProblem.invalid(field, "a name is 1-32 of a-z, 0-9 and '-', starting with a letter");
        }
    }
}
