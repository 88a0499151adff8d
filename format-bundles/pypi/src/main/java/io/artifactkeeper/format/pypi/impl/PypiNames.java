package io.artifactkeeper.format.pypi.impl;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Project names (PEP 503 normalization, PEP 508 validity) and distribution file names (PEP 427
 * wheels, sdists): what a name may be, and what a file name says about its project and version.
 */
final class PypiNames {
    private static final Pattern SEPARATORS = Pattern.compile("[-_.]+");
    private static final Pattern VALID_NAME = Pattern.compile("^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$",
            Pattern.CASE_INSENSITIVE);
    /** Characters a file name or version may use here: no separators, nothing a shell or URL must quote. */
    private static final Pattern SAFE_SEGMENT = Pattern.compile("[A-Za-z0-9._+!~-]{1,255}");
    private static final int MAX_NAME = 200;

    /** Kinds of distribution file this repository accepts. */
    enum DistType {
        WHEEL("bdist_wheel", ".whl", "application/zip"),
        SDIST_TAR_GZ("sdist", ".tar.gz", "application/gzip"),
        SDIST_ZIP("sdist", ".zip", "application/zip");

        final String filetype;
        final String extension;
        final String contentType;

        DistType(String filetype, String extension, String contentType) {
            this.filetype = filetype;
            this.extension = extension;
            this.contentType = contentType;
        }
    }

    /**
     * What a file name says.
     *
     * @param filename the file name
     * @param distType wheel or sdist
     * @param project the distribution name as written in the file name (not normalized)
     * @param version the version as written in the file name
     */
    record DistFile(String filename, DistType distType, String project, String version) {
        String normalizedProject() {
            return normalize(project);
        }
    }

    private PypiNames() {
    }

    /** PEP 503: runs of '-', '_' and '.' become one '-', all lower case. */
    static String normalize(String name) {
        return SEPARATORS.matcher(name).replaceAll("-").toLowerCase(Locale.ROOT);
    }

    /** Whether {@code name} is a valid project name (PEP 508). */
    static boolean isValidName(String name) {
        return name != null && name.length() <= MAX_NAME && VALID_NAME.matcher(name).matches();
    }

    /** Whether {@code s} may be one path segment (a file name or a version): no '/', '\\', "..", controls. */
    static boolean isSafeSegment(String s) {
        return s != null && SAFE_SEGMENT.matcher(s).matches() && !s.startsWith(".") && !s.contains("..");
    }

    static Optional<DistType> typeOf(String filename) {
        String lower = filename.toLowerCase(Locale.ROOT);
        for (DistType t : DistType.values()) {
            if (lower.endsWith(t.extension) && lower.length() > t.extension.length()) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * Parses a distribution file name. {@code projectHint} (may be null) disambiguates sdist names,
     * whose project part may itself contain '-'.
     */
    static Optional<DistFile> parse(String filename, String projectHint) {
        if (!isSafeSegment(filename)) {
            return Optional.empty();
        }
        Optional<DistType> type = typeOf(filename);
        if (type.isEmpty()) {
            return Optional.empty();
        }
        String base = filename.substring(0, filename.length() - type.get().extension.length());
        if (type.get() == DistType.WHEEL) {
            // {distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl
            String[] parts = base.split("-", -1);
            if (parts.length != 5 && parts.length != 6) {
                return Optional.empty();
            }
            for (String p : parts) {
                if (p.isEmpty()) {
                    return Optional.empty();
                }
            }
            return Optional.of(new DistFile(filename, type.get(), parts[0], parts[1]));
        }
        if (projectHint != null) {
            String want = normalize(projectHint);
            for (int i = base.indexOf('-'); i > 0; i = base.indexOf('-', i + 1)) {
                if (normalize(base.substring(0, i)).equals(want) && i + 1 < base.length()) {
                    return Optional.of(new DistFile(filename, type.get(), base.substring(0, i), base.substring(i + 1)));
                }
            }
        }
        // a version holds no '-' in its normal form: the last one separates it
        int dash = base.lastIndexOf('-');
        if (dash <= 0 || dash == base.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(new DistFile(filename, type.get(), base.substring(0, dash), base.substring(dash + 1)));
    }

    /**
     * Whether a version from a file name matches the declared one. Wheel names write '-' as '_'
     * (PEP 427 escaping), and case does not matter in PEP 440.
     */
    static boolean sameVersion(String fromFile, String declared) {
        return loose(fromFile).equals(loose(declared));
    }

    private static String loose(String v) {
        return v.toLowerCase(Locale.ROOT).replace('-', '_');
    }

    /** The version a file name shows, or "unknown" (only for placing cached remote files). */
    static String versionOf(String filename, String project) {
        return parse(filename, project).map(DistFile::version).filter(PypiNames::isSafeSegment).orElse("unknown");
    }

    /** Where a distribution file lives in a repository. */
    static String filePath(String normalizedProject, String version, String filename) {
        return "packages/" + normalizedProject + "/" + version + "/" + filename;
    }
}
