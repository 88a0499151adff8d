package io.artifactkeeper.format.conan.impl;

import java.util.Locale;
import java.util.regex.Pattern;

import io.artifactkeeper.api.format.FormatException;

/**
 * A Conan recipe reference without revision, {@code name/version[@user/channel]}, as the v2 API
 * spells it in a path: {@code name/version/user/channel}, with {@code _} for a missing user and
 * channel. Every field is checked against Conan's own rules (a name starts with a letter, digit or
 * underscore and goes on with those and {@code + . -}; at most 101 characters), so that no field can
 * be {@code .}, {@code ..} or hold a separator; upper case is accepted for the references older
 * clients made.
 */
record ConanRef(String name, String version, String user, String channel) {
    /** Conan's name rule (2 to 101 characters). */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9_+.-]{1,100}");
    /** Version, user and channel: the same characters, one character allowed. */
    private static final Pattern FIELD = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9_+.-]{0,100}");
    /** Recipe and package revisions, package ids: hashes (md5, sha1, a git commit). */
    private static final Pattern HASH = Pattern.compile("[a-zA-Z0-9]{1,64}");
    /** One segment of a file name below {@code files/}. */
    private static final Pattern FILE_SEGMENT = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9_.+-]{0,127}");
    /** A whole reference string: {@code name/version[@user/channel][#revision]}. */
    static final int MAX_REFERENCE = 400;

    static final String NONE = "_";

    /** A reference from the path's four fields; a field that breaks the rules is a 400. */
    static ConanRef of(String name, String version, String user, String channel) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw bad("invalid recipe name '" + printable(name) + "'");
        }
        if (version == null || !FIELD.matcher(version).matches()) {
            throw bad("invalid version '" + printable(version) + "' of " + name);
        }
        boolean noUser = NONE.equals(user);
        boolean noChannel = NONE.equals(channel);
        if (!noUser && (user == null || !FIELD.matcher(user).matches())) {
            throw bad("invalid user '" + printable(user) + "' of " + name + "/" + version);
        }
        if (!noChannel && (channel == null || !FIELD.matcher(channel).matches())) {
            throw bad("invalid channel '" + printable(channel) + "' of " + name + "/" + version);
        }
        if (noUser && !noChannel) {
            throw bad("a channel without a user: " + name + "/" + version + "@_/" + channel);
        }
        return new ConanRef(name, version, user, channel);
    }

    /**
     * Parses {@code name/version[@user/channel][#revision][%timestamp]} (the form search answers and
     * command lines use), the revision and timestamp ignored after a check; a malformed one is a 400.
     */
    static ConanRef parse(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_REFERENCE) {
            throw bad("a reference is 1 to " + MAX_REFERENCE + " characters");
        }
        String text = s;
        int pct = text.lastIndexOf('%');
        if (pct >= 0) {
            String ts = text.substring(pct + 1);
            if (!ts.matches("[0-9]{1,20}(\\.[0-9]{1,9})?")) {
                throw bad("invalid timestamp in reference '" + printable(s) + "'");
            }
            text = text.substring(0, pct);
        }
        int hash = text.indexOf('#');
        if (hash >= 0) {
            String rev = text.substring(hash + 1);
            if (!HASH.matcher(rev).matches()) {
                throw bad("invalid revision in reference '" + printable(s) + "'");
            }
            text = text.substring(0, hash);
        }
        String user = NONE;
        String channel = NONE;
        int at = text.indexOf('@');
        if (at >= 0) {
            String uc = text.substring(at + 1);
            text = text.substring(0, at);
            int slash = uc.indexOf('/');
            if (slash < 0) {
                user = uc;
                channel = NONE;
                if (uc.isEmpty()) {
                    user = NONE;
                }
            } else {
                user = uc.substring(0, slash);
                channel = uc.substring(slash + 1);
            }
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw bad("a reference is name/version[@user/channel]: '" + printable(s) + "'");
        }
        return of(text.substring(0, slash), text.substring(slash + 1), user, channel);
    }

    /** {@code name/version/user/channel}, the form in v2 paths. */
    String path() {
        return name + "/" + version + "/" + user + "/" + channel;
    }

    /** {@code name/version} or {@code name/version@user/channel}: how Conan prints it. */
    String display() {
        return hasUser() ? name + "/" + version + "@" + user + "/" + channel : name + "/" + version;
    }

    boolean hasUser() {
        return !NONE.equals(user);
    }

    /** A recipe or package revision, or a package id. */
    static String hash(String what, String value) {
        if (value == null || !HASH.matcher(value).matches()) {
            throw bad("invalid " + what + " '" + printable(value) + "'");
        }
        return value;
    }

    /**
     * A file name below {@code files/} as uploaded: one name ({@code conanfile.py}, {@code
     * conan_package.tgz}) or a path below {@code metadata/} (Conan's metadata files and signatures); an
     * Artifactory matrix-parameter suffix ({@code ;key=value}) is dropped. Anything else is a 400.
     */
    static String fileName(String raw) {
        String f = raw;
        int semi = f.indexOf(';');
        if (semi >= 0) {
            f = f.substring(0, semi);
        }
        if (f.isEmpty() || f.length() > 1024) {
            throw bad("invalid file name");
        }
        String[] segs = f.split("/", -1);
        if (segs.length > 1 && !segs[0].equals("metadata")) {
            throw bad("invalid file name '" + printable(f) + "': only metadata/ has folders");
        }
        if (segs.length > 16) {
            throw bad("invalid file name: too deep");
        }
        for (String seg : segs) {
            if (!FILE_SEGMENT.matcher(seg).matches()) {
                throw bad("invalid file name '" + printable(f) + "'");
            }
        }
        return f;
    }

    /** Whether {@code file} is a metadata file, which may be replaced without a new revision. */
    static boolean isMetadata(String file) {
        return file.startsWith("metadata/");
    }

    @Override
    public String toString() {
        return display();
    }

    private static FormatException bad(String message) {
        return FormatException.badRequest(message);
    }

    /** A value for an error message: bounded, control characters shown as '?'. */
    static String printable(String s) {
        if (s == null) {
            return "";
        }
        String t = s.length() > 120 ? s.substring(0, 120) + "..." : s;
        StringBuilder b = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }

    /** Lower case for case-insensitive search. */
    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
