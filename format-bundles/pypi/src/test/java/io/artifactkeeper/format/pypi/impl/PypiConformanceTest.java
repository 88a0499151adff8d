package io.artifactkeeper.format.pypi.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.tck.format.FormatConformance;

/**
 * The format kit's conformance suite on pypi: a version is published as twine publishes it (a
 * multipart POST to the repository root with {@code :action=file_upload}, the release fields and a
 * real wheel built here), downloaded from the file URL the simple page gives, and listed by the
 * project's simple page.
 */
class PypiConformanceTest extends FormatConformance {
    static final String BOUNDARY = "----twine-like-boundary-3f1c";

    @Override
    protected FormatHandler createHandler() {
        return new PypiFormat();
    }

    @Override
    protected void publish(Publisher p, String version) throws Exception {
        byte[] wheel = PypiTestArchives.wheel("demo", version, PypiTestArchives.metadata("demo", version));
        p.send(p.request("POST", "").header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .body(twineUpload("demo", version, "demo-" + version + "-py3-none-any.whl", wheel)));
    }

    /** The file URL the simple page links to (below the repository). */
    @Override
    protected String contentPath(String version) {
        return "packages/demo/" + version + "/demo-" + version + "-py3-none-any.whl";
    }

    @Override
    protected String metadataPath() {
        return "simple/demo/";
    }

    /** Users name the upstream's simple index, as pip's --index-url. */
    @Override
    protected String upstreamUrl(String servedBase) {
        return servedBase + "/simple/";
    }

    /** The body twine sends for an upload (fields, then the file as the {@code content} part). */
    static byte[] twineUpload(String name, String version, String filename, byte[] file) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(":action", "file_upload");
        fields.put("protocol_version", "1");
        fields.put("metadata_version", "2.1");
        fields.put("name", name);
        fields.put("version", version);
        fields.put("filetype", "bdist_wheel");
        fields.put("pyversion", "py3");
        fields.put("sha256_digest", PypiInspector.sha256(file));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, String> f : fields.entrySet()) {
            out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n"
                    + f.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"content\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(file);
        out.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
