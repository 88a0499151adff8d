package io.artifactkeeper.format.helm.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.tck.format.FormatConformance;

/**
 * Helm chart repositories through the in-process format kit. A version of the sample chart {@code demo}
 * is a real (small) chart archive built here, published as {@code helm cm-push} does: a multipart
 * {@code POST api/charts} with the archive in the field {@code chart}. The content is
 * {@code charts/demo-{version}.tgz}; the metadata is {@code index.yaml}.
 */
class HelmConformanceTest extends FormatConformance {
    static final String BOUNDARY = "------------------------helmconformance";

    @Override
    protected FormatHandler createHandler() {
        return new HelmFormat();
    }

    /** {@code helm package demo/} for a chart at {@code version}: Chart.yaml first, then the rest. */
    static byte[] chart(String version) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("demo/Chart.yaml", HelmTestArchives.utf8("apiVersion: v2\nname: demo\ndescription: a demo chart\n"
                + "type: application\nversion: " + version + "\nappVersion: \"" + version + "\"\n"));
        files.put("demo/values.yaml", HelmTestArchives.utf8("replicaCount: 1\n"));
        files.put("demo/templates/configmap.yaml", HelmTestArchives.utf8("apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
                + "  name: {{ .Release.Name }}-demo\ndata:\n  version: \"" + version + "\"\n"));
        return HelmTestArchives.tgz(files);
    }

    static byte[] multipart(String field, String filename, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\""
                + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @Override
    protected void publish(Publisher p, String version) throws Exception {
        p.send(p.request("POST", "api/charts").header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .body(multipart("chart", "demo-" + version + ".tgz", chart(version))));
    }

    @Override
    protected String contentPath(String version) {
        return "charts/demo-" + version + ".tgz";
    }

    @Override
    protected String metadataPath() {
        return "index.yaml";
    }
}
