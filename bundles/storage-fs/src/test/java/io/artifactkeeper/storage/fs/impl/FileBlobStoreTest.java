package io.artifactkeeper.storage.fs.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.artifactkeeper.api.storage.Blob;
import io.artifactkeeper.api.storage.BlobRef;
import io.artifactkeeper.api.storage.BlobStore;
import io.artifactkeeper.tck.storage.BlobStoreConformance;
import io.artifactkeeper.tck.storage.DeterministicInputStream;
import io.artifactkeeper.tck.storage.Sha256;

/** The storage conformance kit, plus what is specific to files. */
class FileBlobStoreTest extends BlobStoreConformance {

    private static final String HELLO_SHA256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    @TempDir
    Path dir;

    private Path root;
    private WriteBlock block;

    @Override
    protected BlobStore createStore() throws IOException {
        root = dir.resolve("store");
        return new FileBlobStore(root, true);
    }

    @Override
    protected boolean makeUnwritable() throws IOException {
        block = WriteBlock.block(root.resolve("tmp"));
        System.out.println("[storage-fs] unwritable store simulated with " + block);
        return true;
    }

    @Override
    protected void makeWritable() throws IOException {
        if (block != null) {
            block.revert(root.resolve("tmp"));
            block = null;
        }
    }

    @Override
    protected OptionalLong temporaryObjectCount() throws IOException {
        Path tmp = root.resolve("tmp");
        if (!Files.isDirectory(tmp)) {
            return OptionalLong.of(0);
        }
        try (Stream<Path> files = Files.list(tmp)) {
            return OptionalLong.of(files.count());
        }
    }

    private FileBlobStore fileStore() {
        return (FileBlobStore) store;
    }

    // ---------------------------------------------------------------------------------------------
    // layout

    @Test
    void blobsLiveUnderTheirShardedDigestAndNothingElseIsWritten() throws IOException {
        BlobRef ref = put("hello".getBytes(StandardCharsets.US_ASCII));

        assertThat(ref.sha256()).isEqualTo(HELLO_SHA256);
        Path expected = root.resolve("sha256/2c/f2/" + HELLO_SHA256);
        assertThat(fileStore().blobPath(HELLO_SHA256)).isEqualTo(expected);
        assertThat(expected).isRegularFile().hasContent("hello");
        assertThat(regularFilesUnder(root)).containsExactly(expected);
        assertThat(root.resolve("tmp")).isEmptyDirectory();
        assertThat(ref.lastModified()).isEqualTo(Files.getLastModifiedTime(expected).toMillis());
    }

