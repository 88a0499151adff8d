package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory is the server's user's only (issue 13, item 12): the embedded PostgreSQL's
 * binaries (which the server runs), its database, the blobs, the bundle cache. Nothing in it may be
 * readable, writable or searchable by group or others; also when the data directory already existed
 * with an open mode, and whatever umask the server was started with.
 */
class DataDirPermissionsIT {
    private static final Set<PosixFilePermission> OPEN = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    @Test
    void nothingUnderTheDataDirectoryIsOpenToOthers(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (Distribution ak = new Distribution(data)) {
            ak.start();
            ak.awaitReady(Duration.ofSeconds(120));
            String admin = ak.adminBasic();
            assertThat(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "files", "format", "generic"))
                    .statusCode()).isEqualTo(201);
            assertThat(ak.send("PUT", "/general/files/a/b/blob.bin", admin, null, "private bytes".getBytes()).statusCode())
                    .isEqualTo(201);

            List<String> open = new ArrayList<>();
            int[] seen = new int[2];
            try (Stream<Path> all = Files.walk(data)) {
                all.forEach(p -> {
                    try {
                        if (Files.isSymbolicLink(p) || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                            return;
                        }
                        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                        seen[Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? 0 : 1]++;
                        if (perms.stream().anyMatch(OPEN::contains)) {
                            open.add(PosixFilePermissions.toString(perms) + " " + data.relativize(p));
                        }
                    } catch (java.nio.file.NoSuchFileException gone) {
                        // a temporary file of the running database
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
            System.out.printf("[measure] data directory: %d folders and %d files checked, %d open to group or others%n",
                    seen[0], seen[1], open.size());
            assertThat(data.resolve("postgres-bin")).isDirectory();
            assertThat(open).as("open to group or others").isEmpty();
        }
    }
}
