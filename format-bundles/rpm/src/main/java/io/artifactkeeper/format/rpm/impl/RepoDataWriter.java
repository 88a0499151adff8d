package io.artifactkeeper.format.rpm.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes a repository's metadata as yum/dnf read it: {@code primary.xml.gz}, {@code filelists.xml.gz}
 * and {@code other.xml.gz} (named by the SHA-256 of their compressed bytes, so that a client never
 * mixes two generations), and {@code repomd.xml} listing each with its checksum and open-checksum
 * (SHA-256), sizes and timestamp. XML is written with the JDK's {@link XMLStreamWriter}, which
 * escapes; characters XML cannot hold at all are dropped first. The same entries give the same bytes.
 */
final class RepoDataWriter {
    static final String NS_COMMON = "http://linux.duke.edu/metadata/common";
    static final String NS_RPM = "http://linux.duke.edu/metadata/rpm";
    static final String NS_FILELISTS = "http://linux.duke.edu/metadata/filelists";
    static final String NS_OTHER = "http://linux.duke.edu/metadata/other";
    static final String NS_REPO = "http://linux.duke.edu/metadata/repo";

    /** Files primary.xml lists (as createrepo_c): what dependency solving looks for without filelists. */
    private static final Pattern PRIMARY_FILE = Pattern.compile("^/etc/.*|.*bin/.*|^/usr/lib/sendmail$");
    private static final XMLOutputFactory XML = XMLOutputFactory.newDefaultFactory();

    /**
     * A package as the repository lists it.
     *
     * @param location its path below the repository root
     * @param checksum SHA-256 of the package file (its pkgid)
     * @param size size of the package file
     * @param fileTime when it was stored, in seconds
     */
    record Entry(RpmPackage pkg, String location, String checksum, long size, long fileTime) {
    }

    /** A generated file and what repomd.xml says about it. */
    record DataFile(String dataType, String path, byte[] bytes, String checksum, String openChecksum, long openSize) {
    }

    /** The whole generated set: repomd.xml and the files it names, by path below the repository. */
    record RepoData(byte[] repomd, Map<String, DataFile> files) {
    }

    private RepoDataWriter() {
    }

    /** The metadata of {@code entries}, plus a modules.yaml when {@code modules} is not null. */
    static RepoData write(List<Entry> entries, byte[] modules) throws IOException {
        long revision = 0;
        for (Entry e : entries) {
            revision = Math.max(revision, e.fileTime());
        }
        List<DataFile> files = new ArrayList<>();
        files.add(gz("primary", out -> primary(out, entries)));
        files.add(gz("filelists", out -> filelists(out, entries)));
        files.add(gz("other", out -> other(out, entries)));
        if (modules != null) {
            String sha = sha256(modules);
            files.add(new DataFile("modules", "repodata/" + sha + "-modules.yaml", modules, sha, null, modules.length));
        }
        Map<String, DataFile> byPath = new LinkedHashMap<>();
        for (DataFile f : files) {
            byPath.put(f.path(), f);
        }
        return new RepoData(repomd(files, revision), byPath);
    }

    @FunctionalInterface
    private interface XmlBody {
        void write(XMLStreamWriter out) throws XMLStreamException;
    }

