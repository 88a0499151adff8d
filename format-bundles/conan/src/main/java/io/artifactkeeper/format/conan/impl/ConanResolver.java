package io.artifactkeeper.format.conan.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.conan.impl.ConanIndex.RecipeRev;
import io.artifactkeeper.format.conan.impl.ConanIndex.Rev;
import io.artifactkeeper.format.support.DocumentCache;
import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.format.support.Members;

/**
 * The API's answers over a repository of any type, each lookup written once for a hosted repository
 * (from what it stores, generated once per change through the {@link DocumentCache}) and once for a
 * remote one (the upstream's own document, cached as metadata by the core); {@link Members} asks a
 * virtual repository's members: revision lists are merged (newest first), files come from the first
 * member that has the revision, package searches are merged by package id.
 */
final class ConanResolver {
    static final long MAX_UPSTREAM_DOCUMENT = 16L << 20;
    private static final byte[] NONE = new byte[0];

    private final DocumentCache documents;

    ConanResolver(DocumentCache documents) {
        this.documents = documents;
    }

    // ------------------------------------------------------------------ recipes

    /** Every revision of {@code ref} across the repository, newest first; empty when none has it. */
    List<Rev> recipeRevisions(RepositoryContext repo, ConanRef ref) throws IOException {
        return ConanIndex.merge(Members.values(repo, Members.bySource(h -> nonEmpty(hostedRevisions(h, ref)),
                r -> upstream(r, ConanIndex.recipeRoot(ref) + "revisions").map(ConanIndex::readRevisions)
                        .flatMap(ConanResolver::nonEmpty))));
    }

    /** The newest revision of {@code ref}: each member's latest, the newest of those. */
    Optional<Rev> recipeLatest(RepositoryContext repo, ConanRef ref) throws IOException {
        List<Rev> each = Members.values(repo, Members.bySource(h -> hostedRevisions(h, ref).stream().findFirst(),
                r -> upstream(r, ConanIndex.recipeRoot(ref) + "latest").map(ConanIndex::readRev)));
        return ConanIndex.merge(List.of(each)).stream().findFirst();
    }

    /** The files of a recipe revision, from the first member that has it. */
    Optional<Set<String>> recipeFiles(RepositoryContext repo, ConanRef ref, String rrev) throws IOException {
        String prefix = ConanIndex.recipeRevision(ref, rrev);
        return Members.first(repo, Members.bySource(h -> hostedFiles(h, prefix, "rfiles:"),
                r -> upstream(r, prefix + "files").map(ConanIndex::readFiles).flatMap(ConanResolver::nonEmptySet)));
    }

    // ------------------------------------------------------------------ packages

    List<Rev> packageRevisions(RepositoryContext repo, ConanRef ref, String rrev, String pkgid) throws IOException {
        String prefix = ConanIndex.packagePrefix(ref, rrev, pkgid);
        return ConanIndex.merge(Members.values(repo, Members.bySource(
                h -> nonEmpty(hostedPackageRevisions(h, ref, rrev, pkgid)),
                r -> upstream(r, prefix + "revisions").map(ConanIndex::readRevisions).flatMap(ConanResolver::nonEmpty))));
    }

    Optional<Rev> packageLatest(RepositoryContext repo, ConanRef ref, String rrev, String pkgid) throws IOException {
        String prefix = ConanIndex.packagePrefix(ref, rrev, pkgid);
        List<Rev> each = Members.values(repo, Members.bySource(
                h -> hostedPackageRevisions(h, ref, rrev, pkgid).stream().findFirst(),
                r -> upstream(r, prefix + "latest").map(ConanIndex::readRev)));
        return ConanIndex.merge(List.of(each)).stream().findFirst();
    }

    Optional<Set<String>> packageFiles(RepositoryContext repo, ConanRef ref, String rrev, String pkgid, String prev)
            throws IOException {
        String prefix = ConanIndex.packageRevision(ref, rrev, pkgid, prev);
        return Members.first(repo, Members.bySource(h -> hostedFiles(h, prefix, "pfiles:"),
                r -> upstream(r, prefix + "files").map(ConanIndex::readFiles).flatMap(ConanResolver::nonEmptySet)));
    }

