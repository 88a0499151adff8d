package io.artifactkeeper.format.pypi.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.api.format.AssetKind;

class PypiProxyPolicyTest {
    final PypiProxyPolicy policy = new PypiProxyPolicy();

    @Test
    void theUpstreamMayNameTheIndexOrItsRoot() {
        for (String u : new String[] {"https://pypi.org", "https://pypi.org/", "https://pypi.org/simple",
            "https://pypi.org/simple/"}) {
            assertThat(PypiProxyPolicy.simpleRoot(URI.create(u))).as(u).isEqualTo(URI.create("https://pypi.org/simple/"));
        }
        assertThat(PypiProxyPolicy.simpleRoot(URI.create("http://h:8080/pypi/local")))
                .isEqualTo(URI.create("http://h:8080/pypi/local/simple/"));
    }

    @Test
    void cachedPagesMapToUpstreamPagesAndAreMetadata() {
        URI base = URI.create("http://h/pypi/local/simple/");
        assertThat(policy.upstreamUri(base, PypiProxyPolicy.PROJECT_LIST)).isEqualTo(URI.create("http://h/pypi/local/simple/"));
        String page = PypiProxyPolicy.projectPagePath("zope-interface");
        assertThat(policy.upstreamUri(base, page)).isEqualTo(URI.create("http://h/pypi/local/simple/zope-interface/"));
        assertThat(policy.kindOf(page)).isEqualTo(AssetKind.METADATA);
        assertThat(policy.kindOf("packages/a/1.0/a-1.0.tar.gz")).isEqualTo(AssetKind.CONTENT);
        assertThat(policy.kindOf("packages/a/1.0/a-1.0-py3-none-any.whl.metadata")).isEqualTo(AssetKind.CONTENT);
        assertThat(policy.upstreamHeaders(page).get("Accept")).startsWith("application/vnd.pypi.simple.v1+json");
        assertThat(policy.upstreamHeaders(PypiProxyPolicy.PROJECT_LIST).get("Accept")).startsWith("application/vnd.pypi.simple.v1+html");
        assertThat(policy.upstreamHeaders("packages/a/1.0/a-1.0.tar.gz")).isEmpty();
    }

    @Test
    void remoteFilesAreCachedInTheUploadLayout() {
        assertThat(PypiDownloads.remotePath("demo", "demo-1.2-py3-none-any.whl"))
                .isEqualTo("packages/demo/1.2/demo-1.2-py3-none-any.whl");
        assertThat(PypiDownloads.remotePath("demo", "strange.whl")).isEqualTo("packages/demo/unknown/strange.whl");
    }
}
