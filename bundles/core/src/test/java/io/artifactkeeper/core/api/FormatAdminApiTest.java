package io.artifactkeeper.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FormatAdminApiTest {
    private static final String FH = "io.artifactkeeper.api.format.FormatHandler";

    @Test
    void aFormatBundleDeclaresTheServiceCapability() {
        // as bnd writes it for a DS component
        assertThat(FormatAdminApi.providesService("osgi.extender;filter:=\"(&(osgi.extender=osgi.component)(version>=1.5.0))\","
                + "osgi.service;objectClass:List<String>=\"" + FH + "\";uses:=\"io.artifactkeeper.api.format\"", FH)).isTrue();
        assertThat(FormatAdminApi.providesService("osgi.service;objectClass:List<String>=\"java.lang.Runnable," + FH + "\"", FH))
                .isTrue();
        assertThat(FormatAdminApi.providesService("osgi.service;objectClass=" + FH, FH)).isTrue();
    }

    @Test
    void aMentionElsewhereIsNotAService() {
        assertThat(FormatAdminApi.providesService(null, FH)).isFalse();
        assertThat(FormatAdminApi.providesService("x." + FH + ";x=1", FH)).isFalse();
        assertThat(FormatAdminApi.providesService("osgi.service;objectClass:List<String>=\"" + FH + "X\"", FH)).isFalse();
        assertThat(FormatAdminApi.providesService("osgi.service;uses:=\"" + FH + "\";objectClass:List<String>=\"java.lang.Runnable\"",
                FH)).isFalse();
        assertThat(FormatAdminApi.providesService("other.ns;objectClass=\"" + FH + "\"", FH)).isFalse();
        assertThat(FormatAdminApi.providesService("osgi.service;note=\"objectClass=" + FH + "\"", FH)).isFalse();
    }
}
