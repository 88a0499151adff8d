package io.artifactkeeper.core.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;

class ProxyCacheTest {

    @Test
    void upstreamCredentialsGoToTheUpstreamOriginOnly() {
        String base = "https://registry.example.com/npm/";
        assertThat(ProxyCache.sameOrigin(URI.create("https://registry.example.com/npm/x/-/x-1.tgz"), base)).isTrue();
        assertThat(ProxyCache.sameOrigin(URI.create("https://registry.example.com:443/other"), base)).isTrue();
        assertThat(ProxyCache.sameOrigin(URI.create("https://files.example.com/x.whl"), base)).isFalse();
        assertThat(ProxyCache.sameOrigin(URI.create("http://registry.example.com/npm/x"), base)).isFalse();
        assertThat(ProxyCache.sameOrigin(URI.create("https://registry.example.com:8443/npm/x"), base)).isFalse();
        assertThat(ProxyCache.sameOrigin(URI.create("https://registry.example.com/x"), null)).isFalse();
    }
}
