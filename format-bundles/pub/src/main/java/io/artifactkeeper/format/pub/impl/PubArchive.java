package io.artifactkeeper.format.pub.impl;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import io.artifactkeeper.format.support.SafeArchive;

/**
 * A package archive as {@code dart pub publish} makes it: a gzipped tar whose root holds
 * {@code pubspec.yaml} (and {@code lib/}, ...). Read through the support layer's {@link SafeArchive}
 * (every entry checked: names, links, sizes, expansion), its pubspec read with {@link PubYaml}.
 */
final class PubArchive {
    /** pub.dev's limit on an archive is 100 MiB; what it unpacks to is bounded a little above. */
    static final SafeArchive.Limits LIMITS = SafeArchive.Limits.defaults().withMaxEntries(50_000)
            .withMaxTotalBytes(512L << 20).withMaxEntryBytes(256L << 20).withoutLinks();

    /** The archive is not a package archive (answered 400). */
    static final class BadArchiveException extends IOException {
        private static final long serialVersionUID = 1L;

        BadArchiveException(String message) {
            super(message);
        }
    }

    /** What the archive's pubspec says. */
    record Pubspec(String name, String version, Map<String, Object> json) {
    }

    private PubArchive() {
    }

    /** Reads every entry of {@code raw} and the pubspec at its root; refuses anything else. */
    static Pubspec read(InputStream raw) throws BadArchiveException {
        byte[][] pubspec = {null};
        try {
            SafeArchive.tarGz(raw, LIMITS, (entry, content) -> {
                if (entry.isFile() && entry.name().equals("pubspec.yaml")) {
                    if (pubspec[0] != null) {
                        throw new BadArchiveException("the archive holds pubspec.yaml twice");
                    }
                    byte[] b = content.readNBytes(PubYaml.MAX_BYTES + 1);
                    if (b.length > PubYaml.MAX_BYTES) {
                        throw new BadArchiveException("pubspec.yaml is larger than " + PubYaml.MAX_BYTES + " bytes");
                    }
                    pubspec[0] = b;
                }
                // every entry is read: a hostile one further on refuses the whole archive
                return true;
            });
        } catch (BadArchiveException e) {
            throw e;
        } catch (IOException e) {
            throw new BadArchiveException("not a package archive: " + e.getMessage());
        }
        if (pubspec[0] == null) {
            throw new BadArchiveException("the archive has no pubspec.yaml at its root");
        }
        Map<String, Object> json;
        try {
            json = PubYaml.readMap(pubspec[0]);
        } catch (PubYaml.YamlException e) {
            throw new BadArchiveException(e.getMessage());
        }
        String name = json.get("name") instanceof String s ? s : null;
        String problem = PubNames.invalidName(name);
        if (problem != null) {
            throw new BadArchiveException(problem);
        }
        Object v = json.get("version");
        if (!(v instanceof String version) || !PubNames.isVersion(version)) {
            throw new BadArchiveException("pubspec.yaml of " + name + " has no valid version (Semantic Versioning 2.0: "
                    + "MAJOR.MINOR.PATCH, quoted where YAML would read a number)");
        }
        return new Pubspec(name, version, json);
    }
}
