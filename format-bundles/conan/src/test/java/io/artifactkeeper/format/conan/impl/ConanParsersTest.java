package io.artifactkeeper.format.conan.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.api.format.FormatException;

/** The reference parser, the file-name rule, the manifest and conaninfo readers and the search glob. */
class ConanParsersTest {

    @Test
    void referencesParseAsConanWritesThem() {
        assertThat(ConanRef.parse("zlib/1.3.1")).isEqualTo(new ConanRef("zlib", "1.3.1", "_", "_"));
        assertThat(ConanRef.parse("boost/1.84.0@acme/stable#0123abcdef%1700000000.5").display())
                .isEqualTo("boost/1.84.0@acme/stable");
        assertThat(ConanRef.parse("pkg/1.0@user").path()).isEqualTo("pkg/1.0/user/_");
        assertThat(ConanRef.parse("Poco/1.9.0@_/_").display()).isEqualTo("Poco/1.9.0");
        for (String bad : List.of("", "zlib", "z/1.0", "zlib/", "/1.0", "zlib/1.0@/chan", "zlib/1.0#", "zlib/1.0#a-b",
                "zlib/../1.0", "..", "zlib/1.0@../x", "zlib/1 0", "zlib/1.0%x", "zl\u0000ib/1.0", "a".repeat(500) + "/1")) {
            assertThatThrownBy(() -> ConanRef.parse(bad)).as(bad).isInstanceOf(FormatException.class)
                    .satisfies(e -> assertThat(((FormatException) e).status()).isEqualTo(400));
        }
    }

    @Test
    void fileNamesAreOneSegmentOrBelowMetadata() {
        assertThat(ConanRef.fileName("conanfile.py")).isEqualTo("conanfile.py");
        assertThat(ConanRef.fileName("conan_package.tgz;deb.distribution=x")).isEqualTo("conan_package.tgz");
        assertThat(ConanRef.fileName("metadata/sign/pkgsign-manifest.json")).isEqualTo("metadata/sign/pkgsign-manifest.json");
        for (String bad : List.of("..", ".", "../conanfile.py", "a/b", "metadata/../x", "metadata//x", "", ";x", "a\\b",
                ".hidden", "metadata/.x", "con anfile.py", "x/" + "metadata")) {
            assertThatThrownBy(() -> ConanRef.fileName(bad)).as(bad).isInstanceOf(FormatException.class);
        }
    }

    @Test
    void manifestsReadAsConanWritesThem() {
        ConanManifest m = ConanManifest.parse(("1712345678\nconandata.yml: 0123456789abcdef0123456789ABCDEF\n"
                + "conanfile.py: ffffffffffffffffffffffffffffffff\n").getBytes(StandardCharsets.UTF_8));
        assertThat(m.time()).isEqualTo(1712345678L);
        assertThat(m.files()).containsEntry("conandata.yml", "0123456789abcdef0123456789abcdef").hasSize(2);
        assertThat(ConanManifest.parse("1712345678\r\nsub dir/a: b: ffffffffffffffffffffffffffffffff\r\n".getBytes())
                .files()).containsKey("sub dir/a: b");
        for (String bad : List.of("", "x\n", "1\nconanfile.py\n", "1\nconanfile.py: 123\n",
                "1\n../x: ffffffffffffffffffffffffffffffff\n", "1\n/etc/x: ffffffffffffffffffffffffffffffff\n",
                "1\na: ffffffffffffffffffffffffffffffff\na: ffffffffffffffffffffffffffffffff\n")) {
            assertThatThrownBy(() -> ConanManifest.parse(bad.getBytes(StandardCharsets.UTF_8))).as(bad)
                    .isInstanceOf(FormatException.class);
        }
        assertThatThrownBy(() -> ConanManifest.parse(new byte[] {'1', '\n', (byte) 0xff, ':', ' '}))
                .isInstanceOf(FormatException.class);
    }

