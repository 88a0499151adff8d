package io.artifactkeeper.core.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

import io.artifactkeeper.api.format.StoredAsset;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Streams a stored asset with HTTP validators: ETag (the SHA-256), Last-Modified, conditional GET
 * ({@code If-None-Match}, {@code If-Modified-Since}) and a single byte range ({@code Range},
 * {@code If-Range}).
 */
public final class AssetWriter {
    private static final int BUFFER = 64 * 1024;

    private AssetWriter() {
    }

    public static String etag(StoredAsset a) {
        return "\"" + a.sha256() + "\"";
    }

    public static void write(HttpServletRequest req, HttpServletResponse resp, StoredAsset a, String contentType,
            boolean head) throws IOException {
        String type = contentType != null ? contentType : a.contentType();
        ContentHeaders.protectAsset(resp, type, a.path());
        String etag = etag(a);
        Instant lastModified = a.updatedAt().truncatedTo(ChronoUnit.SECONDS);
        resp.setHeader("ETag", etag);
        resp.setHeader("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(lastModified.atZone(ZoneOffset.UTC)));
        resp.setHeader("Accept-Ranges", "bytes");
        if (a.sha1() != null) {
            resp.setHeader("X-Checksum-Sha1", a.sha1());
        }
        resp.setHeader("X-Checksum-Sha256", a.sha256());
        if (a.md5() != null) {
            resp.setHeader("X-Checksum-Md5", a.md5());
        }
        if (notModified(req, etag, lastModified)) {
            resp.setStatus(304);
            return;
        }
        resp.setContentType(type);
        long size = a.size();
        long[] range = range(req, size, etag, lastModified);
        if (range != null && range[0] < 0) {
            resp.setStatus(416);
            resp.setHeader("Content-Range", "bytes */" + size);
            return;
        }
        if (range != null) {
            resp.setStatus(206);
            resp.setHeader("Content-Range", "bytes " + range[0] + "-" + range[1] + "/" + size);
            resp.setContentLengthLong(range[1] - range[0] + 1);
            if (!head) {
                try (InputStream in = a.open(range[0], range[1]); OutputStream out = resp.getOutputStream()) {
                    copy(in, out);
                }
            }
            return;
        }
        resp.setStatus(200);
        resp.setContentLengthLong(size);
        if (!head) {
            try (InputStream in = a.open(); OutputStream out = resp.getOutputStream()) {
                copy(in, out);
            }
        }
    }

    static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[BUFFER];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
        }
    }

    /** Whether a conditional GET may be answered 304; either validator may be null. */
    static boolean notModified(HttpServletRequest req, String etag, Instant lastModified) {
        String inm = req.getHeader("If-None-Match");
        if (inm != null) {
            if (etag == null) {
                return false;
            }
            for (String t : inm.split(",")) {
                String s = t.trim();
                if (s.startsWith("W/")) {
                    s = s.substring(2);
                }
                if (s.equals(etag) || s.equals("*")) {
                    return true;
                }
            }
            return false;
        }
        Instant ims = parseDate(req.getHeader("If-Modified-Since"));
        // HTTP dates have whole seconds
        return ims != null && lastModified != null && !lastModified.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).isAfter(ims);
    }

    /** null: whole body; {-1}: unsatisfiable; {from, to}: the range. */
    private static long[] range(HttpServletRequest req, long size, String etag, Instant lastModified) {
        String r = req.getHeader("Range");
        if (r == null || !r.startsWith("bytes=")) {
            return null;
        }
        String ifRange = req.getHeader("If-Range");
        if (ifRange != null) {
            Instant d = parseDate(ifRange);
            boolean matches = d != null ? !lastModified.isAfter(d) : ifRange.trim().equals(etag);
            if (!matches) {
                return null;
            }
        }
        String spec = r.substring(6).trim();
        if (spec.contains(",")) {
            return null; // multiple ranges: answer the whole body, which RFC 9110 allows
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            long from;
            long to;
            if (dash == 0) {
                long suffix = Long.parseLong(spec.substring(1));
                if (suffix <= 0) {
                    return new long[] {-1};
                }
                from = Math.max(0, size - suffix);
                to = size - 1;
            } else {
                from = Long.parseLong(spec.substring(0, dash));
                to = dash == spec.length() - 1 ? size - 1 : Math.min(Long.parseLong(spec.substring(dash + 1)), size - 1);
            }
            if (from >= size || from > to || size == 0) {
                return new long[] {-1};
            }
            return new long[] {from, to};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Instant parseDate(String s) {
        if (s == null) {
            return null;
        }
        try {
            return ZonedDateTime.parse(s.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