    @Test
    void blobsAndTheirFoldersAreTheServersOnly() throws IOException {
        BlobRef ref = put("hello".getBytes(StandardCharsets.US_ASCII));
        Path blob = fileStore().blobPath(ref.sha256());
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(blob)))
                .isEqualTo("rw-------");
        for (Path d = blob.getParent(); d.startsWith(root); d = d.getParent()) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(d))).as(d.toString())
                    .isEqualTo("rwx------");
        }
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("tmp"))))
                .isEqualTo("rwx------");
    }

    @Test
    void forEachIgnoresFilesThatAreNotBlobs() throws IOException {
        BlobRef ref = put("hello".getBytes(StandardCharsets.US_ASCII));
        String other = Sha256.of(new byte[] {1});
        Files.createDirectories(root.resolve("sha256/zz/zz"));
        Files.writeString(root.resolve("sha256/zz/zz/" + other), "wrong shard");
        Files.writeString(root.resolve("sha256/2c/f2/" + other), "wrong shard");
        Files.writeString(root.resolve("sha256/2c/f2/notes.txt"), "not a digest");
        Files.writeString(root.resolve("sha256/README"), "stray file");
        Files.createDirectories(root.resolve("sha256/2c/f2/" + HELLO_SHA256.replace('2', '3')));

        assertThat(snapshot()).containsOnlyKeys(ref.sha256());
    }

    @Test
    void rootDefaultsToBlobsUnderTheDataDirectory() {
        assertThat(FileBlobStore.resolveRoot("", "/srv/ak")).isEqualTo(Path.of("/srv/ak/blobs"));
        assertThat(FileBlobStore.resolveRoot(null, " /srv/ak ")).isEqualTo(Path.of("/srv/ak/blobs"));
        assertThat(FileBlobStore.resolveRoot("  ", null)).isEqualTo(Path.of("data/blobs").toAbsolutePath());
        assertThat(FileBlobStore.resolveRoot("/mnt/blobs/", "/srv/ak")).isEqualTo(Path.of("/mnt/blobs"));
        assertThat(FileBlobStore.resolveRoot("rel/../blobs", null)).isEqualTo(Path.of("blobs").toAbsolutePath());
    }

    // ---------------------------------------------------------------------------------------------
    // deduplication and repair

    @Test
    void aRepeatedPutRefreshesLastModifiedSoGcGracePeriodsStartAgain() throws IOException {
        BlobRef first = put("hello".getBytes(StandardCharsets.US_ASCII));
        Path file = root.resolve("sha256/2c/f2/" + HELLO_SHA256);
        Instant twoDaysAgo = Instant.now().minus(Duration.ofDays(2));
        Files.setLastModifiedTime(file, FileTime.from(twoDaysAgo));

        long before = System.currentTimeMillis();
        BlobRef second = put("hello".getBytes(StandardCharsets.US_ASCII));

        assertThat(second.sha256()).isEqualTo(first.sha256());
        assertThat(second.lastModified()).isGreaterThanOrEqualTo(before - 1000);
        assertThat(Files.getLastModifiedTime(file).toMillis()).isEqualTo(second.lastModified());
    }

    @Test
    void aDamagedCopyIsReplacedByTheNextPutOfTheSameBytes() throws IOException {
        byte[] content = DeterministicInputStream.bytes(40, 100_000);
        BlobRef ref = put(content);
        Path file = fileStore().blobPath(ref.sha256());
        Files.write(file, new byte[10]); // truncated by a disk problem or a careless operator

        put(content);

        assertThat(Files.readAllBytes(file)).isEqualTo(content);
    }

    @Test
    void aTruncatedFileFailsRangeReadsInsteadOfReturningShortContent() throws IOException {
        byte[] content = DeterministicInputStream.bytes(41, 100_000);
        Blob blob = store.get(put(content).sha256()).orElseThrow();
        Files.write(fileStore().blobPath(blob.ref().sha256()), new byte[50_000]);

        try (InputStream in = blob.open(40_000, 99_999)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(EOFException.class);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // failures of the file system

    @Test
    void tmpReplacedByAFileFailsPutsAndHealthUntilRemoved() throws IOException {
        Path tmp = root.resolve("tmp");
        WriteBlock.REPLACED_BY_FILE.apply(tmp);

        assertThatThrownBy(() -> put(new byte[] {1, 2, 3})).isInstanceOf(IOException.class);
        assertThatThrownBy(store::checkHealth).isInstanceOf(IOException.class)
                .hasMessageContaining(root.toString()).hasMessageContaining("tmp");
        assertThat(snapshot()).isEmpty();

        Files.delete(tmp); // the operator removes the stray file; the store recreates tmp/ itself
        store.checkHealth();
        assertThat(put(new byte[] {1, 2, 3}).size()).isEqualTo(3);
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void aDeletedTmpDirectoryIsRecreatedByTheNextPut() throws IOException {
        Files.delete(root.resolve("tmp"));
        assertThat(put("hello".getBytes(StandardCharsets.US_ASCII)).sha256()).isEqualTo(HELLO_SHA256);
        assertThat(root.resolve("tmp")).isEmptyDirectory();
    }

    @Test
    void aMissingRootFailsHealthAndWritesAndIsNeverRecreated() throws IOException {
        put("hello".getBytes(StandardCharsets.US_ASCII));
        deleteTree(root); // an unmounted volume: writing to the mount point instead would hide the data

        assertThatThrownBy(store::checkHealth).isInstanceOf(IOException.class)
                .hasMessageContaining(root.toString()).hasMessageContaining("missing");
        assertThatThrownBy(() -> put(new byte[] {1})).isInstanceOf(IOException.class);
        assertThat(store.get(HELLO_SHA256)).isEmpty();
        assertThat(root).doesNotExist();

        // Back in place (remounted): a new activation works again.
        store = new FileBlobStore(root, true);
        store.checkHealth();
    }

    // ---------------------------------------------------------------------------------------------
    // crash debris

    @Test
    void activationRemovesOnlyStaleTemporaryFiles() throws IOException {
        Path tmp = root.resolve("tmp");
        Path stale = tmp.resolve("crashed-put.tmp");
        Path staleProbe = tmp.resolve("health-x.tmp");
        Path running = tmp.resolve("running-put.tmp");
        Path justUnderAnHour = tmp.resolve("slow-put.tmp");
        Files.write(stale, new byte[1000]);
        Files.write(staleProbe, new byte[10]);
        Files.write(running, new byte[1000]);
        Files.write(justUnderAnHour, new byte[1000]);
        Instant now = Instant.now();
        Files.setLastModifiedTime(stale, FileTime.from(now.minus(Duration.ofHours(2))));
        Files.setLastModifiedTime(staleProbe, FileTime.from(now.minus(Duration.ofDays(30))));
        Files.setLastModifiedTime(justUnderAnHour, FileTime.from(now.minus(Duration.ofMinutes(55))));

        store = new FileBlobStore(root, true); // activation

        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).containsExactlyInAnyOrder(running, justUnderAnHour);
        }
        Files.delete(running);
        Files.delete(justUnderAnHour);
    }

    // ---------------------------------------------------------------------------------------------
    // digests from outside

    @Test
    void traversalDigestsNeverReachFilesOutsideTheStore() throws IOException {
        Path victim = dir.resolve("victim");
        Files.writeString(victim, "keep me");
        Path nested = dir.resolve("store/sha256/victim");
        Files.writeString(nested, "keep me too");
        List<String> attacks = List.of("../../victim", "../../../victim", "..%2f..%2fvictim",
                "../victim" + "0".repeat(55), "/" + victim, victim.toString(), "victim");

        for (String attack : attacks) {
            assertThatThrownBy(() -> store.delete(attack)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.get(attack)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.exists(attack)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(victim).hasContent("keep me");
        assertThat(nested).hasContent("keep me too");
        Files.delete(nested);
    }

    @Test
    void anUnsyncedStoreStillWorks() throws IOException {
        store = new FileBlobStore(dir.resolve("nosync"), false);
        root = dir.resolve("nosync");
        BlobRef ref = put(DeterministicInputStream.bytes(42, 300_000));
        assertThat(readAll(store.get(ref.sha256()).orElseThrow())).isEqualTo(DeterministicInputStream.bytes(42, 300_000));
    }

    // ---------------------------------------------------------------------------------------------

    private static List<Path> regularFilesUnder(Path p) throws IOException {
        try (Stream<Path> all = Files.walk(p)) {
            return all.filter(Files::isRegularFile).toList();
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> all = Files.walk(p)) {
            for (Path f : all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(f);
            }
        }
    }
}
