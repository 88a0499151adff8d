package io.artifactkeeper.format.maven.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.owasp.encoder.Encode;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * A {@code maven-metadata.xml} document, any of its three forms: artifact level (groupId,
 * artifactId, versioning with latest/release/versions), SNAPSHOT version level (plus version,
 * snapshot and snapshotVersions) and group level (plugins with their prefixes).
 */
public final class MavenMetadata {

    /** {@code yyyyMMddHHmmss} in UTC, as Maven writes lastUpdated. */
    public static final DateTimeFormatter LAST_UPDATED = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    public record Snapshot(String timestamp, int buildNumber, boolean localCopy) {
    }

    public record SnapshotVersion(String classifier, String extension, String value, String updated) {
        String key() {
            return (classifier == null ? "" : classifier) + ":" + extension;
        }
    }

    public record Plugin(String name, String prefix, String artifactId) {
    }

    public String groupId;
    public String artifactId;
    public String version;
    public String latest;
    public String release;
    public String lastUpdated;
    public final List<String> versions = new ArrayList<>();
    public Snapshot snapshot;
    public final List<SnapshotVersion> snapshotVersions = new ArrayList<>();
    public final List<Plugin> plugins = new ArrayList<>();

    /** An invalid document. */
    public static final class InvalidMetadataException extends IOException {
        private static final long serialVersionUID = 1L;

        InvalidMetadataException(String message) {
            super(message);
        }
    }

    public boolean hasVersioning() {
        return latest != null || release != null || lastUpdated != null || !versions.isEmpty() || snapshot != null
                || !snapshotVersions.isEmpty();
    }

    /** Parses a document; refuses DTDs and anything that is not a {@code <metadata>} root. */
    public static MavenMetadata parse(byte[] xml) throws InvalidMetadataException {
        Element root = Xml.parse(xml, "metadata").getDocumentElement();
        MavenMetadata m = new MavenMetadata();
        m.groupId = Xml.text(root, "groupId");
        m.artifactId = Xml.text(root, "artifactId");
        m.version = Xml.text(root, "version");
        Element v = Xml.child(root, "versioning");
        if (v != null) {
            m.latest = Xml.text(v, "latest");
            m.release = Xml.text(v, "release");
            m.lastUpdated = Xml.text(v, "lastUpdated");
            Element vs = Xml.child(v, "versions");
            if (vs != null) {
                for (Element e : Xml.children(vs, "version")) {
                    String t = Xml.clean(e.getTextContent());
                    if (!t.isEmpty() && !m.versions.contains(t)) {
                        m.versions.add(t);
                    }
                }
            }
            Element s = Xml.child(v, "snapshot");
            if (s != null) {
                String bn = Xml.text(s, "buildNumber");
                int build;
                try {
                    build = bn == null ? 0 : Integer.parseInt(bn);
                } catch (NumberFormatException e) {
                    throw new InvalidMetadataException("snapshot buildNumber is not a number: " + bn);
                }
                m.snapshot = new Snapshot(Xml.text(s, "timestamp"), build, "true".equals(Xml.text(s, "localCopy")));
            }
            Element svs = Xml.child(v, "snapshotVersions");
            if (svs != null) {
                for (Element e : Xml.children(svs, "snapshotVersion")) {
                    String ext = Xml.text(e, "extension");
                    String value = Xml.text(e, "value");
                    if (ext == null || value == null) {
                        throw new InvalidMetadataException("snapshotVersion needs extension and value");
                    }
                    m.snapshotVersions.add(new SnapshotVersion(Xml.text(e, "classifier"), ext, value, Xml.text(e, "updated")));
                }
            }
        }
        Element ps = Xml.child(root, "plugins");
        if (ps != null) {
            for (Element e : Xml.children(ps, "plugin")) {
                String prefix = Xml.text(e, "prefix");
                String aid = Xml.text(e, "artifactId");
                if (prefix == null || aid == null) {
                    throw new InvalidMetadataException("plugin needs prefix and artifactId");
                }
                m.plugins.add(new Plugin(Xml.text(e, "name"), prefix, aid));
            }
        }
        return m;
    }

