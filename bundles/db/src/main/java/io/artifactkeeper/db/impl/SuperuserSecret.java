package io.artifactkeeper.db.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The embedded server's superuser password, kept in a file next to the data directory (readable by
 * this user only), and the authentication rules that require it. zonky's initdb would otherwise
 * leave every local TCP connection trusted, i.e. any user of the host superuser without a password.
 */
final class SuperuserSecret {

    static final String HBA = "pg_hba.conf";

    /** Our pg_hba.conf: TCP on the loopback only (the server listens nowhere else), SCRAM passwords. */
    static final String SECURE_HBA = """
            # Written by Artifact Keeper: connections over TCP on the loopback only, with a password (SCRAM).
            # TYPE  DATABASE     USER  ADDRESS       METHOD
            host    all          all   127.0.0.1/32  scram-sha-256
            host    all          all   ::1/128       scram-sha-256
            host    replication  all   127.0.0.1/32  scram-sha-256
            host    replication  all   ::1/128       scram-sha-256
            """;

    private SuperuserSecret() {
    }

    /** {@code <data>/postgres} → {@code <data>/postgres.password}: outside, since initdb wants an empty directory. */
    static Path fileFor(Path dataDir) {
        return dataDir.resolveSibling(dataDir.getFileName() + ".password");
    }

    static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }

    /** Creates the password file with a new random password (URL-safe characters: no SQL or shell quoting issues). */
    static String create(Path file) throws IOException {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, password + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return password;
    }

    /** Whether an active line of the data directory's pg_hba.conf uses the {@code trust} method. */
    static boolean trusts(Path dataDir) throws IOException {
        Path hba = dataDir.resolve(HBA);
        if (!Files.exists(hba)) {
            return false;
        }
        List<String> lines = Files.readAllLines(hba, StandardCharsets.UTF_8);
        for (String line : lines) {
            int hash = line.indexOf('#');
            String active = (hash >= 0 ? line.substring(0, hash) : line).trim().toLowerCase(Locale.ROOT);
            if (!active.isEmpty() && List.of(active.split("\\s+")).contains("trust")) {
                return true;
            }
        }
        return false;
    }

    static void writeSecureHba(Path dataDir) throws IOException {
        Path hba = dataDir.resolve(HBA);
        Path tmp = dataDir.resolve(HBA + ".tmp");
        Files.writeString(tmp, SECURE_HBA, StandardCharsets.UTF_8);
        Files.move(tmp, hba, StandardCopyOption.REPLACE_EXISTING);
    }
}
