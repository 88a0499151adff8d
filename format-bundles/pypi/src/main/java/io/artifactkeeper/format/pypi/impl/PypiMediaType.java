package io.artifactkeeper.format.pypi.impl;

import java.util.Locale;
import java.util.Optional;

/** The three forms of a simple index page (PEP 691) and how a request picks one. */
enum PypiMediaType {
    JSON("application/vnd.pypi.simple.v1+json"),
    HTML_V1("application/vnd.pypi.simple.v1+html"),
    HTML("text/html; charset=utf-8");

    final String contentType;

    PypiMediaType(String contentType) {
        this.contentType = contentType;
    }

    /**
     * The form to answer with: the acceptable one with the highest quality, JSON first on a tie; plain
     * HTML when the client says nothing (PEP 503 clients send no Accept or {@code *}/{@code *}).
     * Empty when the client accepts none of them (406). A {@code format} query parameter (PEP 691's
     * optional URL form) wins over the header.
     */
    static Optional<PypiMediaType> choose(String accept, String formatParam) {
        if (formatParam != null && !formatParam.isBlank()) {
            PypiMediaType t = byName(formatParam.trim().toLowerCase(Locale.ROOT));
            return Optional.ofNullable(t);
        }
        if (accept == null || accept.isBlank()) {
            return Optional.of(HTML);
        }
        PypiMediaType best = null;
        double bestQ = 0;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            double q = 1.0;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim();
                if (p.startsWith("q=") || p.startsWith("Q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2).trim());
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            PypiMediaType t = byName(type);
            if (t == null && (type.equals("*/*") || type.equals("text/*"))) {
                t = HTML;
            }
            if (t == null || q <= 0) {
                continue;
            }
            if (best == null || q > bestQ || (q == bestQ && t.ordinal() < best.ordinal())) {
                best = t;
                bestQ = q;
            }
        }
        return Optional.ofNullable(best);
    }

    private static PypiMediaType byName(String type) {
        return switch (type) {
            case "application/vnd.pypi.simple.v1+json", "application/vnd.pypi.simple.latest+json" -> JSON;
            case "application/vnd.pypi.simple.v1+html", "application/vnd.pypi.simple.latest+html" -> HTML_V1;
            case "text/html" -> HTML;
            default -> null;
        };
    }

    boolean isJson() {
        return this == JSON;
    }
}
