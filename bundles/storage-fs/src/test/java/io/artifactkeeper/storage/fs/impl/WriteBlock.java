package io.artifactkeeper.storage.fs.impl;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * Ways to make a directory refuse new files, strongest first. Permissions do nothing for root
 * (tests often run as root in containers), {@code chattr +i} needs CAP_LINUX_IMMUTABLE and a file
 * system that supports it; replacing the directory with a regular file works for anyone anywhere.
 * {@link #block} picks the first that really stops a write here.
 */
enum WriteBlock {

    /** {@code chmod a-w}: what a read-only mount or a wrongly owned volume looks like to a non-root user. */
    PERMISSIONS {
        @Override
        void apply(Path dir) throws IOException {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        }

        @Override
        void revert(Path dir) throws IOException {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    },

    /** {@code chattr +i}: refuses new entries even to root (EPERM). */
    IMMUTABLE {
        @Override
        void apply(Path dir) throws IOException {
            run("chattr", "+i", dir.toString());
        }

        @Override
        void revert(Path dir) throws IOException {
            run("chattr", "-i", dir.toString());
        }
    },

    /** The directory (empty) is replaced by a regular file, so creating an entry in it fails (ENOTDIR). */
    REPLACED_BY_FILE {
        @Override
        void apply(Path dir) throws IOException {
            Files.delete(dir);
            Files.writeString(dir, "not a directory\n");
        }

        @Override
        void revert(Path dir) throws IOException {
            Files.delete(dir);
            Files.createDirectory(dir);
        }
    };

    abstract void apply(Path dir) throws IOException;

    abstract void revert(Path dir) throws IOException;

    /** Blocks writes to {@code dir} by the first means that works for this user, and returns it. */
    static WriteBlock block(Path dir) throws IOException {
        for (WriteBlock b : values()) {
            try {
                b.apply(dir);
            } catch (IOException | UnsupportedOperationException e) {
                continue; // not available here (no chattr, no POSIX permissions, ...)
            }
            if (!canCreateFileIn(dir)) {
                return b;
            }
            b.revert(dir);
        }
        throw new IllegalStateException("no way to make " + dir + " unwritable");
    }

    private static boolean canCreateFileIn(Path dir) throws IOException {
        Path probe = dir.resolve("write-block-probe");
        try {
            Files.createFile(probe);
        } catch (AccessDeniedException e) {
            return false;
        } catch (FileSystemException e) {
            return false; // EPERM, ENOTDIR, EROFS
        }
        Files.delete(probe);
        return true;
    }

    private static void run(String... command) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException(command[0] + " is not available", e);
        }
        try {
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
