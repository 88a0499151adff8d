package io.artifactkeeper.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.RepositoryType;
import io.artifactkeeper.api.format.UploadSessions;
import io.artifactkeeper.core.store.RepositoryRecord;

class UploadSessionStoreTest {
    @TempDir
    Path dir;

    private final RepositoryRecord repo = new RepositoryRecord(UUID.randomUUID(), "r", "r", null, "oci",
            RepositoryType.LOCAL, false, null, null, Map.of(), Instant.now(), Instant.now());

    private UploadSessions sessions(UploadSessionStore store) {
        return store.forRepository(repo, null, null);
    }

    @Test
    void appendsInOrderAndRefusesChunksOutOfOrder() throws Exception {
        UploadSessions s = sessions(new UploadSessionStore(dir, null, 100, Duration.ofHours(1)));
        String id = s.start();
        assertThat(s.size(id)).hasValue(0);
        assertThat(s.append(id, 0, new ByteArrayInputStream(new byte[10]))).isEqualTo(10);
        assertThat(s.append(id, -1, new ByteArrayInputStream(new byte[5]))).isEqualTo(15);
        assertThatThrownBy(() -> s.append(id, 3, new ByteArrayInputStream(new byte[1])))
                .isInstanceOfSatisfying(FormatException.class, e -> assertThat(e.status()).isEqualTo(416));
        assertThat(s.size(id)).hasValue(15);
        assertThatThrownBy(() -> s.append(id, 15, new ByteArrayInputStream(new byte[90])))
                .isInstanceOfSatisfying(FormatException.class, e -> assertThat(e.status()).isEqualTo(413));
        assertThat(s.size(id)).hasValue(15);
        assertThat(s.cancel(id)).isTrue();
        assertThat(s.size(id)).isEmpty();
        assertThatThrownBy(() -> s.append(id, -1, new ByteArrayInputStream(new byte[1])))
                .isInstanceOfSatisfying(FormatException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void aBrokenBodyKeepsWhatArrived() throws Exception {
        UploadSessions s = sessions(new UploadSessionStore(dir, null, -1, Duration.ofHours(1)));
        String id = s.start();
        InputStream breaking = new InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                if (n++ >= 7) {
                    throw new IOException("connection reset");
                }
                return 'x';
            }
        };
        assertThatThrownBy(() -> s.append(id, 0, breaking)).isInstanceOf(IOException.class);
        assertThat(s.size(id)).hasValue(7);
        assertThat(s.append(id, 7, new ByteArrayInputStream(new byte[3]))).isEqualTo(10);
    }

    @Test
    void unknownAndMalformedIds() throws Exception {
        UploadSessions s = sessions(new UploadSessionStore(dir, null, -1, Duration.ofHours(1)));
        assertThat(s.size("../../etc/passwd")).isEmpty();
        assertThat(s.size(UUID.randomUUID().toString())).isEmpty();
        assertThat(s.cancel("nope")).isFalse();
        // another repository's session is not visible
        String id = s.start();
        RepositoryRecord other = new RepositoryRecord(UUID.randomUUID(), "o", "o", null, "oci", RepositoryType.LOCAL,
                false, null, null, Map.of(), Instant.now(), Instant.now());
        assertThat(new UploadSessionStore(dir, null, -1, Duration.ofHours(1)).forRepository(other, null, null).size(id))
                .isEmpty();
    }

    @Test
    void abandonedSessionsExpire() throws Exception {
        UploadSessionStore store = new UploadSessionStore(dir, null, -1, Duration.ofMinutes(10));
        UploadSessions s = sessions(store);
        String old = s.start();
        String fresh = s.start();
        Files.setLastModifiedTime(dir.resolve(repo.id().toString()).resolve(old),
                FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        assertThat(store.expire()).isEqualTo(1);
        assertThat(s.size(old)).isEmpty();
        assertThat(s.size(fresh)).hasValue(0);
    }
}
