package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

/**
 * Stored XSS on the server's origin (issue 13, item 5): uploaded or proxied HTML/SVG must never run
 * as a page of this origin (where the console and API sessions live), and folder listings never
 * link anywhere but below themselves.
 */
class ContentSecurityIT {
    @TempDir
    static Path tmp;
    static Distribution ak;
    static String admin;
    static HttpServer upstream;

    static final String HTML = "<html><body><script>fetch('/api/v1/users').then(r=>r.text()).then(alert)</script></body></html>";
    static final String SVG = "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(document.domain)'/>";

    @BeforeAll
    static void start() throws Exception {
        ak = new Distribution(tmp.resolve("data")).start();
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        upstream.createContext("/", ex -> {
            byte[] b = HTML.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/html");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        upstream.start();
        ak.awaitReady(Duration.ofSeconds(120));
        admin = ak.adminBasic();
        assertThat(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "web", "format", "generic", "is_public", true))
                .statusCode()).isEqualTo(201);
        assertThat(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "web-remote", "format", "generic",
                "repo_type", "remote", "upstream_url", "http://127.0.0.1:" + upstream.getAddress().getPort() + "/"))
                .statusCode()).isEqualTo(201);
        put("page.html", "text/html", HTML);
        put("icon.svg", "image/svg+xml", SVG);
        put("lib.js", "application/javascript", "alert(1)");
        put("notes.txt", "text/plain", HTML); // HTML inside a .txt: no sniffing it into a page
        put("dir/javascript:alert(document.cookie)", "text/plain", "x");
        put("dir/data:text%2Fhtml,<script>alert(1)<%2Fscript>", "text/plain", "x");
        put("dir/\"><img src=x onerror=alert(1)>", "text/plain", "x");
        put("dir/ok-1.0.zip", "application/zip", "PK");
    }

    @AfterAll
    static void stop() throws Exception {
        if (upstream != null) {
            upstream.stop(0);
        }
        if (ak != null) {
            ak.close();
        }
    }

    static void put(String path, String type, String body) throws Exception {
        String p = "/general/web/" + path.replace("\"", "%22").replace("<", "%3C").replace(">", "%3E").replace(" ", "%20");
        HttpResponse<String> r = ak.send("PUT", p, admin, type, body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(201);
    }

    static void assertSandboxed(HttpHeaders h, String what) {
        assertThat(h.firstValue("X-Content-Type-Options")).as(what).contains("nosniff");
        assertThat(h.firstValue("Content-Security-Policy").orElse("")).as(what).contains("sandbox", "default-src 'none'");
    }

    static void assertAttachment(HttpHeaders h, String what) {
        assertThat(h.firstValue("Content-Disposition").orElse("")).as(what).startsWith("attachment");
    }

    @Test
    void activeContentIsNeverServedAsAPageOfThisOrigin() throws Exception {
        for (String path : new String[] {"page.html", "icon.svg", "lib.js"}) {
            HttpResponse<String> r = ak.send("GET", "/general/web/" + path, null, null, null);
            assertThat(r.statusCode()).isEqualTo(200);
            assertSandboxed(r.headers(), path);
            assertAttachment(r.headers(), path);
            // the bytes and their type are unchanged: clients that read them get what was uploaded
            assertThat(r.body()).isIn(HTML, SVG, "alert(1)");
            // and through the artifacts API
            HttpResponse<String> api = ak.send("GET", "/api/v1/repositories/web/download/" + path, admin, null, null);
            assertThat(api.statusCode()).isEqualTo(200);
            assertSandboxed(api.headers(), "download " + path);
            assertAttachment(api.headers(), "download " + path);
        }
        HttpResponse<String> txt = ak.send("GET", "/general/web/notes.txt", null, null, null);
        assertSandboxed(txt.headers(), "notes.txt");
        assertThat(txt.headers().firstValue("Content-Disposition")).isEmpty();
        // conditional and range answers carry the same headers
        HttpResponse<String> range = ak.send("GET", "/general/web/page.html", null, null, null, "Range", "bytes=0-5");
        assertThat(range.statusCode()).isEqualTo(206);
        assertSandboxed(range.headers(), "range");
        assertAttachment(range.headers(), "range");
    }

    @Test
    void proxiedContentIsSandboxedToo() throws Exception {
        HttpResponse<String> r = ak.send("GET", "/general/web-remote/evil.html", admin, null, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertSandboxed(r.headers(), "proxied");
        assertAttachment(r.headers(), "proxied");
    }

    @Test
    void listingsLinkOnlyBelowThemselves() throws Exception {
        HttpResponse<String> r = ak.send("GET", "/general/web/dir/", null, null, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertSandboxed(r.headers(), "listing");
        String page = r.body();
        List<String> hrefs = new ArrayList<>();
        Matcher m = Pattern.compile("href=\"([^\"]*)\"").matcher(page);
        while (m.find()) {
            hrefs.add(m.group(1).replace("&amp;", "&"));
        }
        assertThat(hrefs).hasSize(4);
        URI base = URI.create(ak.url() + "/general/web/dir/");
        for (String h : hrefs) {
            URI u = base.resolve(h);
            assertThat(u.getScheme()).as(h).isEqualTo("http");
            assertThat(u.getAuthority()).as(h).isEqualTo(base.getAuthority());
            assertThat(u.getPath()).as(h).startsWith("/general/web/dir/");
        }
        assertThat(page.toLowerCase()).doesNotContain("href=\"javascript:", "href=\"data:", "<img", "<script");
        // each link leads to its file
        for (String h : hrefs) {
            assertThat(ak.send("GET", base.resolve(h).getRawPath(), null, null, null).statusCode()).as(h).isEqualTo(200);
        }
    }
}
