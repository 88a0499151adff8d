package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

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

    /**
     * A remote's folder listing names what its upstream's own page lists (nothing of it cached yet), at
     * the root and below; the virtual repository's, its members' union. Before the kit stops the
     * upstream (order 7).
     */
    @Test
    @Order(6)
    void aRemoteListsWhatItsUpstreamListsAndAVirtualTheUnion() throws Exception {
        Sample up = sample("listed-upstream");
        publish(upstream, "tck-local", up);
        Sample here = sample("listed-here");
        publish(ak, "tck-local", here);
        HttpResponse<String> root = ak.send("GET", url("tck-remote", ""), admin, null, null);
        assertThat(root.statusCode()).as(root.body()).isEqualTo(200);
        assertThat(root.body()).contains("href=\"./dist/\"");
        HttpResponse<String> dist = ak.send("GET", url("tck-remote", "dist/"), admin, null, null);
        assertThat(dist.statusCode()).as(dist.body()).isEqualTo(200);
        assertThat(dist.body()).contains("href=\"./listed-upstream/\"").doesNotContain("listed-here");
        HttpResponse<String> folder = ak.send("GET", url("tck-remote", "dist/listed-upstream/"), admin, null, null);
        assertThat(folder.body()).contains("href=\"./tool-listed-upstream.bin\"");
        HttpResponse<String> virtual = ak.send("GET", url("tck-virtual", "dist/"), admin, null, null);
        assertThat(virtual.body()).contains("href=\"./listed-upstream/\"", "href=\"./listed-here/\"");
        // the upstream's page is served from the cache, never as it is: what comes through is the server's own page
        assertThat(dist.body()).startsWith("<!DOCTYPE html>").contains("Index of /tck-remote/dist/");
    }
}
