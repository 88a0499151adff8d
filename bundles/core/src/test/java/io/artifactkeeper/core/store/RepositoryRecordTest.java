package io.artifactkeeper.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RepositoryRecordTest {

    @Test
    void secretsShowOnlyAsSetFlags() {
        Map<String, Object> shown = RepositoryRecord.redacted(Map.of("upstream_username", "u", "upstream_password", "p"));
        assertThat(shown).containsEntry("upstream_username", "u").containsEntry("upstream_password_set", true)
                .doesNotContainKey("upstream_password");
        assertThat(RepositoryRecord.redacted(Map.of("a", 1))).isEqualTo(Map.of("a", 1));
    }

    @Test
    void anUpdateWithoutThePasswordKeepsItNullClearsIt() {
        Map<String, Object> stored = Map.of("upstream_username", "u", "upstream_password", "p");
        assertThat(RepositoryRecord.mergeWriteOnly(Map.of("upstream_username", "u2", "upstream_password_set", true), stored))
                .isEqualTo(Map.of("upstream_username", "u2", "upstream_password", "p"));
        Map<String, Object> clear = new HashMap<>();
        clear.put("upstream_password", null);
        assertThat(RepositoryRecord.mergeWriteOnly(clear, stored)).isEmpty();
        assertThat(RepositoryRecord.mergeWriteOnly(Map.of("upstream_password", "new"), stored))
                .isEqualTo(Map.of("upstream_password", "new"));
        assertThat(RepositoryRecord.mergeWriteOnly(null, stored)).isNull();
    }
}
