package org.alpenstack.admin.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token comes from a file's first line, else from ALPENSTACK_TOKEN, else there is none. */
class BearerTokenTest {
    @TempDir
    Path dir;

    @Test
    void fileWinsOverEnvironment() throws IOException {
        Path f = dir.resolve("token");
        Files.writeString(f, "  from-file \nsecond line\n");
        assertEquals("from-file", BearerToken.resolve(f, Map.of(BearerToken.ENV, "from-env")));
    }

    @Test
    void environmentWhenNoFile() throws IOException {
        assertEquals("from-env", BearerToken.resolve(null, Map.of(BearerToken.ENV, " from-env ")));
        assertNull(BearerToken.resolve(null, Map.of(BearerToken.ENV, "  ")));
        assertNull(BearerToken.resolve(null, Map.of()));
    }

    @Test
    void anEmptyFileIsAnErrorNotAnOpenServer() throws IOException {
        Path f = dir.resolve("empty");
        Files.writeString(f, "\n");
        assertThrows(IOException.class, () -> BearerToken.resolve(f, Map.of()));
    }
}
