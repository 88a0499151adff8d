package io.artifactkeeper.format.generic.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.tck.format.FormatHarness;
import io.artifactkeeper.tck.format.MemoryWorld;

/** Folder listings: hostile names stay names (escaped, links relative to the page), upstream pages give names only. */
class GenericListingTest {
    private static final Pattern HREF = Pattern.compile("href=\"([^\"]*)\"");

    @Test
    void everyLinkIsARelativePathResolvedAgainstThePage() throws Exception {
        MemoryWorld w = new MemoryWorld(new GenericFormat(), "https://registry.test");
        w.local("files");
        FormatHarness h = w.harness();
        for (String name : new String[] {"javascript:alert(1)", "\"><script>x()</script>", "data:text/html,x",
                "//evil.test/x", "a b?c#d", "x&amp;y"}) {
            w.repository("files").seed("d/" + name.replace("//", "") + "/f.bin", new byte[] {1});
            w.repository("files").seed("d/" + name.replace("/", "_"), new byte[] {1});
        }
        String page = h.get("files", "d/").text();
        assertThat(page).doesNotContain("<script");
        Matcher m = HREF.matcher(page);
        URI base = URI.create("https://registry.test/general/files/d/");
        int links = 0;
        while (m.find()) {
            String href = m.group(1).replace("&amp;", "&");
            URI resolved = base.resolve(href);
            assertThat(resolved.getScheme()).as(href).isEqualTo("https");
            assertThat(resolved.getHost()).as(href).isEqualTo("registry.test");
            assertThat(resolved.getPath()).as(href).startsWith("/general/files/d/");
            links++;
        }
        assertThat(links).isGreaterThanOrEqualTo(10);
    }

    @Test
    void upstreamPagesGiveOnlySingleRelativeNames() {
        String html = """
                <html><body><a href="../">../</a> <a href="?C=N;O=D">Name</a>
                <a href="1.0/">1.0/</a> <a HREF='./tool-1.0.bin'>x</a> <a href="https://evil.test/x">x</a>
                <a href="javascript:alert(1)">x</a> <a href="/abs/">x</a> <a href="a/b">x</a> <a href="%2e%2e/">x</a>
                <a href="my%20file.txt">x</a> <a href="%zz">x</a> <a href="a%2Fb">x</a>
                """;
        assertThat(FolderLinks.children(html)).containsExactly("1.0/", "my file.txt", "tool-1.0.bin");
        String many = "<a href=\"x\">".repeat(3) + "href=\"" + "a".repeat(5000);
        assertThat(FolderLinks.children(many)).containsExactly("x");
        assertThat(FolderLinks.children(new String(new byte[64], StandardCharsets.UTF_8))).isEmpty();
    }
}
