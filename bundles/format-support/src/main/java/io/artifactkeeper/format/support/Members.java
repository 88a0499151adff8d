package io.artifactkeeper.format.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.RepositoryType;

/**
 * Resolution over a repository of any type, written once: a local or remote repository answers for
 * itself; a virtual repository asks its members in priority order (nested virtual repositories
 * flattened, each repository asked once).
 *
 * <p>One policy for a member that fails: a member whose upstream is down or unreachable (a 5xx
 * {@link FormatException}, an {@link IOException}) is skipped, so that it never hides the others; a
 * 4xx (the request itself is wrong, or the caller may not do it) is raised at once. When no member
 * answers and at least one was skipped, the result is still empty: the caller's 404 then says "not
 * found in what could be asked".
 */
public final class Members {
    private Members() {
    }

    /**
     * A lookup that differs by where a repository's content comes from: a hosted repository answers
     * from what it stores (a generated index), a remote one from its upstream's own document (fetched
     * and cached with the metadata TTL by the core). The repository type is tested here, once, so that
     * formats do not.
     */
    public static <T> Lookup<T> bySource(Lookup<T> hosted, Lookup<T> remote) {
        return r -> r.type() == RepositoryType.REMOTE ? remote.in(r) : hosted.in(r);
    }

    /** A lookup in one (non-virtual) repository. */
    @FunctionalInterface
    public interface Lookup<T> {
        Optional<T> in(RepositoryContext repository) throws IOException;
    }

    /** What one repository answered. */
    public record Found<T>(RepositoryContext repository, T value) {
    }

    /** The first answer by priority; for a non-virtual repository, its own answer. */
    public static <T> Optional<T> first(RepositoryContext repo, Lookup<T> lookup) throws IOException {
        return firstFound(repo, lookup).map(Found::value);
    }

    /** As {@link #first}, with the repository that answered. */
    public static <T> Optional<Found<T>> firstFound(RepositoryContext repo, Lookup<T> lookup) throws IOException {
        if (repo.type() != RepositoryType.VIRTUAL) {
            return lookup.in(repo).map(v -> new Found<>(repo, v));
        }
        for (RepositoryContext m : leaves(repo)) {
            Optional<T> v;
            try {
                v = lookup.in(m);
            } catch (IOException | UncheckedIOException | FormatException e) {
                rethrowUnlessSkippable(e);
                continue;
            }
            if (v.isPresent()) {
                return Optional.of(new Found<>(m, v.get()));
            }
        }
        return Optional.empty();
    }

    /**
     * Every answer in priority order (for merging metadata: the first one wins where they overlap);
     * for a non-virtual repository, its own answer alone.
     */
    public static <T> List<Found<T>> all(RepositoryContext repo, Lookup<T> lookup) throws IOException {
        List<Found<T>> out = new ArrayList<>();
        if (repo.type() != RepositoryType.VIRTUAL) {
            lookup.in(repo).ifPresent(v -> out.add(new Found<>(repo, v)));
            return out;
        }
        for (RepositoryContext m : leaves(repo)) {
            try {
                lookup.in(m).ifPresent(v -> out.add(new Found<>(m, v)));
            } catch (IOException | UncheckedIOException | FormatException e) {
                rethrowUnlessSkippable(e);
            }
        }
        return out;
    }

    /** As {@link #all}, the values alone. */
    public static <T> List<T> values(RepositoryContext repo, Lookup<T> lookup) throws IOException {
        List<T> out = new ArrayList<>();
        for (Found<T> f : all(repo, lookup)) {
            out.add(f.value());
        }
        return out;
    }

    /**
     * The non-virtual repositories a request to {@code repo} resolves through, in order: {@code repo}
     * itself unless it is virtual; else its members depth first, each once.
     */
    public static List<RepositoryContext> leaves(RepositoryContext repo) {
        List<RepositoryContext> out = new ArrayList<>();
        collect(repo, out, new HashSet<>());
        return out;
    }

    private static void collect(RepositoryContext repo, List<RepositoryContext> out, Set<String> seen) {
        if (!seen.add(repo.key())) {
            return;
        }
        if (repo.type() != RepositoryType.VIRTUAL) {
            out.add(repo);
            return;
        }
        for (RepositoryContext m : repo.members()) {
            collect(m, out, seen);
        }
    }

    /** The first remote repository a request to {@code repo} resolves through, if any. */
    public static Optional<RepositoryContext> firstRemote(RepositoryContext repo) {
        for (RepositoryContext r : leaves(repo)) {
            if (r.type() == RepositoryType.REMOTE) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** Whether a member's failure is skipped: unreachable or a 5xx, never a 4xx. */
    public static boolean skippable(Throwable e) {
        if (e instanceof FormatException fe) {
            return fe.status() >= 500;
        }
        return e instanceof IOException || e instanceof UncheckedIOException;
    }

    private static void rethrowUnlessSkippable(Exception e) throws IOException {
        if (skippable(e)) {
            return;
        }
        if (e instanceof IOException io) {
            throw io;
        }
        throw (RuntimeException) e;
    }
}
