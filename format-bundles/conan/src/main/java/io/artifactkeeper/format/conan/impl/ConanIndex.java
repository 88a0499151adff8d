package io.artifactkeeper.format.conan.impl;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.Json;

/**
 * The documents of the v2 API and the index of one recipe built from what a hosted repository
 * stores. Layout below the repository (the API's own paths, so that a remote fetches content from
 * its upstream by appending the path):
 *
 * <pre>
 * v2/conans/{name}/{version}/{user}/{channel}/revisions/{rrev}/files/{file}
 * v2/conans/{name}/{version}/{user}/{channel}/revisions/{rrev}/packages/{pkgid}/revisions/{prev}/files/{file}
 * </pre>
 *
 * A revision is listed once its {@code conanmanifest.txt} is stored (Conan uploads it last, so a
 * revision whose upload broke off is never the latest); its time is when that manifest arrived.
 */
final class ConanIndex {
    static final String ROOT = "v2/conans/";
    static final String MANIFEST = "conanmanifest.txt";
    static final String INFO = "conaninfo.txt";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx")
            .withZone(ZoneOffset.UTC);

    private ConanIndex() {
    }

    // ------------------------------------------------------------------ paths

    static String recipeRoot(ConanRef ref) {
        return ROOT + ref.path() + "/";
    }

    static String revisionsPrefix(ConanRef ref) {
        return recipeRoot(ref) + "revisions/";
    }

    static String recipeRevision(ConanRef ref, String rrev) {
        return revisionsPrefix(ref) + rrev + "/";
    }

    static String recipeFile(ConanRef ref, String rrev, String file) {
        return recipeRevision(ref, rrev) + "files/" + file;
    }

    static String packagePrefix(ConanRef ref, String rrev, String pkgid) {
        return recipeRevision(ref, rrev) + "packages/" + pkgid + "/";
    }

    static String packageRevision(ConanRef ref, String rrev, String pkgid, String prev) {
        return packagePrefix(ref, rrev, pkgid) + "revisions/" + prev + "/";
    }

    static String packageFile(ConanRef ref, String rrev, String pkgid, String prev, String file) {
        return packageRevision(ref, rrev, pkgid, prev) + "files/" + file;
    }

    // ------------------------------------------------------------------ times

    /** ISO 8601 in UTC with microseconds, as conan_server writes it ({@code 2024-01-02T03:04:05.123456+00:00}). */
    static String time(Instant i) {
        return TIME.format(i.truncatedTo(ChronoUnit.MICROS));
    }

