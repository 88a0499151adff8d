package io.artifactkeeper.format.nuget.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import io.artifactkeeper.api.format.InvalidArtifactException;

/**
 * A package's {@code .nuspec}: the metadata NuGet shows and resolves by. Read with the JDK's XML parser
 * hardened against hostile XML: a DOCTYPE is refused outright (no entities, internal or external, so
 * neither XXE nor entity expansion), secure processing on, no external DTD or schema, no XInclude. The
 * nuspec namespace differs between NuGet versions: elements are matched by local name.
 *
 * <p>Every refusal is an {@link InvalidArtifactException} (400) naming what is wrong.
 */
record NugetNuspec(String id, NugetVersion version, String title, String description, String summary,
        String authors, String owners, String tags, String projectUrl, String licenseUrl, String iconUrl,
        boolean requireLicenseAcceptance, List<DependencyGroup> dependencyGroups) {

    static final int MAX_BYTES = 1 << 20;
    static final int MAX_ID = 100;
    static final int MAX_TEXT = 32_000;
    static final int MAX_DEPENDENCIES = 1000;
    private static final Pattern ID = Pattern.compile("\\w+(?:[_.-]\\w+)*");
    private static final Pattern RANGE = Pattern.compile("[\\[\\]()0-9A-Za-z.,+*\\- ]{0,256}");

    record Dependency(String id, String range) {
    }

    /** Dependencies for one target framework; {@code targetFramework} empty for any framework. */
    record DependencyGroup(String targetFramework, List<Dependency> dependencies) {
    }

    /** Whether {@code id} is a valid package id (letters, digits, underscores; dots and dashes between them). */
    static boolean isValidId(String id) {
        return id != null && id.length() <= MAX_ID && ID.matcher(id).matches();
    }

    static NugetNuspec parse(byte[] xml) {
        if (xml.length > MAX_BYTES) {
            throw new InvalidArtifactException("the .nuspec is larger than " + MAX_BYTES + " bytes");
        }
        Element root = document(xml).getDocumentElement();
        if (!"package".equals(root.getLocalName())) {
            throw new InvalidArtifactException("the .nuspec's root element is not <package>");
        }
        Element meta = child(root, "metadata");
        if (meta == null) {
            throw new InvalidArtifactException("the .nuspec has no <metadata>");
        }
        String id = text(meta, "id");
        if (!isValidId(id)) {
            throw new InvalidArtifactException("the .nuspec's <id> is missing or not a valid package id");
        }
        String v = text(meta, "version");
        NugetVersion version = NugetVersion.parse(v)
                .orElseThrow(() -> new InvalidArtifactException("the .nuspec's <version> is missing or not a NuGet version"));
        String description = text(meta, "description");
        String authors = text(meta, "authors");
        if (description == null || description.isBlank() || authors == null || authors.isBlank()) {
            throw new InvalidArtifactException("the .nuspec needs <authors> and <description>");
        }
        return new NugetNuspec(id, version, text(meta, "title"), description, text(meta, "summary"), authors,
                text(meta, "owners"), text(meta, "tags"), text(meta, "projectUrl"), text(meta, "licenseUrl"),
                text(meta, "iconUrl"), "true".equalsIgnoreCase(text(meta, "requireLicenseAcceptance")),
                dependencies(child(meta, "dependencies")));
    }

    private static Document document(byte[] xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            // deep nesting would make reading text recurse past the stack: no nuspec nests beyond a few levels
            f.setAttribute("http://www.oracle.com/xml/jaxp/properties/maxElementDepth", "64");
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(QUIET);
            b.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entities are not read");
            });
            return b.parse(new ByteArrayInputStream(xml));
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a hardening feature", e);
        } catch (SAXException | IOException | RuntimeException e) {
            String msg = String.valueOf(e.getMessage());
            throw new InvalidArtifactException("the .nuspec is not well-formed XML or uses a DOCTYPE ("
                    + (msg.length() > 200 ? msg.substring(0, 200) : msg) + ")");
        }
    }

    private static final ErrorHandler QUIET = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
            // warnings do not refuse the document
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };

    private static List<DependencyGroup> dependencies(Element deps) {
        List<DependencyGroup> groups = new ArrayList<>();
        if (deps == null) {
            return groups;
        }
        int[] count = {0};
        List<Dependency> loose = new ArrayList<>();
        for (Node n = deps.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (!(n instanceof Element e)) {
                continue;
            }
            if ("group".equals(e.getLocalName())) {
                List<Dependency> in = new ArrayList<>();
                for (Node d = e.getFirstChild(); d != null; d = d.getNextSibling()) {
                    if (d instanceof Element de && "dependency".equals(de.getLocalName())) {
                        in.add(dependency(de, count));
                    }
                }
                groups.add(new DependencyGroup(bounded(e.getAttribute("targetFramework"), 256), in));
            } else if ("dependency".equals(e.getLocalName())) {
                loose.add(dependency(e, count));
            }
        }
        if (!loose.isEmpty()) {
            groups.add(0, new DependencyGroup("", loose));
        }
        return groups;
    }

    private static Dependency dependency(Element e, int[] count) {
        if (++count[0] > MAX_DEPENDENCIES) {
            throw new InvalidArtifactException("the .nuspec declares more than " + MAX_DEPENDENCIES + " dependencies");
        }
        String id = e.getAttribute("id").strip();
        String range = e.getAttribute("version").strip();
        if (!isValidId(id)) {
            throw new InvalidArtifactException("a dependency's id is not a valid package id");
        }
        if (!RANGE.matcher(range).matches()) {
            throw new InvalidArtifactException("dependency " + id + " has an invalid version range");
        }
        return new Dependency(id, range);
    }

    private static Element child(Element parent, String localName) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    private static String text(Element parent, String localName) {
        Element e = child(parent, localName);
        if (e == null) {
            return null;
        }
        String t = bounded(e.getTextContent().strip(), MAX_TEXT);
        return t.isEmpty() ? null : t;
    }

    private static String bounded(String s, int max) {
        if (s != null && s.length() > max) {
            throw new InvalidArtifactException("a .nuspec field is longer than " + max + " characters");
        }
        return s;
    }

    /** The id as the flat container and registration paths spell it. */
    String lowerId() {
        return id.toLowerCase(Locale.ROOT);
    }

    /** What is kept with the stored package (JSON-compatible), read back by {@link #fromAttributes}. */
    Map<String, Object> attributes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("version", version.full());
        put(m, "title", title);
        put(m, "description", description);
        put(m, "summary", summary);
        put(m, "authors", authors);
        put(m, "owners", owners);
        put(m, "tags", tags);
        put(m, "projectUrl", projectUrl);
        put(m, "licenseUrl", licenseUrl);
        put(m, "iconUrl", iconUrl);
        m.put("requireLicenseAcceptance", requireLicenseAcceptance);
        List<Object> groups = new ArrayList<>();
        for (DependencyGroup g : dependencyGroups) {
            List<Object> deps = new ArrayList<>();
            for (Dependency d : g.dependencies()) {
                deps.add(Map.of("id", d.id(), "range", d.range()));
            }
            groups.add(Map.of("targetFramework", g.targetFramework(), "dependencies", deps));
        }
        m.put("dependencyGroups", groups);
        return m;
    }

    private static void put(Map<String, Object> m, String k, String v) {
        if (v != null && !v.isEmpty()) {
            m.put(k, v);
        }
    }

    /** The metadata kept with a stored package; null when the attributes are not a package's. */
    static NugetNuspec fromAttributes(Map<String, Object> a) {
        Object id = a.get("id");
        if (!(id instanceof String sid) || !(a.get("version") instanceof String sv)) {
            return null;
        }
        NugetVersion v = NugetVersion.parse(sv).orElse(null);
        if (v == null) {
            return null;
        }
        List<DependencyGroup> groups = new ArrayList<>();
        if (a.get("dependencyGroups") instanceof List<?> gl) {
            for (Object g : gl) {
                if (g instanceof Map<?, ?> gm) {
                    List<Dependency> deps = new ArrayList<>();
                    if (gm.get("dependencies") instanceof List<?> dl) {
                        for (Object d : dl) {
                            if (d instanceof Map<?, ?> dm) {
                                deps.add(new Dependency(String.valueOf(dm.get("id")), str(dm.get("range"))));
                            }
                        }
                    }
                    groups.add(new DependencyGroup(str(gm.get("targetFramework")), deps));
                }
            }
        }
        return new NugetNuspec(sid, v, s(a, "title"), s(a, "description"), s(a, "summary"), s(a, "authors"),
                s(a, "owners"), s(a, "tags"), s(a, "projectUrl"), s(a, "licenseUrl"), s(a, "iconUrl"),
                Boolean.TRUE.equals(a.get("requireLicenseAcceptance")), groups);
    }

    private static String s(Map<String, Object> a, String k) {
        return a.get(k) instanceof String v ? v : null;
    }

    private static String str(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    /** NuGet 2's flattened dependency string: {@code id:range:framework|...}. */
    String v2Dependencies() {
        StringBuilder b = new StringBuilder();
        for (DependencyGroup g : dependencyGroups) {
            if (g.dependencies().isEmpty()) {
                b.append(b.isEmpty() ? "" : "|").append("::").append(g.targetFramework());
                continue;
            }
            for (Dependency d : g.dependencies()) {
                b.append(b.isEmpty() ? "" : "|").append(d.id()).append(':').append(d.range()).append(':')
                        .append(g.targetFramework());
            }
        }
        return b.toString();
    }
}
