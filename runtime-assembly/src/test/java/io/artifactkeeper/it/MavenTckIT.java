package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import io.artifactkeeper.it.tck.FormatTck;

/** The Maven format through the format TCK; MavenIT drives the real clients. */
class MavenTckIT extends FormatTck {

    @Override
    protected String formatKey() {
        return "maven";
    }

    @Override
    protected String mount() {
        return "maven";
    }

    @Override
    protected Sample sample(String variant) {
        String v = "1." + Math.abs(variant.hashCode() % 1000);
        String a = "tck-" + variant.replaceAll("[^a-z0-9]", "");
        return new Sample("io/example/tck/" + a + "/" + v + "/" + a + "-" + v + ".jar",
                ("maven tck " + variant + "\n").repeat(64).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void publish(Distribution server, String repoKey, Sample s) throws Exception {
        var r = server.send("PUT", "/maven/" + repoKey + "/" + s.name(), server.adminBasic(), "application/java-archive",
                s.bytes());
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
    }

    @Override
    protected String downloadPath(Sample s) {
        return s.name();
    }
}
