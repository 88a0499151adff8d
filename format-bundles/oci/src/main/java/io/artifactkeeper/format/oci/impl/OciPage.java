package io.artifactkeeper.format.oci.impl;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import io.artifactkeeper.api.format.FormatRequest;

/**
 * One page of a sorted list by the spec's {@code n} (page size) and {@code last} (answer only what
 * sorts after it) parameters, and the query of the next page for the {@code Link} header.
 */
record OciPage(List<String> items, Optional<String> next) {

    static OciPage of(List<String> sorted, FormatRequest req) {
        return of(sorted, req.queryParam("n").orElse(null), req.queryParam("last").orElse(null));
    }

    static OciPage of(List<String> sorted, String n, String last) {
        int from = 0;
        if (last != null && !last.isEmpty()) {
            while (from < sorted.size() && sorted.get(from).compareTo(last) <= 0) {
                from++;
            }
        }
        int size = sorted.size() - from;
        if (n != null && !n.isEmpty()) {
            try {
                size = Math.max(0, Math.min(size, Integer.parseInt(n)));
            } catch (NumberFormatException e) {
                throw OciErrors.error(400, "UNSUPPORTED", "n must be a number: " + n);
            }
        }
        List<String> page = List.copyOf(sorted.subList(from, from + size));
        Optional<String> next = Optional.empty();
        if (n != null && !page.isEmpty() && from + size < sorted.size()) {
            next = Optional.of("n=" + size + "&last=" + URLEncoder.encode(page.get(page.size() - 1), StandardCharsets.UTF_8));
        }
        return new OciPage(page, next);
    }
}
