package io.artifactkeeper.format.rpm.impl;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import io.artifactkeeper.api.format.FormatException;

/**
 * Reads an upstream's repodata (repomd.xml, primary, filelists, other) into the entries a merged
 * index is written from. StAX with DTDs and external entities off; sizes bounded. A document that is
 * not what it should be is the upstream's fault: 502.
 */
final class RepoDataReader {
    /** Decompressed bytes read from one upstream document at most. */
    static final long MAX_DOCUMENT = 2L << 30;
    static final int MAX_PACKAGES = 2_000_000;
    private static final XMLInputFactory XML = XMLInputFactory.newDefaultFactory();

    static {
        XML.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        XML.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        XML.setProperty(XMLInputFactory.IS_COALESCING, true);
    }

    /** A {@code data} element of repomd.xml. */
    record DataRef(String type, String href, String checksum) {
    }

    private RepoDataReader() {
    }

    /** The data files repomd.xml names, by type. */
    static Map<String, DataRef> repomd(InputStream in) throws IOException {
        Map<String, DataRef> out = new LinkedHashMap<>();
        XMLStreamReader r = open(in, "repomd.xml");
        try {
            String type = null;
            String href = null;
            String checksum = null;
            while (r.hasNext()) {
                int ev = r.next();
                if (ev == XMLStreamConstants.START_ELEMENT) {
                    switch (r.getLocalName()) {
                        case "data" -> {
                            type = r.getAttributeValue(null, "type");
                            href = null;
                            checksum = null;
                        }
                        case "location" -> href = r.getAttributeValue(null, "href");
                        case "checksum" -> checksum = r.getElementText();
                        default -> {
                        }
                    }
                } else if (ev == XMLStreamConstants.END_ELEMENT && r.getLocalName().equals("data") && type != null
                        && href != null) {
                    out.putIfAbsent(type, new DataRef(type, href, checksum));
                    type = null;
                }
            }
        } catch (FormatException e) {
            throw e;
        } catch (XMLStreamException | RuntimeException e) {
            // the JDK's StAX reader also fails with runtime exceptions on some malformed DTDs
            // (MissingResourceException for a message it has no text for: found by RpmFuzzTest)
            throw bad("repomd.xml", e);
        }
        return out;
    }

    /** Opens a data file: gzip by its name, plain otherwise. */
    static InputStream data(String href, InputStream raw) throws IOException {
        if (href.endsWith(".gz")) {
            return new Bounded(new GZIPInputStream(raw, 65536), MAX_DOCUMENT);
        }
        if (href.endsWith(".xml")) {
            return new Bounded(raw, MAX_DOCUMENT);
        }
        throw new FormatException(502, "BAD_UPSTREAM", "the upstream's " + href + " is compressed in a way this server does not read");
    }

    /** A package as primary.xml lists it (files: only those primary names). */
    record Listed(RpmPackage pkg, String pkgid, String href, String base, long size, long fileTime) {
    }

    static List<Listed> primary(InputStream in) throws IOException {
        List<Listed> out = new ArrayList<>();
        XMLStreamReader r = open(in, "primary.xml");
        try {
            while (r.hasNext()) {
                if (r.next() == XMLStreamConstants.START_ELEMENT && r.getLocalName().equals("package")) {
                    if (out.size() >= MAX_PACKAGES) {
                        throw new FormatException(502, "BAD_UPSTREAM", "the upstream lists more than " + MAX_PACKAGES + " packages");
                    }
                    out.add(primaryPackage(r));
                }
            }
        } catch (FormatException e) {
            throw e;
        } catch (XMLStreamException | RuntimeException e) {
            // the JDK's StAX reader also fails with runtime exceptions on some malformed DTDs
            // (MissingResourceException for a message it has no text for: found by RpmFuzzTest)
            throw bad("primary.xml", e);
        }
        return out;
    }

