package org.alpenstack.shim;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The native half of the shim, packaged in this jar under {@code org/alpenstack/shim/native/}:
 * the preload library and the launcher, extracted to a directory where programs can load them.
 */
public final class ShimLibrary {
    public static final String PRELOAD = "libalpenstack-preload.so";
    public static final String LAUNCHER = "alpenstack-run";
    private static final String RESOURCE_DIR = "/org/alpenstack/shim/native/";

    private ShimLibrary() {
    }

    /**
     * Copies both files into {@code dir} (created if needed), readable and executable by all:
     * preloaded programs may run as other users. Returns the directory.
     */
    public static Path extract(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String name : new String[] {PRELOAD, LAUNCHER}) {
            try (InputStream in = ShimLibrary.class.getResourceAsStream(RESOURCE_DIR + name)) {
                if (in == null) {
                    throw new IOException(name + " is not in the client-shim jar (was it built with gcc/make?)");
                }
                Path tmp = Files.createTempFile(dir, name, ".tmp");
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return dir;
    }
}