    /**
     * The packages of a recipe revision, by package id, each with its latest revision's
     * {@code conaninfo.txt} ({@code content}, as Conan 2 reads it) and its settings, options and
     * requires (as older clients read them); empty when no member has the revision.
     */
    Optional<ObjectNode> packages(RepositoryContext repo, ConanRef ref, String rrev) throws IOException {
        String prefix = ConanIndex.recipeRevision(ref, rrev);
        List<JsonNode> found = Members.values(repo, Members.bySource(h -> hostedPackages(h, ref, rrev),
                r -> upstream(r, prefix + "search")));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode merged = Json.object();
        for (JsonNode n : found) {
            n.fields().forEachRemaining(e -> {
                if (e.getValue().isObject() && e.getKey().matches("[a-zA-Z0-9]{1,64}") && !merged.has(e.getKey())) {
                    merged.set(e.getKey(), e.getValue());
                }
            });
        }
        return Optional.of(merged);
    }

    // ------------------------------------------------------------------ search

    /** The recipes matching a search, across the repository, sorted. */
    List<ConanRef> search(RepositoryContext repo, String pattern, boolean ignoreCase) throws IOException {
        ConanSearch search = new ConanSearch(pattern, ignoreCase);
        TreeMap<String, ConanRef> all = new TreeMap<>();
        for (List<ConanRef> refs : Members.values(repo, Members.bySource(h -> Optional.of(hostedRecipes(h)),
                r -> upstreamSearch(r, pattern == null ? "" : pattern, ignoreCase)))) {
            for (ConanRef ref : refs) {
                if (search.matches(ref)) {
                    all.putIfAbsent(ref.display(), ref);
                }
            }
        }
        return new ArrayList<>(all.values());
    }

    // ------------------------------------------------------------------ hosted

    /** The complete revisions a hosted repository holds, newest first; generated once per change. */
    List<Rev> hostedRevisions(RepositoryContext h, ConanRef ref) throws IOException {
        String prefix = ConanIndex.revisionsPrefix(ref);
        byte[] doc = documents.get(h, prefix, "revisions:" + ref.path(),
                () -> ConanIndex.revisionsDocument(ConanIndex.scan(prefix, h.list(prefix)).complete())).bytes();
        return ConanIndex.readRevisions(Json.readStored(new java.io.ByteArrayInputStream(doc)));
    }

    private List<Rev> hostedPackageRevisions(RepositoryContext h, ConanRef ref, String rrev, String pkgid)
            throws IOException {
        String prefix = ConanIndex.packagePrefix(ref, rrev, pkgid);
        byte[] doc = documents.get(h, prefix, "package-revisions:" + prefix, () -> {
            RecipeRev r = ConanIndex.scan(ConanIndex.revisionsPrefix(ref), h.list(prefix)).revisions().get(rrev);
            return ConanIndex.revisionsDocument(r == null ? List.of() : r.packageRevisions(pkgid));
        }).bytes();
        return ConanIndex.readRevisions(Json.readStored(new java.io.ByteArrayInputStream(doc)));
    }

    /** The files below {@code prefix + "files/"}, or empty when there are none. */
    private Optional<Set<String>> hostedFiles(RepositoryContext h, String prefix, String kind) throws IOException {
        String files = prefix + "files/";
        byte[] doc = documents.get(h, files, kind + files, () -> {
            Set<String> names = new TreeSet<>();
            for (StoredAsset a : h.list(files)) {
                names.add(a.path().substring(files.length()));
            }
            return names.isEmpty() ? NONE : ConanIndex.filesDocument(names);
        }).bytes();
        return doc.length == 0 ? Optional.empty()
                : Optional.of(ConanIndex.readFiles(Json.readStored(new java.io.ByteArrayInputStream(doc))));
    }

