package io.artifactkeeper.format.pypi.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PypiMediaTypeTest {

    @Test
    void pipGetsJson() {
        String pip = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";
        assertThat(PypiMediaType.choose(pip, null)).contains(PypiMediaType.JSON);
    }

    @Test
    void htmlForOldClientsAndBrowsers() {
        assertThat(PypiMediaType.choose(null, null)).contains(PypiMediaType.HTML);
        assertThat(PypiMediaType.choose("*/*", null)).contains(PypiMediaType.HTML);
        assertThat(PypiMediaType.choose("text/html", null)).contains(PypiMediaType.HTML);
        assertThat(PypiMediaType.choose("application/vnd.pypi.simple.v1+html", null)).contains(PypiMediaType.HTML_V1);
        assertThat(PypiMediaType.choose("application/vnd.pypi.simple.v1+json;q=0.2, text/html", null))
                .contains(PypiMediaType.HTML);
    }

    @Test
    void latestAliasesAndTheFormatParameter() {
        assertThat(PypiMediaType.choose("application/vnd.pypi.simple.latest+json", null)).contains(PypiMediaType.JSON);
        assertThat(PypiMediaType.choose("text/html", "application/vnd.pypi.simple.v1+json")).contains(PypiMediaType.JSON);
    }

    @Test
    void nothingAcceptable() {
        assertThat(PypiMediaType.choose("application/json", null)).isEmpty();
        assertThat(PypiMediaType.choose("text/html;q=0", null)).isEmpty();
        assertThat(PypiMediaType.choose("text/html", "application/xml")).isEmpty();
    }
}
