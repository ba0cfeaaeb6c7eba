package dev.cinnabar.server.persistence;

import dev.cinnabar.server.config.ServerConfig;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The AOF directory ({@code dir}/{@code appenddirname}) and its manifest on disk. A new manifest
 * is written to a temporary file, fsynced and renamed over the old one, then the directory is
 * fsynced: a crash leaves either the old manifest or the new one, each naming files that exist.
 */
public final class AofDirectory {
    private final Path dir;
    private final String appendFilename;

    public AofDirectory(Path dir, String appendFilename) {
        this.dir = dir;
        this.appendFilename = appendFilename;
    }

    /** The directory of the server's current configuration. */
    public static AofDirectory of(ServerConfig config) {
        return new AofDirectory(Path.of(config.dir).resolve(config.appendDirname), config.appendFilename);
    }

    public Path dir() {
        return dir;
    }

    public String appendFilename() {
        return appendFilename;
    }

    /** A file of the AOF, by its name in the manifest. */
    public Path file(String name) {
        return dir.resolve(name);
    }

    public Path manifestPath() {
        return dir.resolve(AofManifest.manifestName(appendFilename));
    }

    /** The pre-7.0 single file, {@code dir}/{@code appendfilename}, that Redis 7.0 upgrades from. */
    public Path legacyFile(Path workingDir) {
        return workingDir.resolve(appendFilename);
    }

    /** Creates the directory if it is missing (Redis's "Can't create AOF directory" when it fails). */
    public void create() throws IOException {
        Files.createDirectories(dir);
    }

    /** True when the directory holds a manifest (Redis's check before loading). */
    public boolean hasManifest() {
        return Files.isRegularFile(manifestPath());
    }

    /** The manifest on disk; {@link NoSuchFileException} when there is none. */
    public AofManifest readManifest() throws IOException, AofManifest.FormatException {
        return AofManifest.parse(Files.readAllBytes(manifestPath()));
    }

    /** Writes {@code m} as the manifest: temporary file, fsync, rename, fsync of the directory. */
    public void writeManifest(AofManifest m) throws IOException {
        Path temp = dir.resolve(AofManifest.tempManifestName(appendFilename));
        try (FileOutputStream out = new FileOutputStream(temp.toFile())) {
            out.write(m.toBytes());
            out.getFD().sync();
        }
        Files.move(temp, manifestPath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        fsyncDirectory();
    }

    /** Makes renames and new files in the directory durable. */
    public void fsyncDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /** The size of one file of the AOF, 0 when it is missing (Redis's getAppendOnlyFileSize). */
    public long size(String name) {
        try {
            return Files.size(file(name));
        } catch (IOException e) {
            return 0;
        }
    }
}
