package io.artifactkeeper.format.debian.impl;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A binary package's identity and control paragraph, checked: Package, Version and Architecture
 * present and well-formed (Debian Policy 5.6.1, 5.6.12, 5.6.8); the fields a repository's index
 * writes itself (Filename, Size, checksums) are dropped from what the client sent.
 */
record DebPackage(String name, String version, String architecture, String source, Deb822.Paragraph control) {
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]{1,127}");
    /** [epoch:]upstream[-revision]; a colon only after an epoch. */
    static final Pattern VERSION = Pattern.compile("(?:[0-9]{1,9}:)?[0-9A-Za-z][0-9A-Za-z.+~-]{0,127}");
    static final Pattern ARCH = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    /** Fields the index computes; a client's own values are not kept. */
    static final List<String> INDEX_FIELDS = List.of("Filename", "Size", "MD5sum", "SHA1", "SHA256", "SHA512",
            "Description-md5");

    static DebPackage of(Deb822.Paragraph p) {
        String name = required(p, "Package");
        String version = required(p, "Version");
        String arch = required(p, "Architecture");
        if (!NAME.matcher(name).matches()) {
            throw Deb822.bad("invalid package name: " + printable(name));
        }
        if (!VERSION.matcher(version).matches()) {
            throw Deb822.bad("invalid version: " + printable(version));
        }
        if (!ARCH.matcher(arch).matches()) {
            throw Deb822.bad("invalid architecture: " + printable(arch) + " (a binary package has one architecture)");
        }
        String source = name;
        String s = p.simple("Source");
        if (s != null && !s.isEmpty()) {
            String first = s.split("[ (]", 2)[0];
            if (!NAME.matcher(first).matches()) {
                throw Deb822.bad("invalid source package name: " + printable(first));
            }
            source = first;
        }
        Deb822.Paragraph kept = new Deb822.Paragraph();
        for (String f : p.fields()) {
            if (INDEX_FIELDS.stream().noneMatch(f::equalsIgnoreCase)) {
                kept.set(f, p.get(f));
            }
        }
        return new DebPackage(name, version, arch, source, kept);
    }

    private static String required(Deb822.Paragraph p, String field) {
        String v = p.simple(field);
        if (v == null || v.isEmpty()) {
            throw Deb822.bad("the control file has no " + field + " field");
        }
        if (!p.get(field).strip().equals(v)) {
            throw Deb822.bad("field " + field + " must be on one line");
        }
        return v;
    }

    /** The file name dpkg-name gives: name_version_arch.deb, the epoch left out. */
    String fileName() {
        int colon = version.indexOf(':');
        return name + "_" + (colon < 0 ? version : version.substring(colon + 1)) + "_" + architecture + ".deb";
    }

    /** pool/{component}/{l or libx}/{source}/{file}, as Debian's archive lays it out. */
    String poolPath(String component) {
        String prefix = source.startsWith("lib") && source.length() > 3 ? source.substring(0, 4) : source.substring(0, 1);
        return "pool/" + component + "/" + prefix + "/" + source + "/" + fileName();
    }

    private static String printable(String s) {
        return io.artifactkeeper.format.support.SafeArchive.printable(s.length() > 80 ? s.substring(0, 80) + "..." : s);
    }
}
