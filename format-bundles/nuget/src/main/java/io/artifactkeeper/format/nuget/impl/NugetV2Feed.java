package io.artifactkeeper.format.nuget.impl;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The NuGet v2 OData feed as the NuGet 2.x client (and Chocolatey, PowerShellGet v2, which use the same
 * code) reads it: an AtomPub service document, the {@code $metadata} EDMX naming the functions the
 * client looks for, and Atom feeds and entries of {@code V2FeedPackage}s whose content is the download
 * URL. Written with the JDK's StAX writer, which escapes every text and attribute.
 */
final class NugetV2Feed {
    static final String ATOM = "http://www.w3.org/2005/Atom";
    static final String D = "http://schemas.microsoft.com/ado/2007/08/dataservices";
    static final String M = "http://schemas.microsoft.com/ado/2007/08/dataservices/metadata";
    static final String APP = "http://www.w3.org/2007/app";
    static final String FEED_TYPE = "application/atom+xml;type=feed;charset=utf-8";
    static final String ENTRY_TYPE = "application/atom+xml;type=entry;charset=utf-8";
    static final String XML_TYPE = "application/xml;charset=utf-8";
    private static final DateTimeFormatter EDM = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final XMLOutputFactory OUT = XMLOutputFactory.newFactory();

    /** A version with what the v2 entry says about its place among the package's versions. */
    record Item(NugetEntry entry, boolean latest, boolean absoluteLatest) {
    }

    private NugetV2Feed() {
    }

    static byte[] serviceDocument(String base) {
        return write(w -> {
            w.writeStartElement("service");
            w.writeAttribute("xml:base", base + "/");
            w.writeDefaultNamespace(APP);
            w.writeNamespace("atom", ATOM);
            w.writeStartElement("workspace");
            w.writeStartElement("atom", "title", ATOM);
            w.writeCharacters("Default");
            w.writeEndElement();
            w.writeStartElement("collection");
            w.writeAttribute("href", "Packages");
            w.writeStartElement("atom", "title", ATOM);
            w.writeCharacters("Packages");
            w.writeEndElement();
            w.writeEndElement();
            w.writeEndElement();
            w.writeEndElement();
        });
    }

    static byte[] feed(String base, String title, List<Item> items, String next) {
        return write(w -> {
            w.writeStartElement("feed");
            w.writeAttribute("xml:base", base + "/");
            w.writeDefaultNamespace(ATOM);
            w.writeNamespace("d", D);
            w.writeNamespace("m", M);
            element(w, "id", base + "/" + title);
            w.writeStartElement("title");
            w.writeAttribute("type", "text");
            w.writeCharacters(title);
            w.writeEndElement();
            element(w, "updated", EDM.format(Instant.now()) + "Z");
            w.writeEmptyElement("link");
            w.writeAttribute("rel", "self");
            w.writeAttribute("title", title);
            w.writeAttribute("href", title);
            for (Item i : items) {
                entry(w, base, i, false);
            }
            if (next != null) {
                w.writeEmptyElement("link");
                w.writeAttribute("rel", "next");
                w.writeAttribute("href", next);
            }
            w.writeEndElement();
        });
    }

    static byte[] entry(String base, Item item) {
        return write(w -> entry(w, base, item, true));
    }

