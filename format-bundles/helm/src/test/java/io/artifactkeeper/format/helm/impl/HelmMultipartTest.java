package io.artifactkeeper.format.helm.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HelmMultipartTest {

    /**
     * The same bug PypiFuzzTest found in pypi's copy of this reader: a Content-Type of only ';'
     * threw ArrayIndexOutOfBounds (a 500 for a ChartMuseum upload).
     */
    @Test
    void aContentTypeOfOnlySemicolonsHasNoBoundary() {
        assertThat(HelmMultipart.boundary(";")).isEmpty();
        assertThat(HelmMultipart.boundary(";;")).isEmpty();
        assertThat(HelmMultipart.boundary("multipart/form-data; boundary=abc")).contains("abc");
    }
}