    /** An ISO 8601 time as servers write it ({@code Z}, {@code +00:00} or {@code +0000}); null if unreadable. */
    static Instant parseTime(String s) {
        if (s == null || s.length() > 64) {
            return null;
        }
        String t = s.trim();
        if (t.matches(".*[+-][0-9]{4}$")) {
            t = t.substring(0, t.length() - 2) + ":" + t.substring(t.length() - 2);
        }
        try {
            return OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(t);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    // ------------------------------------------------------------------ revisions

    /** A revision and its time; {@code instant} orders them (unreadable times sort last). */
    record Rev(String revision, String time, Instant instant) {
        static Rev of(String revision, Instant at) {
            return new Rev(revision, ConanIndex.time(at), at);
        }

        ObjectNode json() {
            ObjectNode o = Json.object();
            o.put("revision", revision);
            o.put("time", time);
            return o;
        }
    }

    /** Newest first; the same revision from several places once (the first one's time). */
    static List<Rev> merge(List<List<Rev>> lists) {
        Map<String, Rev> byRev = new LinkedHashMap<>();
        for (List<Rev> l : lists) {
            for (Rev r : l) {
                byRev.putIfAbsent(r.revision(), r);
            }
        }
        List<Rev> out = new ArrayList<>(byRev.values());
        out.sort(NEWEST_FIRST);
        return out;
    }

    static final Comparator<Rev> NEWEST_FIRST = Comparator
            .comparing((Rev r) -> r.instant() == null ? Instant.EPOCH : r.instant()).reversed()
            .thenComparing(Rev::revision);

    static byte[] revisionsDocument(List<Rev> revs) {
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("revisions");
        revs.forEach(r -> a.add(r.json()));
        return Json.bytes(o);
    }

    static byte[] latestDocument(Rev r) {
        return Json.bytes(r.json());
    }

    /** {@code {"revisions":[{"revision","time"}...]}} as an upstream wrote it; bad entries left out. */
    static List<Rev> readRevisions(JsonNode doc) {
        List<Rev> out = new ArrayList<>();
        for (JsonNode n : doc.path("revisions")) {
            Rev r = readRev(n);
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    /** {@code {"revision","time"}}; null when the revision is missing or malformed. */
    static Rev readRev(JsonNode n) {
        String rev = n.path("revision").asText(null);
        if (rev == null || !rev.matches("[a-zA-Z0-9]{1,64}")) {
            return null;
        }
        String time = n.path("time").isTextual() ? n.path("time").asText() : null;
        Instant at = parseTime(time);
        return new Rev(rev, at != null ? time : ConanIndex.time(Instant.EPOCH), at);
    }

    static byte[] filesDocument(Set<String> files) {
        ObjectNode o = Json.object();
        ObjectNode f = o.putObject("files");
        for (String name : files) {
            f.putObject(name);
        }
        return Json.bytes(o);
    }

    /** The file names of {@code {"files":{name:{}...}}}; names that are not valid files are left out. */
    static Set<String> readFiles(JsonNode doc) {
        Set<String> out = new TreeSet<>();
        JsonNode files = doc.path("files");
        if (files.isObject()) {
            files.fieldNames().forEachRemaining(name -> {
                try {
                    out.add(ConanRef.fileName(name));
                } catch (RuntimeException e) {
                    // an upstream's odd name is not served
                }
            });
        }
        return out;
    }

    // ------------------------------------------------------------------ one recipe in a hosted repository

    /** A package revision: its files and when its manifest arrived (null: incomplete). */
    record PackageRev(String prev, Instant time, Set<String> files) {
    }

    /** A recipe revision: its files, when its manifest arrived (null: incomplete), its packages. */
    record RecipeRev(String rrev, Instant time, Set<String> files, Map<String, Map<String, PackageRev>> packages) {
        /** The complete revisions of a package, newest first. */
        List<Rev> packageRevisions(String pkgid) {
            List<Rev> out = new ArrayList<>();
            for (PackageRev p : packages.getOrDefault(pkgid, Map.of()).values()) {
                if (p.time() != null) {
                    out.add(Rev.of(p.prev(), p.time()));
                }
            }
            out.sort(NEWEST_FIRST);
            return out;
        }
    }

    /** What a hosted repository holds of one recipe, from a listing below {@link #revisionsPrefix}. */
    record RecipeScan(Map<String, RecipeRev> revisions) {
        /** The complete revisions, newest first. */
        List<Rev> complete() {
            List<Rev> out = new ArrayList<>();
            for (RecipeRev r : revisions.values()) {
                if (r.time() != null) {
                    out.add(Rev.of(r.rrev(), r.time()));
                }
            }
            out.sort(NEWEST_FIRST);
            return out;
        }

        boolean isComplete(String rrev) {
            RecipeRev r = revisions.get(rrev);
            return r != null && r.time() != null;
        }
    }

    static RecipeScan scan(String prefix, List<StoredAsset> assets) {
        Map<String, Set<String>> recipeFiles = new TreeMap<>();
        Map<String, Instant> recipeTimes = new TreeMap<>();
        Map<String, Map<String, Map<String, Set<String>>>> pkgFiles = new TreeMap<>();
        Map<String, Instant> pkgTimes = new TreeMap<>();
        for (StoredAsset a : assets) {
            if (!a.path().startsWith(prefix)) {
                continue;
            }
            String[] p = a.path().substring(prefix.length()).split("/", 7);
            if (p.length >= 3 && p[1].equals("files")) {
                String file = String.join("/", java.util.Arrays.copyOfRange(p, 2, p.length));
                recipeFiles.computeIfAbsent(p[0], k -> new TreeSet<>()).add(file);
                if (file.equals(MANIFEST)) {
                    recipeTimes.put(p[0], a.createdAt());
                }
            } else if (p.length == 7 && p[1].equals("packages") && p[3].equals("revisions") && p[5].equals("files")) {
                pkgFiles.computeIfAbsent(p[0], k -> new TreeMap<>()).computeIfAbsent(p[2], k -> new TreeMap<>())
                        .computeIfAbsent(p[4], k -> new TreeSet<>()).add(p[6]);
                if (p[6].equals(MANIFEST)) {
                    pkgTimes.put(p[0] + "/" + p[2] + "/" + p[4], a.createdAt());
                }
            }
        }
        Set<String> rrevs = new LinkedHashSet<>(recipeFiles.keySet());
        rrevs.addAll(pkgFiles.keySet());
        Map<String, RecipeRev> out = new LinkedHashMap<>();
        for (String rrev : rrevs) {
            Map<String, Map<String, PackageRev>> packages = new TreeMap<>();
            pkgFiles.getOrDefault(rrev, Map.of()).forEach((pkgid, prevs) -> {
                Map<String, PackageRev> m = new TreeMap<>();
                prevs.forEach((prev, files) -> m.put(prev, new PackageRev(prev,
                        pkgTimes.get(rrev + "/" + pkgid + "/" + prev), files)));
                packages.put(pkgid, m);
            });
            out.put(rrev, new RecipeRev(rrev, recipeTimes.get(rrev), recipeFiles.getOrDefault(rrev, Set.of()), packages));
        }
        return new RecipeScan(out);
    }

    /** The recipes a hosted repository holds, from a listing below {@link #ROOT}. */
    static Set<ConanRef> recipes(List<StoredAsset> assets) {
        Set<String> seen = new TreeSet<>();
        Set<ConanRef> out = new LinkedHashSet<>();
        for (StoredAsset a : assets) {
            if (!a.path().startsWith(ROOT)) {
                continue;
            }
            String[] p = a.path().substring(ROOT.length()).split("/", 6);
            if (p.length < 6 || !p[4].equals("revisions") || !seen.add(p[0] + "/" + p[1] + "/" + p[2] + "/" + p[3])) {
                continue;
            }
            try {
                out.add(ConanRef.of(p[0], p[1], p[2], p[3]));
            } catch (RuntimeException e) {
                // not a recipe path
            }
        }
        return out;
    }
}