    private static DataFile gz(String type, XmlBody body) throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        MessageDigest open = digest();
        long[] openSize = new long[1];
        try (GZIPOutputStream z = new GZIPOutputStream(gz);
                OutputStream counted = new CountingOutputStream(new DigestOutputStream(z, open), openSize)) {
            XMLStreamWriter w = XML.createXMLStreamWriter(counted, "UTF-8");
            w.writeStartDocument("UTF-8", "1.0");
            w.writeCharacters("\n");
            body.write(w);
            w.writeEndDocument();
            w.flush();
            w.close();
        } catch (XMLStreamException e) {
            throw new IOException("writing " + type + ".xml", e);
        }
        byte[] bytes = gz.toByteArray();
        String sha = sha256(bytes);
        return new DataFile(type, "repodata/" + sha + "-" + type + ".xml.gz", bytes, sha,
                HexFormat.of().formatHex(open.digest()), openSize[0]);
    }

    private static void primary(XMLStreamWriter w, List<Entry> entries) throws XMLStreamException {
        w.setDefaultNamespace(NS_COMMON);
        w.setPrefix("rpm", NS_RPM);
        w.writeStartElement(NS_COMMON, "metadata");
        w.writeDefaultNamespace(NS_COMMON);
        w.writeNamespace("rpm", NS_RPM);
        w.writeAttribute("packages", Integer.toString(entries.size()));
        nl(w);
        for (Entry e : entries) {
            RpmPackage p = e.pkg();
            w.writeStartElement(NS_COMMON, "package");
            w.writeAttribute("type", "rpm");
            nl(w);
            text(w, NS_COMMON, "name", p.name());
            text(w, NS_COMMON, "arch", p.arch());
            version(w, NS_COMMON, p);
            w.writeStartElement(NS_COMMON, "checksum");
            w.writeAttribute("type", "sha256");
            w.writeAttribute("pkgid", "YES");
            w.writeCharacters(e.checksum());
            w.writeEndElement();
            nl(w);
            text(w, NS_COMMON, "summary", p.summary());
            text(w, NS_COMMON, "description", p.description());
            text(w, NS_COMMON, "packager", p.packager());
            text(w, NS_COMMON, "url", p.url());
            w.writeEmptyElement(NS_COMMON, "time");
            w.writeAttribute("file", Long.toString(e.fileTime()));
            w.writeAttribute("build", Long.toString(p.buildTime()));
            nl(w);
            w.writeEmptyElement(NS_COMMON, "size");
            w.writeAttribute("package", Long.toString(e.size()));
            w.writeAttribute("installed", Long.toString(p.installedSize()));
            w.writeAttribute("archive", Long.toString(p.archiveSize()));
            nl(w);
            w.writeEmptyElement(NS_COMMON, "location");
            w.writeAttribute("href", clean(e.location()));
            nl(w);
            w.writeStartElement(NS_COMMON, "format");
            nl(w);
            text(w, NS_RPM, "license", p.license());
            text(w, NS_RPM, "vendor", p.vendor());
            text(w, NS_RPM, "group", p.group());
            text(w, NS_RPM, "buildhost", p.buildhost());
            text(w, NS_RPM, "sourcerpm", p.sourcerpm());
            w.writeEmptyElement(NS_RPM, "header-range");
            w.writeAttribute("start", Long.toString(p.headerStart()));
            w.writeAttribute("end", Long.toString(p.headerEnd()));
            nl(w);
            deps(w, "provides", p.provides());
            deps(w, "requires", p.requires());
            deps(w, "conflicts", p.conflicts());
            deps(w, "obsoletes", p.obsoletes());
            for (RpmPackage.FileEntry f : p.files()) {
                if (PRIMARY_FILE.matcher(f.path()).matches()) {
                    file(w, NS_COMMON, f);
                }
            }
            w.writeEndElement();
            nl(w);
            w.writeEndElement();
            nl(w);
        }
        w.writeEndElement();
        nl(w);
    }

    private static void filelists(XMLStreamWriter w, List<Entry> entries) throws XMLStreamException {
        w.setDefaultNamespace(NS_FILELISTS);
        w.writeStartElement(NS_FILELISTS, "filelists");
        w.writeDefaultNamespace(NS_FILELISTS);
        w.writeAttribute("packages", Integer.toString(entries.size()));
        nl(w);
        for (Entry e : entries) {
            RpmPackage p = e.pkg();
            packageStart(w, NS_FILELISTS, e);
            for (RpmPackage.FileEntry f : p.files()) {
                file(w, NS_FILELISTS, f);
            }
            w.writeEndElement();
            nl(w);
        }
        w.writeEndElement();
        nl(w);
    }

    private static void other(XMLStreamWriter w, List<Entry> entries) throws XMLStreamException {
        w.setDefaultNamespace(NS_OTHER);
        w.writeStartElement(NS_OTHER, "otherdata");
        w.writeDefaultNamespace(NS_OTHER);
        w.writeAttribute("packages", Integer.toString(entries.size()));
        nl(w);
        for (Entry e : entries) {
            packageStart(w, NS_OTHER, e);
            for (RpmPackage.Changelog c : e.pkg().changelogs()) {
                w.writeStartElement(NS_OTHER, "changelog");
                w.writeAttribute("author", clean(c.author()));
                w.writeAttribute("date", Long.toString(c.date()));
                w.writeCharacters(clean(c.text()));
                w.writeEndElement();
                nl(w);
            }
            w.writeEndElement();
            nl(w);
        }
        w.writeEndElement();
        nl(w);
    }

    private static void packageStart(XMLStreamWriter w, String ns, Entry e) throws XMLStreamException {
        w.writeStartElement(ns, "package");
        w.writeAttribute("pkgid", e.checksum());
        w.writeAttribute("name", clean(e.pkg().name()));
        w.writeAttribute("arch", clean(e.pkg().arch()));
        nl(w);
        version(w, ns, e.pkg());
    }

    private static void version(XMLStreamWriter w, String ns, RpmPackage p) throws XMLStreamException {
        w.writeEmptyElement(ns, "version");
        w.writeAttribute("epoch", clean(p.epoch()));
        w.writeAttribute("ver", clean(p.version()));
        w.writeAttribute("rel", clean(p.release()));
        nl(w);
    }

    private static void file(XMLStreamWriter w, String ns, RpmPackage.FileEntry f) throws XMLStreamException {
        w.writeStartElement(ns, "file");
        if (f.fileType() != null) {
            w.writeAttribute("type", f.fileType());
        }
        w.writeCharacters(clean(f.path()));
        w.writeEndElement();
        nl(w);
    }

    private static void deps(XMLStreamWriter w, String kind, List<RpmPackage.Dep> deps) throws XMLStreamException {
        if (deps.isEmpty()) {
            return;
        }
        w.writeStartElement(NS_RPM, kind);
        nl(w);
        for (RpmPackage.Dep d : deps) {
            w.writeEmptyElement(NS_RPM, "entry");
            w.writeAttribute("name", clean(d.name()));
            if (d.flags() != null) {
                w.writeAttribute("flags", d.flags());
                if (d.epoch() != null) {
                    w.writeAttribute("epoch", clean(d.epoch()));
                }
                if (d.ver() != null) {
                    w.writeAttribute("ver", clean(d.ver()));
                }
                if (d.rel() != null) {
                    w.writeAttribute("rel", clean(d.rel()));
                }
            }
            if (d.pre()) {
                w.writeAttribute("pre", "1");
            }
            nl(w);
        }
        w.writeEndElement();
        nl(w);
    }

    private static void text(XMLStreamWriter w, String ns, String name, String value) throws XMLStreamException {
        String v = clean(value);
        if (v.isEmpty()) {
            w.writeEmptyElement(ns, name);
        } else {
            w.writeStartElement(ns, name);
            w.writeCharacters(v);
            w.writeEndElement();
        }
        nl(w);
    }

    private static void nl(XMLStreamWriter w) throws XMLStreamException {
        w.writeCharacters("\n");
    }

    private static byte[] repomd(List<DataFile> files, long revision) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            XMLStreamWriter w = XML.createXMLStreamWriter(out, "UTF-8");
            w.writeStartDocument("UTF-8", "1.0");
            nl(w);
            w.setDefaultNamespace(NS_REPO);
            w.setPrefix("rpm", NS_RPM);
            w.writeStartElement(NS_REPO, "repomd");
            w.writeDefaultNamespace(NS_REPO);
            w.writeNamespace("rpm", NS_RPM);
            nl(w);
            simple(w, "revision", Long.toString(revision));
            for (DataFile f : files) {
                w.writeStartElement(NS_REPO, "data");
                w.writeAttribute("type", f.dataType());
                nl(w);
                checksum(w, "checksum", f.checksum());
                if (f.openChecksum() != null) {
                    checksum(w, "open-checksum", f.openChecksum());
                }
                w.writeEmptyElement(NS_REPO, "location");
                w.writeAttribute("href", f.path());
                nl(w);
                simple(w, "timestamp", Long.toString(revision));
                simple(w, "size", Long.toString(f.bytes().length));
                if (f.openChecksum() != null) {
                    simple(w, "open-size", Long.toString(f.openSize()));
                }
                w.writeEndElement();
                nl(w);
            }
            w.writeEndElement();
            nl(w);
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IOException("writing repomd.xml", e);
        }
        return out.toByteArray();
    }

    private static void checksum(XMLStreamWriter w, String name, String hex) throws XMLStreamException {
        w.writeStartElement(NS_REPO, name);
        w.writeAttribute("type", "sha256");
        w.writeCharacters(hex);
        w.writeEndElement();
        nl(w);
    }

    private static void simple(XMLStreamWriter w, String name, String value) throws XMLStreamException {
        w.writeStartElement(NS_REPO, name);
        w.writeCharacters(value);
        w.writeEndElement();
        nl(w);
    }

    /** The characters XML 1.0 can hold; others (controls, lone surrogates, U+FFFE/FFFF) are dropped. */
    static String clean(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok;
            if (Character.isHighSurrogate(c)) {
                ok = i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
                if (ok) {
                    if (b != null) {
                        b.append(c).append(s.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
            } else {
                ok = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0xD800) || (c >= 0xE000 && c < 0xFFFE);
            }
            if (!ok && b == null) {
                b = new StringBuilder(s.length()).append(s, 0, i);
            } else if (ok && b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Counts what passes to the open-size. */
    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        private final long[] count;

        CountingOutputStream(OutputStream out, long[] count) {
            super(out);
            this.count = count;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count[0]++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count[0] += len;
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
