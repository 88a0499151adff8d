package io.artifactkeeper.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AccessLogTest {

    @Test
    void tokensInPathsAreRedacted() {
        assertThat(AccessLog.forLog("/npm/r/-/user/token/akt_abcdef0123456789", null))
                .isEqualTo("/npm/r/-/user/token/[redacted]");
        assertThat(AccessLog.forLog("/npm/r/-/user/token/akt_abc/extra", null)).isEqualTo("/npm/r/-/user/token/[redacted]/extra");
        assertThat(AccessLog.forLog("/general/r/a/b.txt", null)).isEqualTo("/general/r/a/b.txt");
    }

    @Test
    void credentialsInQueriesAreRedacted() {
        assertThat(AccessLog.forLog("/x", "token=abc&q=npm")).isEqualTo("/x?token=[redacted]&q=npm");
        assertThat(AccessLog.forLog("/x", "q=1&access_token=abc&refresh_token=def")).isEqualTo(
                "/x?q=1&access_token=[redacted]&refresh_token=[redacted]");
        assertThat(AccessLog.forLog("/x", "password=p&api_key=k&X-Amz-Signature=s")).isEqualTo(
                "/x?password=[redacted]&api_key=[redacted]&X-Amz-Signature=[redacted]");
        assertThat(AccessLog.forLog("/x", "page=2&per_page=10")).isEqualTo("/x?page=2&per_page=10");
        assertThat(AccessLog.forLog("/x", "")).isEqualTo("/x");
    }
}
