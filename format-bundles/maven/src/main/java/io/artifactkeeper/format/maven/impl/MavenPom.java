package io.artifactkeeper.format.maven.impl;

import org.w3c.dom.Element;

import io.artifactkeeper.format.maven.impl.MavenMetadata.InvalidMetadataException;
import io.artifactkeeper.format.maven.impl.MavenMetadata.Xml;

/** Checks an uploaded POM: well-formed, a {@code <project>}, and coordinates that match its path. */
public final class MavenPom {

    private MavenPom() {
    }

    public static void check(byte[] pom, MavenPath path) throws InvalidMetadataException {
        Element project = Xml.parse(pom, "project").getDocumentElement();
        Element parent = Xml.child(project, "parent");
        String artifactId = Xml.text(project, "artifactId");
        String groupId = or(Xml.text(project, "groupId"), parent == null ? null : Xml.text(parent, "groupId"));
        String version = or(Xml.text(project, "version"), parent == null ? null : Xml.text(parent, "version"));
        if (artifactId == null) {
            throw new InvalidMetadataException("the POM has no artifactId");
        }
        mustMatch("artifactId", artifactId, path.artifactId());
        mustMatch("groupId", groupId, path.groupId());
        mustMatch("version", version, path.version());
    }

    private static void mustMatch(String what, String declared, String inPath) throws InvalidMetadataException {
        // a value still holding a property reference cannot be checked without the whole model
        if (declared != null && !declared.contains("${") && !declared.equals(inPath)) {
            throw new InvalidMetadataException("the POM's " + what + " " + declared + " does not match the path's " + inPath);
        }
    }

    private static String or(String a, String b) {
        return a != null ? a : b;
    }
}
