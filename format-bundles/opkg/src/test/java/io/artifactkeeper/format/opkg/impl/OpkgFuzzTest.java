package io.artifactkeeper.format.opkg.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Hostile-input fuzz targets for the parsers of client and upstream bytes: the .ipk reader (ar or
 * gzip'd tar, control.tar.gz, data.tar.gz) and the control parser (a package's control file, an
 * upstream's Packages). Property: a valid stanza within bounds, or the format's named refusal, never
 * another exception; what is parsed writes back to a text that parses to the same stanzas.
 */
class OpkgFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void ipk(byte[] bytes) {
        Control.Stanza s;
        try {
            s = IpkPackage.read(new ByteArrayInputStream(bytes));
        } catch (IpkPackage.BadPackageException ex) {
            assertThat(ex.getMessage()).isNotBlank().hasSizeLessThan(2000);
            return;
        }
        assertThat(s.get("Package")).matches(IpkPackage.NAME);
        assertThat(s.get("Version")).matches(IpkPackage.VERSION);
        assertThat(s.get("Architecture")).matches(IpkPackage.ARCH);
        assertThat(s.fields().size()).isLessThanOrEqualTo(Control.MAX_FIELDS);
    }

    @FuzzTest(maxDuration = "30s")
    void control(byte[] bytes) {
        List<Control.Stanza> all;
        try {
            all = Control.parseAll(bytes, 1000);
        } catch (Control.BadControlException ex) {
            assertThat(ex.getMessage()).isNotBlank().hasSizeLessThan(2000);
            return;
        }
        assertThat(all).hasSizeLessThanOrEqualTo(1000);
        StringBuilder b = new StringBuilder();
        for (Control.Stanza s : all) {
            assertThat(s.fields()).isNotEmpty().hasSizeLessThanOrEqualTo(Control.MAX_FIELDS);
            s.fields().forEach((k, v) -> {
                assertThat(k).matches(Control.FIELD);
                assertThat(v.length()).isLessThanOrEqualTo(Control.MAX_VALUE);
            });
            b.append(s.text()).append('\n');
        }
        try {
            List<Control.Stanza> again = Control.parseAll(b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), 1000);
            assertThat(again).isEqualTo(all);
        } catch (Control.BadControlException ex) {
            throw new AssertionError("a written stanza does not read back", ex);
        }
    }
}
