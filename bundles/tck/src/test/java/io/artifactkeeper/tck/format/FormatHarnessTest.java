package io.artifactkeeper.tck.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.api.format.RouteTable;

/** The harness hands a format the path the core would. */
class FormatHarnessTest {

    @Test
    void aTrailingSlashStaysAsTheCoreKeepsIt() {
        assertThat(FormatHarness.normalize("simple/demo/")).isEqualTo("simple/demo/");
        assertThat(FormatHarness.normalize("simple/demo")).isEqualTo("simple/demo");
        assertThat(FormatHarness.normalize("/a/./b/")).isEqualTo("a/b/");
        assertThat(FormatHarness.normalize("")).isEmpty();
        assertThat(FormatHarness.normalize("/")).isEmpty();
        RouteTable t = new RouteTable(List.of(Route.read("page", "simple/{p}/"), Route.read("redirect", "simple/{p}")));
        assertThat(((RouteTable.Matched) t.match("GET", FormatHarness.normalize("simple/demo/"))).match().name())
                .isEqualTo("page");
        assertThat(((RouteTable.Matched) t.match("GET", FormatHarness.normalize("simple/demo"))).match().name())
                .isEqualTo("redirect");
    }
}