    /** The package search of a recipe revision a hosted repository holds; empty when it lacks the revision. */
    private Optional<JsonNode> hostedPackages(RepositoryContext h, ConanRef ref, String rrev) throws IOException {
        String prefix = ConanIndex.recipeRevision(ref, rrev);
        byte[] doc = documents.get(h, prefix, "packages:" + prefix, () -> {
            RecipeRev r = ConanIndex.scan(ConanIndex.revisionsPrefix(ref), h.list(prefix)).revisions().get(rrev);
            if (r == null) {
                return NONE;
            }
            ObjectNode out = Json.object();
            for (String pkgid : r.packages().keySet()) {
                List<Rev> prevs = r.packageRevisions(pkgid);
                if (prevs.isEmpty()) {
                    continue;
                }
                Optional<StoredAsset> info = h.get(ConanIndex.packageFile(ref, rrev, pkgid, prevs.get(0).revision(),
                        ConanIndex.INFO));
                if (info.isEmpty()) {
                    continue;
                }
                byte[] text;
                try (InputStream in = info.get().open()) {
                    text = in.readNBytes(ConanInfo.MAX_BYTES + 1);
                }
                out.set(pkgid, packageEntry(text));
            }
            return Json.bytes(out);
        }).bytes();
        return doc.length == 0 ? Optional.empty() : Optional.of(Json.readStored(new java.io.ByteArrayInputStream(doc)));
    }

    /** One package in a search answer: the raw conaninfo.txt and what it says. */
    static ObjectNode packageEntry(byte[] conaninfo) {
        ObjectNode o = Json.object();
        String text = new String(conaninfo, StandardCharsets.UTF_8);
        o.put("content", text);
        try {
            ConanInfo info = ConanInfo.parse(conaninfo);
            ObjectNode settings = o.putObject("settings");
            info.keyed("settings").forEach(settings::put);
            ObjectNode options = o.putObject("options");
            info.keyed("options").forEach(options::put);
            ArrayNode requires = o.putArray("requires");
            info.lines("requires").forEach(requires::add);
        } catch (RuntimeException e) {
            // stored before it was checked: the raw content is still what Conan 2 reads
        }
        return o;
    }

    private List<ConanRef> hostedRecipes(RepositoryContext h) throws IOException {
        byte[] doc = documents.get(h, ConanIndex.ROOT, "recipes", () -> {
            StringBuilder b = new StringBuilder();
            for (ConanRef r : ConanIndex.recipes(h.list(ConanIndex.ROOT))) {
                b.append(r.path()).append('\n');
            }
            return b.toString().getBytes(StandardCharsets.UTF_8);
        }).bytes();
        List<ConanRef> out = new ArrayList<>();
        for (String line : new String(doc, StandardCharsets.UTF_8).split("\n")) {
            String[] p = line.split("/");
            if (p.length == 4) {
                out.add(ConanRef.of(p[0], p[1], p[2], p[3]));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ remote

    /** The upstream's API document at {@code apiPath}, fetched and cached as metadata; empty on its 404. */
    static Optional<JsonNode> upstream(RepositoryContext remote, String apiPath) throws IOException {
        Optional<StoredAsset> a = remote.get(ConanProxyPolicy.documentPath(apiPath));
        if (a.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = a.get().open()) {
            return Optional.of(Json.readUpstream(in, MAX_UPSTREAM_DOCUMENT, "the upstream's " + apiPath));
        }
    }

    private static Optional<List<ConanRef>> upstreamSearch(RepositoryContext remote, String pattern, boolean ignoreCase)
            throws IOException {
        Optional<StoredAsset> a = remote.get(ConanProxyPolicy.searchPath(pattern, ignoreCase));
        if (a.isEmpty()) {
            return Optional.empty();
        }
        JsonNode doc;
        try (InputStream in = a.get().open()) {
            doc = Json.readUpstream(in, MAX_UPSTREAM_DOCUMENT, "the upstream's search answer");
        }
        List<ConanRef> out = new ArrayList<>();
        for (JsonNode n : doc.path("results")) {
            try {
                out.add(ConanRef.parse(n.asText()));
            } catch (RuntimeException e) {
                // an upstream's malformed reference is left out
            }
        }
        return Optional.of(out);
    }

    private static Optional<List<Rev>> nonEmpty(List<Rev> revs) {
        return revs.isEmpty() ? Optional.empty() : Optional.of(revs);
    }

    private static Optional<Set<String>> nonEmptySet(Set<String> s) {
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }
}
