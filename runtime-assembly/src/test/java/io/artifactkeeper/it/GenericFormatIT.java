package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import io.artifactkeeper.it.tck.FormatTck;

/** The generic format through the format TCK (curl-equivalent requests: the generic format's client is any HTTP client). */
class GenericFormatIT extends FormatTck {

    @Override
    protected String formatKey() {
        return "generic";
    }

    @Override
    protected String mount() {
        return "general";
    }

    @Override
    protected Sample sample(String variant) {
        return new Sample("dist/" + variant + "/tool-" + variant + ".bin",
                ("generic sample " + variant + "\n").repeat(40).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void publish(Distribution server, String repoKey, Sample s) throws Exception {
        var r = server.send("PUT", "/general/" + repoKey + "/" + s.name(), server.adminBasic(), "application/octet-stream",
                s.bytes());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Override
    protected String downloadPath(Sample s) {
        return s.name();
    }
}
