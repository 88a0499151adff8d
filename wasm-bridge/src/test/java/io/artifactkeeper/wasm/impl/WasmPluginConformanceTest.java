package io.artifactkeeper.wasm.impl;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.tck.format.FormatConformance;
import io.artifactkeeper.tck.format.FormatHarness.Response;

/**
 * The in-process format conformance kit against the {@code unitypkg} example plugin, loaded through
 * the real engine: publish is a PUT of a real .unitypackage (a gzipped tar) at a path with a version,
 * content is that path, metadata the index.json that generate-index writes (and that a remote
 * fetches from its upstream, and that a virtual generates over its members' merged records).
 */
class WasmPluginConformanceTest extends FormatConformance {
    static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected FormatHandler createHandler() {
        try {
            return new WasmFormatHandler(TestPlugins.shared("unitypkg"));
        } catch (Exception e) {
            throw new IllegalStateException("the unitypkg example plugin does not load", e);
        }
    }

    @Override
    protected void publish(Publisher p, String version) throws Exception {
        p.send(p.request("PUT", contentPath(version)).header("Content-Type", "application/octet-stream")
                .body(unityPackage("demo " + version)));
    }

    @Override
    protected String contentPath(String version) {
        return "tools/demo-" + version + ".unitypackage";
    }

    @Override
    protected String metadataPath() {
        return "index.json";
    }

    /** index.json lists the version under the package's name (not merely somewhere in the text). */
    @Override
    protected boolean lists(Response metadata, String version) {
        if (metadata.status() != 200) {
            return false;
        }
        try {
            for (JsonNode p : JSON.readTree(metadata.body()).path("packages")) {
                if (p.path("name").asText().equals("demo") && p.path("version").asText().equals(version)) {
                    return true;
                }
            }
            return false;
        } catch (java.io.IOException e) {
            throw new AssertionError("index.json is not JSON: " + metadata, e);
        }
    }

    /** A .unitypackage: a gzipped tar with one asset. */
    static byte[] unityPackage(String text) throws Exception {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bo))) {
            TarArchiveEntry e = new TarArchiveEntry("Assets/readme.txt");
            e.setSize(data.length);
            tar.putArchiveEntry(e);
            tar.write(data);
            tar.closeArchiveEntry();
        }
        return bo.toByteArray();
    }
}
