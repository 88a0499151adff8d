package io.artifactkeeper.format.cran.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CranDcfTest {

    private static List<Map<String, String>> parse(String s, CranDcf.Limits l) throws CranDcf.DcfException {
        return CranDcf.parse(s.getBytes(StandardCharsets.UTF_8), l);
    }

    @Test
    void readsFieldsContinuationLinesAndRecords() throws Exception {
        List<Map<String, String>> r = parse("Package: a\r\nVersion: 1.0\nDescription: one\n  two\n\tthree\n\n\n"
                + "Package: b\nVersion: 2.0-1\nAuthors@R: person()\n", CranDcf.Limits.PACKAGES);
        assertThat(r).hasSize(2);
        assertThat(r.get(0)).containsExactly(Map.entry("Package", "a"), Map.entry("Version", "1.0"),
                Map.entry("Description", "one\ntwo\nthree"));
        assertThat(r.get(1)).containsEntry("Authors@R", "person()").containsEntry("Version", "2.0-1");
    }

    @Test
    void latin1BytesAreReadAsLatin1() throws Exception {
        byte[] b = "Package: a\nVersion: 1.0\nAuthor: Jos\u00e9\nEncoding: latin1\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(CranDcf.parse(b, CranDcf.Limits.DESCRIPTION).get(0)).containsEntry("Author", "Jos\u00e9");
    }

    @Test
    void refusesWhatIsNotDcfOrPastALimit() {
        CranDcf.Limits small = new CranDcf.Limits(1000, 1, 3, 20);
        assertThatThrownBy(() -> parse("  leading continuation\n", small)).hasMessageContaining("continues a field");
        assertThatThrownBy(() -> parse("no colon here\n", small)).hasMessageContaining("not a 'Field: value'");
        assertThatThrownBy(() -> parse(": empty name\n", small)).hasMessageContaining("not a 'Field: value'");
        assertThatThrownBy(() -> parse("A: 1\nA: 2\n", small)).hasMessageContaining("twice");
        assertThatThrownBy(() -> parse("A: 1\nB: 2\nC: 3\nD: 4\n", small)).hasMessageContaining("more than 3 fields");
        assertThatThrownBy(() -> parse("A: 1\n\nB: 2\n", small)).hasMessageContaining("more than 1 record");
        assertThatThrownBy(() -> parse("A: " + "x".repeat(21) + "\n", small)).hasMessageContaining("longer than 20");
        assertThatThrownBy(() -> parse("A: 1234567890\n 1234567890\n", small)).hasMessageContaining("longer than 20");
        assertThatThrownBy(() -> parse("A: " + "x".repeat(1000), small)).hasMessageContaining("larger than 1000 bytes");
        assertThatThrownBy(() -> parse("A: x\u0000y\n", small)).hasMessageContaining("NUL");
        assertThatThrownBy(() -> parse("A: x\ry\n", small)).hasMessageContaining("control character");
        assertThatThrownBy(() -> parse("A B: x\n", small)).hasMessageContaining("invalid field name");
    }

    @Test
    void writesWhatItReads() throws Exception {
        StringBuilder sb = new StringBuilder();
        CranDcf.write(sb, List.of("Package", "Version", "Depends", "Description"),
                Map.of("Package", "a", "Version", "1.0", "Depends", "", "Description", "one\ntwo"));
        assertThat(sb.toString()).isEqualTo("Package: a\nVersion: 1.0\nDescription: one\n        two\n\n");
        assertThat(parse(sb.toString(), CranDcf.Limits.PACKAGES).get(0)).containsEntry("Description", "one\ntwo")
                .doesNotContainKey("Depends");
    }
}
