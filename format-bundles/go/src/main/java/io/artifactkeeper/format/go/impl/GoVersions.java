package io.artifactkeeper.format.go.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;

/**
 * A module's versions in a repository of any type: a hosted one lists the versions whose zip it
 * stores; a remote one asks its upstream ({@code @v/list}, {@code @latest}, cached as metadata); a
 * virtual one merges its members' lists and takes the highest {@code @latest} among them.
 */
final class GoVersions {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LIST_BYTES = 16 << 20;

    /** A resolved {@code @latest}: the .info document and the version it names. */
    record Latest(GoVersion version, byte[] info) {
    }

    private GoVersions() {
    }

    /** The versions the proxy lists (no pseudo-versions, as the protocol asks), in ascending order. */
    static List<String> list(RepositoryContext repo, GoRoute route) throws IOException {
        TreeSet<GoVersion> all = new TreeSet<>(GoVersion.ORDER);
        collect(repo, route, all);
        List<String> out = new ArrayList<>();
        for (GoVersion v : all) {
            out.add(v.text());
        }
        return out;
    }

    private static void collect(RepositoryContext repo, GoRoute route, TreeSet<GoVersion> into) throws IOException {
        switch (repo.type()) {
            case VIRTUAL -> {
                for (RepositoryContext m : repo.members()) {
                    try {
                        collect(m, route, into);
                    } catch (FormatException e) {
                        // a member that cannot answer (its upstream down with nothing cached) adds nothing
                    }
                }
            }
            case REMOTE -> {
                Optional<StoredAsset> a = repo.get(route.escapedModule() + "/@v/list");
                if (a.isPresent()) {
                    for (String line : readText(a.get(), MAX_LIST_BYTES).split("\n")) {
                        GoVersion.parseCanonical(line.trim()).filter(v -> !v.isPseudo()).ifPresent(into::add);
                    }
                }
            }
            default -> {
                for (GoVersion v : hosted(repo, route.module())) {
                    if (!v.isPseudo()) {
                        into.add(v);
                    }
                }
            }
        }
    }

    /** Versions whose zip a hosted repository stores, pseudo-versions included. */
    static List<GoVersion> hosted(RepositoryContext repo, String module) throws IOException {
        String prefix = GoModulePath.escape(module) + "/@v/";
        List<GoVersion> out = new ArrayList<>();
        for (StoredAsset a : repo.list(prefix)) {
            String rest = a.path().substring(prefix.length());
            if (rest.endsWith(".zip") && !rest.contains("/")) {
                GoModulePath.unescape(rest.substring(0, rest.length() - 4)).flatMap(GoVersion::parseCanonical)
                        .ifPresent(out::add);
            }
        }
        return out;
    }

    /**
     * {@code @latest}: the highest release, else the highest pre-release, else the highest
     * pseudo-version (what the go command would pick from the list), with its .info.
     */
    static Optional<Latest> latest(RepositoryContext repo, GoRoute route) throws IOException {
        switch (repo.type()) {
            case VIRTUAL -> {
                Latest best = null;
                for (RepositoryContext m : repo.members()) {
                    Optional<Latest> l;
                    try {
                        l = latest(m, route);
                    } catch (FormatException e) {
                        continue;
                    }
                    if (l.isPresent() && (best == null || preference().compare(l.get().version(), best.version()) > 0)) {
                        best = l.get();
                    }
                }
                return Optional.ofNullable(best);
            }
            case REMOTE -> {
                Optional<StoredAsset> a = repo.get(route.escapedModule() + "/@latest");
                if (a.isEmpty()) {
                    return Optional.empty();
                }
                byte[] info = readText(a.get(), 1 << 20).getBytes(StandardCharsets.UTF_8);
                return parseInfoVersion(info).map(v -> new Latest(v, info));
            }
            default -> {
                Optional<GoVersion> v = hosted(repo, route.module()).stream().max(preference());
                if (v.isEmpty()) {
                    return Optional.empty();
                }
                Optional<StoredAsset> info = repo.get(GoRoute.filePath(route.module(), v.get().text(), GoRoute.Kind.INFO));
                byte[] bytes = info.isPresent() ? readText(info.get(), 1 << 20).getBytes(StandardCharsets.UTF_8)
                        : info(v.get().text(), Instant.now());
                return Optional.of(new Latest(v.get(), bytes));
            }
        }
    }

    /** Releases above pre-releases above pseudo-versions, then by semver. */
    private static Comparator<GoVersion> preference() {
        return Comparator.<GoVersion>comparingInt(v -> v.isPseudo() ? 0 : v.isPrerelease() ? 1 : 2).thenComparing(GoVersion.ORDER);
    }

    static Optional<GoVersion> parseInfoVersion(byte[] info) {
        try {
            JsonNode n = JSON.readTree(info);
            return n != null && n.path("Version").isTextual() ? GoVersion.parseCanonical(n.get("Version").asText())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A .info document: {"Version":"v1.2.3","Time":"2024-01-02T03:04:05Z"}. */
    static byte[] info(String version, Instant time) {
        ObjectNode n = JSON.createObjectNode();
        n.put("Version", version);
        n.put("Time", time.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String readText(StoredAsset a, int max) throws IOException {
        if (a.size() > max) {
            throw new FormatException(502, "TOO_LARGE", a.path() + " is larger than " + max + " bytes");
        }
        try (InputStream in = a.open()) {
            return new String(in.readNBytes(max), StandardCharsets.UTF_8);
        }
    }
}
