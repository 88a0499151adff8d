package io.artifactkeeper.tck.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.api.format.StoredAsset;

/**
 * Plants defects in the toy format and runs the kit on each: the kit must fail exactly where the
 * defect is, as the storage kit is shown to catch broken stores.
 */
class KitCatchesBrokenFormatsTest {

    /** Keeps a remote's index forever: a stale copy served after the TTL. */
    static class StaleRemoteFormat extends ToyFormat {
        private final Map<String, Optional<List<String>>> forever = new ConcurrentHashMap<>();

        @Override
        Optional<List<String>> remoteVersions(RepositoryContext remote, String path) throws IOException {
            Optional<List<String>> cached = forever.get(remote.key() + path);
            if (cached != null) {
                return cached;
            }
            Optional<List<String>> v = super.remoteVersions(remote, path);
            forever.put(remote.key() + path, v);
            return v;
        }
    }

    /** Resolves a virtual repository's files itself, asking the members last to first. */
    static class ReversedMembersFormat extends ToyFormat {
        @Override
        Optional<StoredAsset> file(RepositoryContext repo, String path) throws IOException {
            if (repo.members().isEmpty()) {
                return repo.get(path);
            }
            List<RepositoryContext> ms = new ArrayList<>(repo.members());
            Collections.reverse(ms);
            for (RepositoryContext m : ms) {
                Optional<StoredAsset> a = m.get(path);
                if (a.isPresent()) {
                    return a;
                }
            }
            return Optional.empty();
        }
    }

    /** Declares its upload route for every repository type and writes wherever it is asked to. */
    static class RemoteWriterFormat extends ToyFormat {
        @Override
        Route uploadRoute() {
            return super.uploadRoute().anyRepositoryType();
        }
    }

    /** Builds its index once per repository and never again. */
    static class NeverRefreshingIndexFormat extends ToyFormat {
        private final Map<String, List<String>> once = new ConcurrentHashMap<>();

        @Override
        List<String> hostedVersions(RepositoryContext hosted, String name) throws IOException {
            List<String> v = once.get(hosted.key());
            if (v == null) {
                v = super.hostedVersions(hosted, name);
                once.put(hosted.key(), v);
            }
            return v;
        }
    }

    public static class StaleRemoteKit extends ToyConformanceTest {
        @Override
        protected FormatHandler createHandler() {
            return new StaleRemoteFormat();
        }
    }

    public static class ReversedMembersKit extends ToyConformanceTest {
        @Override
        protected FormatHandler createHandler() {
            return new ReversedMembersFormat();
        }
    }

    public static class RemoteWriterKit extends ToyConformanceTest {
        @Override
        protected FormatHandler createHandler() {
            return new RemoteWriterFormat();
        }
    }

    public static class NeverRefreshingKit extends ToyConformanceTest {
        @Override
        protected FormatHandler createHandler() {
            return new NeverRefreshingIndexFormat();
        }
    }

    private static List<String> failures(Class<?> kit) {
        Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(kit)).execute().testEvents();
        List<String> failed = new ArrayList<>();
        tests.failed().stream().forEach(e -> failed.add(e.getTestDescriptor().getDisplayName().replace("()", "")));
        assertThat(tests.started().count()).as("the kit ran").isGreaterThan(10);
        return failed;
    }

    @Test
    void aStaleRemoteCopyAfterTheTtlIsCaught() {
        assertThat(failures(StaleRemoteKit.class)).containsExactly("aRemoteRefreshesMetadataAfterItsTtl");
    }

    @Test
    void membersAskedOutOfOrderAreCaught() {
        assertThat(failures(ReversedMembersKit.class)).containsExactly("aVirtualAsksItsMembersInPriorityOrder");
    }

    @Test
    void aFormatThatWritesToARemoteIsCaught() {
        assertThat(failures(RemoteWriterKit.class)).contains("writesToARemoteAreRefusedWithoutReachingIt",
                "writesToAVirtualAreRefusedWithoutReachingIt");
    }

    @Test
    void anIndexThatIgnoresNewVersionsIsCaught() {
        assertThat(failures(NeverRefreshingKit.class)).contains("aSecondVersionShowsInTheNextMetadataAnswer");
    }
}
