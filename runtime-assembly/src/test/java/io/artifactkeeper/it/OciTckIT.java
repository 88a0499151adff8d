package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import io.artifactkeeper.it.tck.FormatTck;

/** The OCI format through the format TCK (blobs by digest); OciIT drives the real clients. */
class OciTckIT extends FormatTck {

    @Override
    protected String formatKey() {
        return "oci";
    }

    @Override
    protected String mount() {
        return "v2";
    }

    @Override
    protected Sample sample(String variant) throws Exception {
        byte[] bytes = ("oci tck layer " + variant + "\n").repeat(64).getBytes(StandardCharsets.UTF_8);
        String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        return new Sample("tck/" + variant.replaceAll("[^a-z0-9]", "") + "/blobs/" + digest, bytes);
    }

    @Override
    protected void publish(Distribution server, String repoKey, Sample s) throws Exception {
        // a monolithic blob upload: POST .../blobs/uploads/?digest=... with the bytes
        String name = s.name().substring(0, s.name().indexOf("/blobs/"));
        String digest = s.name().substring(s.name().lastIndexOf('/') + 1);
        var r = server.send("POST", "/v2/" + repoKey + "/" + name + "/blobs/uploads/?digest=" + digest,
                server.adminBasic(), "application/octet-stream", s.bytes());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Override
    protected boolean contentAddressed() {
        return true;
    }

    @Override
    protected String downloadPath(Sample s) {
        return s.name();
    }
}
