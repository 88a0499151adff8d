package io.artifactkeeper.format.rpm.impl;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.artifactkeeper.format.support.Json;

/**
 * What the repository metadata (primary, filelists, other) says about one package: read from its
 * header at upload ({@link #fromFile}), or from an upstream's repodata. Kept with the stored package
 * as its attributes ({@link #toMap}), so that indexes are written from attributes, never by reading
 * packages again.
 */
record RpmPackage(String name, String arch, String epoch, String version, String release, String summary,
        String description, String packager, String url, String license, String vendor, String group,
        String buildhost, String sourcerpm, long buildTime, long installedSize, long archiveSize, long headerStart,
        long headerEnd, List<Dep> provides, List<Dep> requires, List<Dep> conflicts, List<Dep> obsoletes,
        List<FileEntry> files, List<Changelog> changelogs, Map<String, Object> signature) {

    /**
     * A dependency as primary.xml writes it.
     *
     * @param flags {@code EQ}, {@code LT}, {@code GT}, {@code LE}, {@code GE} or null
     * @param pre whether it is needed before installation (a pre-requirement)
     */
    record Dep(String name, String flags, String epoch, String ver, String rel, boolean pre) {
    }

    /** A file: {@code fileType} is null for a plain file, {@code dir} or {@code ghost}. */
    record FileEntry(String path, String fileType) {
    }

    record Changelog(String author, long date, String text) {
    }

    static final int TAG_NAME = 1000;
    static final int TAG_VERSION = 1001;
    static final int TAG_RELEASE = 1002;
    static final int TAG_EPOCH = 1003;
    static final int TAG_SUMMARY = 1004;
    static final int TAG_DESCRIPTION = 1005;
    static final int TAG_BUILDTIME = 1006;
    static final int TAG_BUILDHOST = 1007;
    static final int TAG_SIZE = 1009;
    static final int TAG_VENDOR = 1011;
    static final int TAG_LICENSE = 1014;
    static final int TAG_PACKAGER = 1015;
    static final int TAG_GROUP = 1016;
    static final int TAG_URL = 1020;
    static final int TAG_ARCH = 1022;
    static final int TAG_OLDFILENAMES = 1027;
    static final int TAG_FILEMODES = 1030;
    static final int TAG_FILEFLAGS = 1037;
    static final int TAG_SOURCERPM = 1044;
    static final int TAG_ARCHIVESIZE = 1046;
    static final int TAG_PROVIDENAME = 1047;
    static final int TAG_REQUIREFLAGS = 1048;
    static final int TAG_REQUIRENAME = 1049;
    static final int TAG_REQUIREVERSION = 1050;
    static final int TAG_CONFLICTFLAGS = 1053;
    static final int TAG_CONFLICTNAME = 1054;
    static final int TAG_CONFLICTVERSION = 1055;
    static final int TAG_CHANGELOGTIME = 1080;
    static final int TAG_CHANGELOGNAME = 1081;
    static final int TAG_CHANGELOGTEXT = 1082;
    static final int TAG_OBSOLETENAME = 1090;
    static final int TAG_PROVIDEFLAGS = 1112;
    static final int TAG_PROVIDEVERSION = 1113;
    static final int TAG_OBSOLETEFLAGS = 1114;
    static final int TAG_OBSOLETEVERSION = 1115;
    static final int TAG_DIRINDEXES = 1116;
    static final int TAG_BASENAMES = 1117;
    static final int TAG_DIRNAMES = 1118;
    static final int TAG_LONGSIZE = 5009;
    static final int TAG_LONGARCHIVESIZE = 271;

    private static final int SENSE_LESS = 2;
    private static final int SENSE_GREATER = 4;
    private static final int SENSE_EQUAL = 8;
    private static final int SENSE_PRE = 0x40 | 0x200 | 0x400;
    private static final int FILE_GHOST = 1 << 6;
    /** As createrepo_c: the newest changelog entries, not the whole history. */
    static final int CHANGELOG_LIMIT = 10;
    static final int MAX_NAME = 256;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_+][A-Za-z0-9._+\\-]*");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._+~^]+");
    private static final Pattern ARCH = Pattern.compile("[A-Za-z0-9_]+");
    private static final Pattern EPOCH = Pattern.compile("[0-9]{1,10}");

    /** {@code name-version-release.arch.rpm}, where the package is stored when the client names no path. */
    String fileName() {
        return name + "-" + version + "-" + release + "." + arch + ".rpm";
    }

    /** {@code [epoch:]version-release}, the artifact's version. */
    String evr() {
        return ("0".equals(epoch) ? "" : epoch + ":") + version + "-" + release;
    }

    /** {@code name-[epoch:]version-release.arch}. */
    String nevra() {
        return name + "-" + evr() + "." + arch;
    }

    boolean signed() {
        return Boolean.TRUE.equals(signature.get("signed"));
    }

    // ------------------------------------------------------------------ from the header

    /** The package described by the headers of {@code f}; refuses missing or malformed identity tags. */
    static RpmPackage fromFile(RpmFile f) {
        RpmHeader h = f.header();
        String name = required(h, TAG_NAME, "NAME", NAME);
        String version = required(h, TAG_VERSION, "VERSION", VERSION);
        String release = required(h, TAG_RELEASE, "RELEASE", VERSION);
        long[] epochs = h.numbers(TAG_EPOCH);
        String epoch = epochs.length == 0 ? "0" : Long.toString(epochs[0]);
        boolean source = f.source() || !h.has(TAG_SOURCERPM);
        String arch = source ? "src" : required(h, TAG_ARCH, "ARCH", ARCH);
        long installed = h.has(TAG_LONGSIZE) ? h.number(TAG_LONGSIZE, 0) : h.number(TAG_SIZE, 0);
        RpmHeader sig = f.signature();
        long archive = h.has(TAG_ARCHIVESIZE) ? h.number(TAG_ARCHIVESIZE, 0)
                : sig.has(TAG_LONGARCHIVESIZE) ? sig.number(TAG_LONGARCHIVESIZE, 0) : sig.number(1007, 0);
        return new RpmPackage(name, arch, epoch, version, release, text(h, TAG_SUMMARY), text(h, TAG_DESCRIPTION),
                text(h, TAG_PACKAGER), text(h, TAG_URL), text(h, TAG_LICENSE), text(h, TAG_VENDOR), text(h, TAG_GROUP),
                text(h, TAG_BUILDHOST), source ? "" : text(h, TAG_SOURCERPM), h.number(TAG_BUILDTIME, 0), installed,
                archive, f.headerStart(), f.headerEnd(),
                deps(h, TAG_PROVIDENAME, TAG_PROVIDEFLAGS, TAG_PROVIDEVERSION, false),
                deps(h, TAG_REQUIRENAME, TAG_REQUIREFLAGS, TAG_REQUIREVERSION, true),
                deps(h, TAG_CONFLICTNAME, TAG_CONFLICTFLAGS, TAG_CONFLICTVERSION, false),
                deps(h, TAG_OBSOLETENAME, TAG_OBSOLETEFLAGS, TAG_OBSOLETEVERSION, false), files(h), changelogs(h),
                RpmSignature.of(sig).toMap());
    }

    private static String required(RpmHeader h, int tag, String what, Pattern shape) {
        String v = h.string(tag);
        if (v == null || v.isEmpty()) {
            throw new RpmFormatException("the header has no " + what);
        }
        if (v.length() > MAX_NAME || !shape.matcher(v).matches()) {
            throw new RpmFormatException("the header's " + what + " is not a valid RPM " + what.toLowerCase() + ": "
                    + (v.length() > 80 ? v.substring(0, 80) + "..." : v));
        }
        return v;
    }

    private static String text(RpmHeader h, int tag) {
        String v = h.string(tag);
        return v == null ? "" : v;
    }

    private static List<Dep> deps(RpmHeader h, int nameTag, int flagsTag, int versionTag, boolean requires) {
        List<String> names = h.strings(nameTag);
        long[] flags = h.numbers(flagsTag);
        List<String> versions = h.strings(versionTag);
        List<Dep> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            int f = i < flags.length ? (int) flags[i] : 0;
            String v = i < versions.size() ? versions.get(i) : "";
            if (requires && n.startsWith("rpmlib(")) {
                continue;
            }
            Dep d = dep(n, f, v, requires && (f & SENSE_PRE) != 0);
            if (seen.add(d.name() + '\0' + d.flags() + '\0' + d.epoch() + '\0' + d.ver() + '\0' + d.rel())) {
                out.add(d);
            }
        }
        return out;
    }

    private static Dep dep(String name, int flags, String evr, boolean pre) {
        String f = switch (flags & (SENSE_LESS | SENSE_GREATER | SENSE_EQUAL)) {
            case SENSE_LESS -> "LT";
            case SENSE_GREATER -> "GT";
            case SENSE_EQUAL -> "EQ";
            case SENSE_LESS | SENSE_EQUAL -> "LE";
            case SENSE_GREATER | SENSE_EQUAL -> "GE";
            default -> null;
        };
        if (evr.isEmpty() || f == null) {
            return new Dep(name, f, null, null, null, pre);
        }
        String epoch = "0";
        String rest = evr;
        int colon = evr.indexOf(':');
        if (colon > 0 && EPOCH.matcher(evr.substring(0, colon)).matches()) {
            epoch = evr.substring(0, colon);
            rest = evr.substring(colon + 1);
        }
        String rel = null;
        int dash = rest.lastIndexOf('-');
        if (dash >= 0) {
            rel = rest.substring(dash + 1);
            rest = rest.substring(0, dash);
        }
        return new Dep(name, f, epoch, rest, rel, pre);
    }

    private static List<FileEntry> files(RpmHeader h) {
        List<String> base = h.strings(TAG_BASENAMES);
        List<String> paths = new ArrayList<>(base.size());
        if (!base.isEmpty()) {
            List<String> dirs = h.strings(TAG_DIRNAMES);
            long[] idx = h.numbers(TAG_DIRINDEXES);
            if (idx.length != base.size()) {
                throw new RpmFormatException("the header has " + base.size() + " BASENAMES but " + idx.length + " DIRINDEXES");
            }
            for (int i = 0; i < base.size(); i++) {
                if (idx[i] < 0 || idx[i] >= dirs.size()) {
                    throw new RpmFormatException("DIRINDEXES[" + i + "] = " + idx[i] + " names no directory (of " + dirs.size() + ")");
                }
                paths.add(dirs.get((int) idx[i]) + base.get(i));
            }
        } else {
            paths.addAll(h.strings(TAG_OLDFILENAMES));
        }
        long[] modes = h.numbers(TAG_FILEMODES);
        long[] flags = h.numbers(TAG_FILEFLAGS);
        List<FileEntry> out = new ArrayList<>(paths.size());
        for (int i = 0; i < paths.size(); i++) {
            String type = null;
            if (i < flags.length && (flags[i] & FILE_GHOST) != 0) {
                type = "ghost";
            } else if (i < modes.length && (modes[i] & 0170000) == 0040000) {
                type = "dir";
            }
            out.add(new FileEntry(paths.get(i), type));
        }
        return out;
    }

    private static List<Changelog> changelogs(RpmHeader h) {
        long[] times = h.numbers(TAG_CHANGELOGTIME);
        List<String> names = h.strings(TAG_CHANGELOGNAME);
        List<String> texts = h.strings(TAG_CHANGELOGTEXT);
        int n = Math.min(times.length, Math.min(names.size(), texts.size()));
        List<Changelog> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, CHANGELOG_LIMIT); i++) {
            out.add(new Changelog(names.get(i), times[i], texts.get(i)));
        }
        // the header holds the newest first; the metadata lists them oldest first
        java.util.Collections.reverse(out);
        return out;
    }

    // ------------------------------------------------------------------ as attributes

    /** JSON-compatible attributes of the stored package. */
    Map<String, Object> toMap() {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = Json.mapper().convertValue(this, LinkedHashMap.class);
        return m;
    }

    /** Back from {@link #toMap}; null when {@code attrs} does not hold a package (an asset stored otherwise). */
    static RpmPackage fromMap(Map<String, Object> attrs) {
        if (attrs == null || !(attrs.get("name") instanceof String) || !(attrs.get("headerEnd") instanceof Number)) {
            return null;
        }
        try {
            return Json.mapper().convertValue(attrs, RpmPackage.class);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
