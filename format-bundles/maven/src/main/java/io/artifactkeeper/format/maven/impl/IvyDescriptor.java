package io.artifactkeeper.format.maven.impl;

import org.w3c.dom.Element;

import io.artifactkeeper.format.maven.impl.MavenMetadata.InvalidMetadataException;
import io.artifactkeeper.format.maven.impl.MavenMetadata.Xml;

/** Checks an uploaded {@code ivy.xml}: an {@code <ivy-module>} whose {@code <info>} names the module of its path. */
public final class IvyDescriptor {

    private IvyDescriptor() {
    }

    public static void check(byte[] xml, IvyPath path) throws InvalidMetadataException {
        Element root = Xml.parse(xml, "ivy-module").getDocumentElement();
        Element info = Xml.child(root, "info");
        if (info == null) {
            throw new InvalidMetadataException("ivy.xml has no <info>");
        }
        mustMatch("organisation", info.getAttribute("organisation"), path.organisation());
        mustMatch("module", info.getAttribute("module"), path.module());
        mustMatch("revision", info.getAttribute("revision"), path.revision());
    }

    private static void mustMatch(String what, String declared, String inPath) throws InvalidMetadataException {
        if (what.equals("module") && declared.isEmpty()) {
            throw new InvalidMetadataException("ivy.xml <info> has no module");
        }
        if (!declared.isEmpty() && !declared.contains("${") && !declared.equals(inPath)) {
            throw new InvalidMetadataException("ivy.xml's " + what + " " + declared + " does not match the path's " + inPath);
        }
    }
}