    /** Sets latest (highest version) and release (highest non-SNAPSHOT) from the versions, sorted in Maven order. */
    public void recompute() {
        TreeSet<String> sorted = new TreeSet<>(MavenVersion.ORDER);
        sorted.addAll(versions);
        versions.clear();
        versions.addAll(sorted);
        latest = sorted.isEmpty() ? null : sorted.last();
        release = null;
        for (String s : sorted.descendingSet()) {
            if (!MavenPath.isSnapshot(s)) {
                release = s;
                break;
            }
        }
    }

    /**
     * Merges documents of one path from several repositories: the union of versions with
     * latest/release recomputed, the newest lastUpdated, the newest snapshot and per
     * classifier/extension the newest snapshotVersion, the union of plugins by prefix.
     */
    public static MavenMetadata merge(Collection<MavenMetadata> docs) {
        MavenMetadata out = new MavenMetadata();
        Map<String, SnapshotVersion> svs = new LinkedHashMap<>();
        Map<String, Plugin> plugins = new LinkedHashMap<>();
        for (MavenMetadata m : docs) {
            out.groupId = out.groupId == null ? m.groupId : out.groupId;
            out.artifactId = out.artifactId == null ? m.artifactId : out.artifactId;
            out.version = out.version == null ? m.version : out.version;
            for (String v : m.versions) {
                if (!out.versions.contains(v)) {
                    out.versions.add(v);
                }
            }
            if (m.lastUpdated != null && (out.lastUpdated == null || m.lastUpdated.compareTo(out.lastUpdated) > 0)) {
                out.lastUpdated = m.lastUpdated;
            }
            if (m.snapshot != null && (out.snapshot == null || newer(m.snapshot, out.snapshot))) {
                out.snapshot = m.snapshot;
            }
            for (SnapshotVersion sv : m.snapshotVersions) {
                SnapshotVersion have = svs.get(sv.key());
                if (have == null || compareNullable(sv.updated(), have.updated()) > 0) {
                    svs.put(sv.key(), sv);
                }
            }
            for (Plugin p : m.plugins) {
                plugins.putIfAbsent(p.prefix(), p);
            }
        }
        out.snapshotVersions.addAll(svs.values());
        out.plugins.addAll(plugins.values());
        if (!out.versions.isEmpty()) {
            out.recompute();
        }
        return out;
    }

    private static boolean newer(Snapshot a, Snapshot b) {
        int c = compareNullable(a.timestamp(), b.timestamp());
        return c > 0 || (c == 0 && a.buildNumber() > b.buildNumber());
    }

    private static int compareNullable(String a, String b) {
        if (a == null) {
            return b == null ? 0 : -1;
        }
        return b == null ? 1 : a.compareTo(b);
    }

    public static String lastUpdated(Instant t) {
        return LAST_UPDATED.format(t);
    }