    private static void entry(XMLStreamWriter w, String base, Item item, boolean root) throws XMLStreamException {
        NugetEntry e = item.entry();
        NugetNuspec m = e.meta();
        String key = "Packages(Id='" + m.id() + "',Version='" + e.version().normalized() + "')";
        w.writeStartElement("entry");
        if (root) {
            w.writeAttribute("xml:base", base + "/");
            w.writeDefaultNamespace(ATOM);
            w.writeNamespace("d", D);
            w.writeNamespace("m", M);
        }
        element(w, "id", base + "/" + key);
        w.writeEmptyElement("category");
        w.writeAttribute("term", "NuGetGallery.V2FeedPackage");
        w.writeAttribute("scheme", "http://schemas.microsoft.com/ado/2007/08/dataservices/scheme");
        w.writeEmptyElement("link");
        w.writeAttribute("rel", "edit");
        w.writeAttribute("title", "V2FeedPackage");
        w.writeAttribute("href", key);
        w.writeStartElement("title");
        w.writeAttribute("type", "text");
        w.writeCharacters(m.id());
        w.writeEndElement();
        w.writeStartElement("summary");
        w.writeAttribute("type", "text");
        w.writeCharacters(nz(m.summary()));
        w.writeEndElement();
        element(w, "updated", date(e.published()) + "Z");
        w.writeStartElement("author");
        element(w, "name", nz(m.authors()));
        w.writeEndElement();
        w.writeEmptyElement("link");
        w.writeAttribute("rel", "edit-media");
        w.writeAttribute("title", "V2FeedPackage");
        w.writeAttribute("href", key + "/$value");
        w.writeEmptyElement("content");
        w.writeAttribute("type", "application/zip");
        w.writeAttribute("src", base + "/package/" + m.id() + "/" + e.version().normalized());
        w.writeStartElement("m", "properties", M);
        prop(w, "Id", m.id());
        prop(w, "Version", e.version().normalized());
        prop(w, "NormalizedVersion", e.version().normalized());
        prop(w, "Authors", nz(m.authors()));
        prop(w, "Copyright", null);
        typed(w, "Created", "Edm.DateTime", date(e.published()));
        prop(w, "Dependencies", m.v2Dependencies());
        prop(w, "Description", nz(m.description()));
        typed(w, "DownloadCount", "Edm.Int32", "0");
        prop(w, "GalleryDetailsUrl", null);
        prop(w, "IconUrl", m.iconUrl());
        typed(w, "IsLatestVersion", "Edm.Boolean", String.valueOf(item.latest()));
        typed(w, "IsAbsoluteLatestVersion", "Edm.Boolean", String.valueOf(item.absoluteLatest()));
        typed(w, "IsPrerelease", "Edm.Boolean", String.valueOf(e.version().isPrerelease()));
        prop(w, "Language", null);
        typed(w, "LastUpdated", "Edm.DateTime", date(e.published()));
        typed(w, "Published", "Edm.DateTime", date(e.listed() ? e.published() : NugetV3.UNLISTED_PUBLISHED));
        typed(w, "Listed", "Edm.Boolean", String.valueOf(e.listed()));
        prop(w, "LicenseUrl", m.licenseUrl());
        prop(w, "PackageHash", e.sha512());
        prop(w, "PackageHashAlgorithm", e.sha512() == null ? null : "SHA512");
        typed(w, "PackageSize", "Edm.Int64", String.valueOf(Math.max(0, e.size())));
        prop(w, "ProjectUrl", m.projectUrl());
        prop(w, "ReleaseNotes", null);
        typed(w, "RequireLicenseAcceptance", "Edm.Boolean", String.valueOf(m.requireLicenseAcceptance()));
        prop(w, "Summary", m.summary());
        prop(w, "Tags", m.tags() == null ? null : " " + m.tags().strip() + " ");
        prop(w, "Title", m.title());
        typed(w, "VersionDownloadCount", "Edm.Int32", "0");
        prop(w, "MinClientVersion", null);
        w.writeEndElement();
        w.writeEndElement();
    }

    private static String date(Instant i) {
        return EDM.format(i);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static void element(XMLStreamWriter w, String name, String text) throws XMLStreamException {
        w.writeStartElement(name);
        w.writeCharacters(text);
        w.writeEndElement();
    }

    private static void prop(XMLStreamWriter w, String name, String value) throws XMLStreamException {
        if (value == null) {
            w.writeEmptyElement("d", name, D);
            w.writeAttribute("m", M, "null", "true");
            return;
        }
        w.writeStartElement("d", name, D);
        w.writeCharacters(value);
        w.writeEndElement();
    }

    private static void typed(XMLStreamWriter w, String name, String type, String value) throws XMLStreamException {
        w.writeStartElement("d", name, D);
        w.writeAttribute("m", M, "type", type);
        w.writeCharacters(value);
        w.writeEndElement();
    }

    @FunctionalInterface
    private interface Body {
        void write(XMLStreamWriter w) throws XMLStreamException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            XMLStreamWriter w = OUT.createXMLStreamWriter(out, "UTF-8");
            w.writeStartDocument("utf-8", "1.0");
            body.write(w);
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("writing the v2 feed", e);
        }
        return out.toByteArray();
    }

    /** The EDMX the NuGet 2.x client reads to learn which functions the feed offers. */
    static byte[] metadata() {
        return METADATA.getBytes(StandardCharsets.UTF_8);
    }

