package io.artifactkeeper.format.go.impl;

import java.io.ByteArrayInputStream;
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

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.format.support.Members;

/**
 * A module's versions in a repository of any type, through {@link Members}: a hosted repository lists
 * the versions whose zip it stores; a remote one answers with its upstream's {@code @v/list} and
 * {@code @latest} (cached as metadata by the core); a virtual one merges its members' lists and takes
 * the highest {@code @latest} among them. A member that fails follows the one policy of
 * {@link Members} (unreachable or 5xx: skipped; 4xx: the answer).
 */
final class GoVersions {

    private static final int MAX_LIST_BYTES = 16 << 20;
    private static final int MAX_INFO_BYTES = 1 << 20;

    /** A resolved {@code @latest}: the .info document and the version it names. */
    record Latest(GoVersion version, byte[] info) {
    }

    private GoVersions() {
    }

    /** The versions the proxy lists (no pseudo-versions, as the protocol asks), in ascending order. */
    static List<String> list(RepositoryContext repo, GoRoute route) throws IOException {
        TreeSet<GoVersion> all = new TreeSet<>(GoVersion.ORDER);
        for (List<GoVersion> vs : Members.values(repo, Members.bySource(
                hosted -> Optional.of(hosted(hosted, route.module())), remote -> upstreamList(remote, route)))) {
            for (GoVersion v : vs) {
                if (!v.isPseudo()) {
                    all.add(v);
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (GoVersion v : all) {
            out.add(v.text());
        }
        return out;
    }

    private static Optional<List<GoVersion>> upstreamList(RepositoryContext remote, GoRoute route) throws IOException {
        Optional<StoredAsset> a = remote.get(route.escapedModule() + "/@v/list");
        if (a.isEmpty()) {
            return Optional.empty();
        }
        List<GoVersion> out = new ArrayList<>();
        for (String line : readText(a.get(), MAX_LIST_BYTES).split("\n")) {
            GoVersion.parseCanonical(line.trim()).ifPresent(out::add);
        }
        return Optional.of(out);
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
        return Members.values(repo, Members.bySource(hosted -> hostedLatest(hosted, route), remote -> upstreamLatest(remote,
                route))).stream().max(Comparator.comparing(Latest::version, preference()));
    }

    private static Optional<Latest> upstreamLatest(RepositoryContext remote, GoRoute route) throws IOException {
        Optional<StoredAsset> a = remote.get(route.escapedModule() + "/@latest");
        if (a.isEmpty()) {
            return Optional.empty();
        }
        byte[] info = readText(a.get(), MAX_INFO_BYTES).getBytes(StandardCharsets.UTF_8);
        return parseInfoVersion(info).map(v -> new Latest(v, info));
    }

    private static Optional<Latest> hostedLatest(RepositoryContext hosted, GoRoute route) throws IOException {
        Optional<GoVersion> v = hosted(hosted, route.module()).stream().max(preference());
        if (v.isEmpty()) {
            return Optional.empty();
        }
        Optional<StoredAsset> info = hosted.get(GoRoute.filePath(route.module(), v.get().text(), GoRoute.Kind.INFO));
        byte[] bytes = info.isPresent() ? readText(info.get(), MAX_INFO_BYTES).getBytes(StandardCharsets.UTF_8)
                : info(v.get().text(), Instant.now());
        return Optional.of(new Latest(v.get(), bytes));
    }

    /** Releases above pre-releases above pseudo-versions, then by semver. */
    private static Comparator<GoVersion> preference() {
        return Comparator.<GoVersion>comparingInt(v -> v.isPseudo() ? 0 : v.isPrerelease() ? 1 : 2).thenComparing(GoVersion.ORDER);
    }

    /** The version an upstream's .info names; empty when it is not a .info document. */
    static Optional<GoVersion> parseInfoVersion(byte[] info) {
        try {
            JsonNode n = Json.readUpstream(new ByteArrayInputStream(info), MAX_INFO_BYTES, "an upstream .info");
            return n.path("Version").isTextual() ? GoVersion.parseCanonical(n.get("Version").asText()) : Optional.empty();
        } catch (FormatException | IOException e) {
            return Optional.empty();
        }
    }

    /** A .info document: {"Version":"v1.2.3","Time":"2024-01-02T03:04:05Z"}. */
    static byte[] info(String version, Instant time) {
        return Json.bytes(Json.object().put("Version", version)
                .put("Time", time.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()));
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