    private static Listed primaryPackage(XMLStreamReader r) throws XMLStreamException {
        Map<String, String> t = new HashMap<>();
        String[] evr = {"0", "", ""};
        String pkgid = "";
        String href = null;
        String base = null;
        long[] time = {0, 0};
        long[] size = {0, 0, 0};
        long[] range = {0, 0};
        Map<String, List<RpmPackage.Dep>> deps = new HashMap<>();
        List<RpmPackage.FileEntry> files = new ArrayList<>();
        String depKind = null;
        int depth = 1;
        while (depth > 0 && r.hasNext()) {
            int ev = r.next();
            if (ev == XMLStreamConstants.END_ELEMENT) {
                depth--;
                if (r.getLocalName().equals(depKind)) {
                    depKind = null;
                }
                continue;
            }
            if (ev != XMLStreamConstants.START_ELEMENT) {
                continue;
            }
            depth++;
            String n = r.getLocalName();
            switch (n) {
                case "name", "arch", "summary", "description", "packager", "url", "license", "vendor", "group", "buildhost",
                        "sourcerpm" -> {
                    t.put(n, r.getElementText());
                    depth--;
                }
                case "version" -> {
                    evr[0] = attr(r, "epoch", "0");
                    evr[1] = attr(r, "ver", "");
                    evr[2] = attr(r, "rel", "");
                }
                case "checksum" -> {
                    pkgid = r.getElementText();
                    depth--;
                }
                case "time" -> {
                    time[0] = Long.parseLong(attr(r, "file", "0"));
                    time[1] = Long.parseLong(attr(r, "build", "0"));
                }
                case "size" -> {
                    size[0] = Long.parseLong(attr(r, "package", "0"));
                    size[1] = Long.parseLong(attr(r, "installed", "0"));
                    size[2] = Long.parseLong(attr(r, "archive", "0"));
                }
                case "location" -> {
                    href = r.getAttributeValue(null, "href");
                    base = r.getAttributeValue("http://www.w3.org/XML/1998/namespace", "base");
                }
                case "header-range" -> {
                    range[0] = Long.parseLong(attr(r, "start", "0"));
                    range[1] = Long.parseLong(attr(r, "end", "0"));
                }
                case "provides", "requires", "conflicts", "obsoletes" -> depKind = n;
                case "entry" -> {
                    if (depKind != null) {
                        deps.computeIfAbsent(depKind, k -> new ArrayList<>()).add(new RpmPackage.Dep(attr(r, "name", ""),
                                r.getAttributeValue(null, "flags"), r.getAttributeValue(null, "epoch"),
                                r.getAttributeValue(null, "ver"), r.getAttributeValue(null, "rel"),
                                "1".equals(r.getAttributeValue(null, "pre"))));
                    }
                }
                case "file" -> {
                    String type = r.getAttributeValue(null, "type");
                    files.add(new RpmPackage.FileEntry(r.getElementText(), type));
                    depth--;
                }
                default -> {
                }
            }
        }
        if (href == null || t.get("name") == null) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream's primary.xml lists a package without name or location");
        }
        RpmPackage p = new RpmPackage(t.get("name"), t.getOrDefault("arch", ""), evr[0], evr[1], evr[2],
                t.getOrDefault("summary", ""), t.getOrDefault("description", ""), t.getOrDefault("packager", ""),
                t.getOrDefault("url", ""), t.getOrDefault("license", ""), t.getOrDefault("vendor", ""),
                t.getOrDefault("group", ""), t.getOrDefault("buildhost", ""), t.getOrDefault("sourcerpm", ""), time[1],
                size[1], size[2], range[0], range[1], deps.getOrDefault("provides", List.of()),
                deps.getOrDefault("requires", List.of()), deps.getOrDefault("conflicts", List.of()),
                deps.getOrDefault("obsoletes", List.of()), files, List.of(), Map.of());
        return new Listed(p, pkgid, href, base, size[0], time[0]);
    }

    /** pkgid to the files filelists.xml lists. */
    static Map<String, List<RpmPackage.FileEntry>> filelists(InputStream in) throws IOException {
        Map<String, List<RpmPackage.FileEntry>> out = new HashMap<>();
        XMLStreamReader r = open(in, "filelists.xml");
        try {
            List<RpmPackage.FileEntry> cur = null;
            while (r.hasNext()) {
                if (r.next() != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                if (r.getLocalName().equals("package")) {
                    cur = new ArrayList<>();
                    out.put(attr(r, "pkgid", ""), cur);
                } else if (r.getLocalName().equals("file") && cur != null) {
                    String type = r.getAttributeValue(null, "type");
                    cur.add(new RpmPackage.FileEntry(r.getElementText(), type));
                }
            }
        } catch (FormatException e) {
            throw e;
        } catch (XMLStreamException | RuntimeException e) {
            // the JDK's StAX reader also fails with runtime exceptions on some malformed DTDs
            // (MissingResourceException for a message it has no text for: found by RpmFuzzTest)
            throw bad("filelists.xml", e);
        }
        return out;
    }

    /** pkgid to the changelog other.xml lists. */
    static Map<String, List<RpmPackage.Changelog>> other(InputStream in) throws IOException {
        Map<String, List<RpmPackage.Changelog>> out = new HashMap<>();
        XMLStreamReader r = open(in, "other.xml");
        try {
            List<RpmPackage.Changelog> cur = null;
            while (r.hasNext()) {
                if (r.next() != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                if (r.getLocalName().equals("package")) {
                    cur = new ArrayList<>();
                    out.put(attr(r, "pkgid", ""), cur);
                } else if (r.getLocalName().equals("changelog") && cur != null) {
                    String author = attr(r, "author", "");
                    long date = Long.parseLong(attr(r, "date", "0"));
                    cur.add(new RpmPackage.Changelog(author, date, r.getElementText()));
                }
            }
        } catch (FormatException e) {
            throw e;
        } catch (XMLStreamException | RuntimeException e) {
            // the JDK's StAX reader also fails with runtime exceptions on some malformed DTDs
            // (MissingResourceException for a message it has no text for: found by RpmFuzzTest)
            throw bad("other.xml", e);
        }
        return out;
    }

    private static String attr(XMLStreamReader r, String name, String fallback) {
        String v = r.getAttributeValue(null, name);
        return v == null ? fallback : v;
    }

    private static XMLStreamReader open(InputStream in, String what) throws IOException {
        try {
            return XML.createXMLStreamReader(in);
        } catch (XMLStreamException | RuntimeException e) {
            throw bad(what, e);
        }
    }

    private static FormatException bad(String what, Exception e) {
        return new FormatException(502, "BAD_UPSTREAM", "the upstream's " + what + " is not usable: " + e.getMessage());
    }

    /** Fails past {@code max} bytes, so that a decompression bomb stops. */
    private static final class Bounded extends FilterInputStream {
        private long left;

        Bounded(InputStream in, long max) {
            super(in);
            this.left = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && --left < 0) {
                throw new FormatException(502, "BAD_UPSTREAM", "an upstream metadata document is too large");
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && (left -= n) < 0) {
                throw new FormatException(502, "BAD_UPSTREAM", "an upstream metadata document is too large");
            }
            return n;
        }
    }
}
