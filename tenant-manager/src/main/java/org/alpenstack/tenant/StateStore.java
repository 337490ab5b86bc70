package org.alpenstack.tenant;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.alpenstack.tenant.config.ConfigParser;
import org.alpenstack.tenant.config.ConfigWriter;
import org.alpenstack.tenant.config.TenantConfig;

/**
 * The state directory: the definitions of the running links and instances in
 * {@code DIR/state.json}, in the config file format, rewritten after every change so that a
 * restart restores them. Written atomically: a temporary file in the same directory, fsync,
 * rename over the old one, fsync of the directory; a crash leaves the old or the new file,
 * never a torn one.
 */
public final class StateStore {
    public static final String FILE = "state.json";

    private final Path dir;

    public StateStore(Path dir) {
        this.dir = dir;
    }

    public Path file() {
        return dir.resolve(FILE);
    }

    /** The saved configuration, if there is one; a damaged file is a ConfigException naming it. */
    public Optional<TenantConfig> load() throws IOException {
        Path f = file();
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        return Optional.of(ConfigParser.parse(Files.readString(f)));
    }

    public synchronized void save(TenantConfig config) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(FILE + ".tmp");
        byte[] bytes = ConfigWriter.toJson(config).getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // Not every file system lets a directory be opened for fsync; the rename is still atomic.
        }
    }
}
