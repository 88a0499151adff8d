package io.artifactkeeper.tck.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.OptionalLong;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

import io.artifactkeeper.api.storage.BlobStore;
import io.artifactkeeper.tck.storage.InMemoryBlobStore.Defect;

/**
 * A kit that cannot fail proves nothing: each known defect, planted in the reference store, must
 * make the test written for it fail. (The nested classes are not run by Surefire on their own.)
 */
class KitCatchesBrokenStoresTest {

    @ParameterizedTest(name = "{0} is caught by {1}")
    @CsvSource({
        "KEEPS_PARTIAL_UPLOADS,            failingStreamFailsThePutAndNothingIsKept",
        "KEEPS_PARTIAL_UPLOADS,            uncheckedFailureOfTheStreamLeavesNothing",
        "RANGE_END_EXCLUSIVE,              rangesReturnExactlyTheRequestedBytes",
        "CASE_INSENSITIVE_DIGESTS,         invalidDigestsAreRefusedAndTouchNothing",
        "LEAKS_TEMPORARY_WHEN_TOO_LARGE,   tooLargeIsRefusedAndNothingIsKept",
        "CLOSES_THE_STREAM,                putReadsTheStreamToItsEndAndDoesNotCloseIt",
        "DRAINS_BEFORE_CHECKING_THE_LIMIT, tooLargeStopsReadingSoonAfterTheLimit",
        "STORES_DUPLICATES,                identicalBytesAreStoredOnce",
        "STORES_DUPLICATES,                concurrentPutsOfTheSameContentStoreOneBlob",
    })
    void defectIsCaught(Defect defect, String test) {
        Broken.defect = defect;
        try {
            EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                    .selectors(selectMethod(Broken.class, test))
                    .execute();
            results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        } finally {
            Broken.defect = null;
        }
    }

    @Test
    void aStoreThatCannotSimulateReadOnlyFailsOnlyTheReadOnlyTest() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(NoHooks.class))
                .execute();
        results.testEvents().assertStatistics(s -> s.failed(1).aborted(0));
        assertThat(results.testEvents().failed().stream()
                .map(e -> e.getTestDescriptor().getDisplayName()))
                .containsExactly("unwritableStoreFailsWritesAndHealthKeepsReadsAndRecovers()");
    }

    static class Broken extends BlobStoreConformance {
        static volatile Defect defect;
        private InMemoryBlobStore memory;

        @Override
        protected BlobStore createStore() {
            memory = new InMemoryBlobStore(defect);
            return memory;
        }

        @Override
        protected OptionalLong temporaryObjectCount() {
            return OptionalLong.of(memory.temporaries());
        }
    }

    static class NoHooks extends BlobStoreConformance {
        @Override
        protected BlobStore createStore() {
            return new InMemoryBlobStore();
        }

        @Override
        protected long largeBlobSize() {
            return 8L << 20;
        }
    }
}