    public byte[] toXml() {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata modelVersion=\"1.1.0\">\n");
        el(sb, 1, "groupId", groupId);
        el(sb, 1, "artifactId", artifactId);
        el(sb, 1, "version", version);
        if (hasVersioning()) {
            sb.append("  <versioning>\n");
            el(sb, 2, "latest", latest);
            el(sb, 2, "release", release);
            if (snapshot != null) {
                sb.append("    <snapshot>\n");
                el(sb, 3, "timestamp", snapshot.timestamp());
                if (snapshot.buildNumber() > 0) {
                    el(sb, 3, "buildNumber", String.valueOf(snapshot.buildNumber()));
                }
                if (snapshot.localCopy()) {
                    el(sb, 3, "localCopy", "true");
                }
                sb.append("    </snapshot>\n");
            }
            if (!versions.isEmpty()) {
                sb.append("    <versions>\n");
                for (String v : versions) {
                    el(sb, 3, "version", v);
                }
                sb.append("    </versions>\n");
            }
            el(sb, 2, "lastUpdated", lastUpdated);
            if (!snapshotVersions.isEmpty()) {
                sb.append("    <snapshotVersions>\n");
                for (SnapshotVersion sv : snapshotVersions) {
                    sb.append("      <snapshotVersion>\n");
                    el(sb, 4, "classifier", sv.classifier());
                    el(sb, 4, "extension", sv.extension());
                    el(sb, 4, "value", sv.value());
                    el(sb, 4, "updated", sv.updated());
                    sb.append("      </snapshotVersion>\n");
                }
                sb.append("    </snapshotVersions>\n");
            }
            sb.append("  </versioning>\n");
        }
        if (!plugins.isEmpty()) {
            sb.append("  <plugins>\n");
            for (Plugin p : plugins) {
                sb.append("    <plugin>\n");
                el(sb, 3, "name", p.name());
                el(sb, 3, "prefix", p.prefix());
                el(sb, 3, "artifactId", p.artifactId());
                sb.append("    </plugin>\n");
            }
            sb.append("  </plugins>\n");
        }
        sb.append("</metadata>\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void el(StringBuilder sb, int depth, String name, String value) {
        if (value == null) {
            return;
        }
        sb.append("  ".repeat(depth)).append('<').append(name).append('>').append(Encode.forXmlContent(value)).append("</")
                .append(name).append(">\n");
    }

    /** Small, safe DOM helpers (no DTDs, no external entities). */
    static final class Xml {
        private Xml() {
        }

        static Document parse(byte[] xml, String expectedRoot) throws InvalidMetadataException {
            try {
                DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
                f.setNamespaceAware(true);
                f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                f.setFeature("http://xml.org/sax/features/external-general-entities", false);
                f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
                f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
                f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
                f.setXIncludeAware(false);
                f.setExpandEntityReferences(false);
                DocumentBuilder b = f.newDocumentBuilder();
                b.setErrorHandler(null);
                Document d = b.parse(new ByteArrayInputStream(xml));
                String root = d.getDocumentElement().getLocalName();
                if (expectedRoot != null && !expectedRoot.equals(root)) {
                    throw new InvalidMetadataException("expected a <" + expectedRoot + "> document, got <" + root + ">");
                }
                return d;
            } catch (SAXException e) {
                throw new InvalidMetadataException("not well-formed XML: " + e.getMessage());
            } catch (ParserConfigurationException | IOException e) {
                throw new InvalidMetadataException("cannot parse XML: " + e.getMessage());
            }
        }

        static Element child(Element parent, String name) {
            for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && name.equals(e.getLocalName())) {
                    return e;
                }
            }
            return null;
        }

        static List<Element> children(Element parent, String name) {
            List<Element> out = new ArrayList<>();
            for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && name.equals(e.getLocalName())) {
                    out.add(e);
                }
            }
            return out;
        }

        static String text(Element parent, String name) {
            Element e = child(parent, name);
            if (e == null) {
                return null;
            }
            String t = clean(e.getTextContent());
            return t.isEmpty() ? null : t;
        }

        /**
         * The text as it can be written back: characters XML output cannot carry (controls, DEL, C1,
         * noncharacters; the encoder writes them as spaces) become spaces, then the ends are trimmed, so
         * that reading what was written gives the same document.
         */
        static String clean(String text) {
            StringBuilder sb = new StringBuilder(text.length());
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    sb.append(c).append(text.charAt(++i));
                    continue;
                }
                boolean control = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7f && c <= 0x9f)
                        || c == 0xfffe || c == 0xffff || Character.isSurrogate(c);
                sb.append(control ? ' ' : c);
            }
            return sb.toString().trim();
        }
    }
}
