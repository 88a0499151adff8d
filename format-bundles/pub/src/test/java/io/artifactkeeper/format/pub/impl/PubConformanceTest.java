package io.artifactkeeper.format.pub.impl;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.tck.format.FormatConformance;
import io.artifactkeeper.tck.format.FormatHarness.Response;

/**
 * pub against the in-process format kit. A version is published as {@code dart pub publish} does it:
 * {@code GET api/packages/versions/new} for the upload URL, a multipart {@code POST} of the archive
 * there, then a {@code GET} of the finalize URL from the 204's {@code Location}; pub then reads the
 * listing {@code api/packages/demo} and downloads the {@code archive_url} it names.
 */
class PubConformanceTest extends FormatConformance {
    static final String ACCEPT = "application/vnd.pub.v2+json";

    @Override
    protected FormatHandler createHandler() {
        return new PubFormat();
    }

    @Override
    protected void publish(Publisher p, String version) throws Exception {
        Response fresh = p.send(p.request("GET", "api/packages/versions/new").header("Accept", ACCEPT));
        // a remote or virtual repository refuses this first step already; the kit wants to see the write refused
        String url = p.baseUrl() + "/api/packages/versions/upload";
        if (fresh.status() == 200) {
            JsonNode n = Json.mapper().readTree(fresh.body());
            url = n.get("url").asText();
        }
        String boundary = "dart-http-boundary-kit" + version;
        Response posted = p.send(p.request("POST", relative(p, url))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).header("Accept", ACCEPT)
                .body(PubArchives.multipart(boundary, PubArchives.archive("demo", version))));
        String location = posted.header("Location").orElseThrow(() -> new AssertionError("no Location: " + posted));
        p.send(p.request("GET", relative(p, location)).header("Accept", ACCEPT));
    }

    private static String relative(Publisher p, String url) {
        if (!url.startsWith(p.baseUrl() + "/")) {
            throw new AssertionError(url + " is not below " + p.baseUrl());
        }
        return url.substring(p.baseUrl().length() + 1);
    }

    @Override
    protected String contentPath(String version) {
        return "packages/demo/versions/" + version + ".tar.gz";
    }

    @Override
    protected String metadataPath() {
        return "api/packages/demo";
    }

    @Override
    protected boolean lists(Response metadata, String version) {
        return metadata.text().contains("\"version\":\"" + version + "\"");
    }
}