    @Test
    void conaninfoReadsSectionsAndKeys() {
        ConanInfo i = ConanInfo.parse(("[settings]\narch=x86_64\nos = Linux\n\n[options]\nshared=False\n\n[requires]\n"
                + "zlib/1.3.Z\n").getBytes(StandardCharsets.UTF_8));
        assertThat(i.keyed("settings")).containsEntry("arch", "x86_64").containsEntry("os", "Linux");
        assertThat(i.keyed("options")).containsEntry("shared", "False");
        assertThat(i.lines("requires")).containsExactly("zlib/1.3.Z");
        for (String bad : List.of("arch=x86\n", "[settings\nx=y\n", "[settings]\nnokey\n", "[a]\n[a]\n", "[]\n",
                "[settings]\nx=\u0001\n")) {
            assertThatThrownBy(() -> ConanInfo.parse(bad.getBytes(StandardCharsets.UTF_8))).as(bad)
                    .isInstanceOf(FormatException.class);
        }
    }

    @Test
    void searchGlobMatchesLeadingParts() {
        ConanRef zlib = ConanRef.parse("zlib/1.3.1");
        assertThat(new ConanSearch("zlib", true).matches(zlib)).isTrue();
        assertThat(new ConanSearch("zlib/*", true).matches(zlib)).isTrue();
        assertThat(new ConanSearch("z?ib/1.[0-3].*", true).matches(zlib)).isTrue();
        assertThat(new ConanSearch("zli", true).matches(zlib)).isFalse();
        assertThat(new ConanSearch("zlib/2*", true).matches(zlib)).isFalse();
        assertThat(new ConanSearch("ZLIB", false).matches(zlib)).isFalse();
        assertThat(new ConanSearch("[!a]lib", true).matches(zlib)).isTrue();
        assertThat(new ConanSearch("*@acme/*", true).matches(ConanRef.parse("bo/1@acme/stable"))).isTrue();
        // no backtracking blow-up
        assertThat(ConanSearch.glob("*a*a*a*a*a*a*a*a*a*a*a*a*b", "a".repeat(300))).isFalse();
    }

    @Test
    void aRemoteMapsItsCachePathsToTheUpstreamApi() {
        ConanProxyPolicy p = new ConanProxyPolicy();
        java.net.URI base = java.net.URI.create("http://up.example/conan/origin/");
        assertThat(p.upstreamUri(base, "v2/conans/zlib/1.3.1/_/_/revisions/abc/files/conanfile.py").toString())
                .isEqualTo("http://up.example/conan/origin/v2/conans/zlib/1.3.1/_/_/revisions/abc/files/conanfile.py");
        String doc = ConanProxyPolicy.documentPath("v2/conans/zlib/1.3.1/_/_/revisions");
        assertThat(doc).isEqualTo(".upstream/v2/conans/zlib/1.3.1/_/_/revisions/index.json");
        assertThat(p.upstreamUri(base, doc).toString()).isEqualTo("http://up.example/conan/origin/v2/conans/zlib/1.3.1/_/_/revisions");
        assertThat(p.upstreamUri(base, ConanProxyPolicy.searchPath("zlib/*", true)).toString())
                .isEqualTo("http://up.example/conan/origin/v2/conans/search?q=zlib%2F*");
        assertThat(p.upstreamUri(base, ConanProxyPolicy.searchPath("Z", false)).toString())
                .isEqualTo("http://up.example/conan/origin/v2/conans/search?q=Z&ignorecase=False");
        assertThat(p.upstreamUri(base, ConanProxyPolicy.searchPath("", true)).toString())
                .isEqualTo("http://up.example/conan/origin/v2/conans/search?q=");
        assertThat(p.kindOf(doc)).isEqualTo(io.artifactkeeper.api.format.AssetKind.METADATA);
        assertThat(p.kindOf("v2/conans/zlib/1.3.1/_/_/revisions/abc/files/conanfile.py"))
                .isEqualTo(io.artifactkeeper.api.format.AssetKind.CONTENT);
    }
}