    private static final String PROPS = String.join("", List.of("Id", "Version", "NormalizedVersion", "Authors",
            "Copyright", "Dependencies", "Description", "GalleryDetailsUrl", "IconUrl", "Language", "LicenseUrl",
            "PackageHash", "PackageHashAlgorithm", "ProjectUrl", "ReleaseNotes", "Summary", "Tags", "Title",
            "MinClientVersion").stream().map(p -> "<Property Name=\"" + p + "\" Type=\"Edm.String\""
                    + (p.equals("Id") || p.equals("Version") ? " Nullable=\"false\"" : "") + "/>").toList())
            + "<Property Name=\"Created\" Type=\"Edm.DateTime\" Nullable=\"false\"/>"
            + "<Property Name=\"LastUpdated\" Type=\"Edm.DateTime\" Nullable=\"false\"/>"
            + "<Property Name=\"Published\" Type=\"Edm.DateTime\" Nullable=\"false\"/>"
            + "<Property Name=\"DownloadCount\" Type=\"Edm.Int32\" Nullable=\"false\"/>"
            + "<Property Name=\"VersionDownloadCount\" Type=\"Edm.Int32\" Nullable=\"false\"/>"
            + "<Property Name=\"IsLatestVersion\" Type=\"Edm.Boolean\" Nullable=\"false\"/>"
            + "<Property Name=\"IsAbsoluteLatestVersion\" Type=\"Edm.Boolean\" Nullable=\"false\"/>"
            + "<Property Name=\"IsPrerelease\" Type=\"Edm.Boolean\" Nullable=\"false\"/>"
            + "<Property Name=\"Listed\" Type=\"Edm.Boolean\" Nullable=\"false\"/>"
            + "<Property Name=\"RequireLicenseAcceptance\" Type=\"Edm.Boolean\" Nullable=\"false\"/>"
            + "<Property Name=\"PackageSize\" Type=\"Edm.Int64\" Nullable=\"false\"/>";

    private static final String METADATA = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
            + "<edmx:Edmx Version=\"1.0\" xmlns:edmx=\"http://schemas.microsoft.com/ado/2007/06/edmx\">"
            + "<edmx:DataServices xmlns:m=\"" + M + "\" m:DataServiceVersion=\"2.0\" m:MaxDataServiceVersion=\"2.0\">"
            + "<Schema Namespace=\"NuGetGallery\" xmlns=\"http://schemas.microsoft.com/ado/2006/04/edm\">"
            + "<EntityType Name=\"V2FeedPackage\" m:HasStream=\"true\">"
            + "<Key><PropertyRef Name=\"Id\"/><PropertyRef Name=\"Version\"/></Key>" + PROPS + "</EntityType>"
            + "<EntityContainer Name=\"FeedContext_x0060_1\" m:IsDefaultEntityContainer=\"true\">"
            + "<EntitySet Name=\"Packages\" EntityType=\"NuGetGallery.V2FeedPackage\"/>"
            + "<FunctionImport Name=\"Search\" ReturnType=\"Collection(NuGetGallery.V2FeedPackage)\" EntitySet=\"Packages\" m:HttpMethod=\"GET\">"
            + "<Parameter Name=\"searchTerm\" Type=\"Edm.String\" FixedLength=\"false\" Unicode=\"false\"/>"
            + "<Parameter Name=\"targetFramework\" Type=\"Edm.String\" FixedLength=\"false\" Unicode=\"false\"/>"
            + "<Parameter Name=\"includePrerelease\" Type=\"Edm.Boolean\" Nullable=\"false\"/>"
            + "</FunctionImport>"
            + "<FunctionImport Name=\"FindPackagesById\" ReturnType=\"Collection(NuGetGallery.V2FeedPackage)\" EntitySet=\"Packages\" m:HttpMethod=\"GET\">"
            + "<Parameter Name=\"id\" Type=\"Edm.String\" FixedLength=\"false\" Unicode=\"false\"/>"
            + "</FunctionImport>"
            + "<FunctionImport Name=\"GetUpdates\" ReturnType=\"Collection(NuGetGallery.V2FeedPackage)\" EntitySet=\"Packages\" m:HttpMethod=\"GET\">"
            + "<Parameter Name=\"packageIds\" Type=\"Edm.String\" FixedLength=\"false\" Unicode=\"false\"/>"
            + "<Parameter Name=\"versions\" Type=\"Edm.String\" FixedLength=\"false\" Unicode=\"false\"/>"
            + "<Parameter Name=\"includePrerelease\" Type=\"Edm.Boolean\" Nullable=\"false\"/>"
            + "<Parameter Name=\"includeAllVersions\" Type=\"Edm.Boolean\" Nullable=\"false\"/>"
            + "<Parameter Name=\"targetFrameworks\" Type=\"Edm.String\" FixedLength=\"false\" Unicode=\"false\"/>"
            + "<Parameter Name=\"versionConstraints\" Type=\"Edm.String\" FixedLength=\"false\" Unicode=\"false\"/>"
            + "</FunctionImport>"
            + "</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>";
}
