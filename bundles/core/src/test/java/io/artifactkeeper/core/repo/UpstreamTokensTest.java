package io.artifactkeeper.core.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class UpstreamTokensTest {

    @Test
    void parsesBearerChallenges() {
        assertThat(UpstreamTokens.parseBearer("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                + "scope=\"repository:library/alpine:pull\"")).contains(Map.of("realm", "https://auth.docker.io/token",
                        "service", "registry.docker.io", "scope", "repository:library/alpine:pull"));
        assertThat(UpstreamTokens.parseBearer("bearer realm=http://x/t, scope=\"a:b:pull,push\""))
                .contains(Map.of("realm", "http://x/t", "scope", "a:b:pull,push"));
        assertThat(UpstreamTokens.parseBearer("Basic realm=\"x\"")).isEmpty();
        assertThat(UpstreamTokens.parseBearer("Bearer service=\"x\"")).isEmpty();
        assertThat(UpstreamTokens.parseBearer(null)).isEmpty();
    }
}
