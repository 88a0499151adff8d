package io.artifactkeeper.core.api;

import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.RepositoryType;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.core.CorePlatform;
import io.artifactkeeper.core.http.ApiException;
import io.artifactkeeper.core.http.AssetWriter;
import io.artifactkeeper.core.http.Exchange;
import io.artifactkeeper.core.http.Router;
import io.artifactkeeper.core.http.SafePath;
import io.artifactkeeper.core.http.NativeRoutes;
import io.artifactkeeper.api.format.RouteMatch;
import io.artifactkeeper.core.repo.FormatRegistry;
import io.artifactkeeper.core.security.Principal;
import io.artifactkeeper.core.store.ArtifactRecord;
import io.artifactkeeper.core.store.RepositoryRecord;
import io.artifactkeeper.core.store.RepositoryStore;

/** {@code /api/v1/repositories}, artifacts, {@code /api/v1/search}, {@code /api/v1/formats}. */
public final class RepositoryApi {
    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");

    private final CorePlatform core;
    private final FormatRegistry formats;

    public RepositoryApi(CorePlatform core, FormatRegistry formats) {
        this.core = core;
        this.formats = formats;
    }

    private RepositoryStore store() {
        return core.repositories();
    }

    public void register(Router r) {
        String base = "/api/v1/repositories";
        r.add("GET", base, this::list);
        r.add("POST", base, this::create);
        r.add("GET", base + "/{key}", ex -> ex.json(200, describe(readable(ex, ex.param("key")))));
        r.add("PUT", base + "/{key}", this::update);
        r.add("PATCH", base + "/{key}", this::update);
        r.add("DELETE", base + "/{key}", ex -> {
            RepositoryRecord repo = admin(ex, ex.param("key"), "delete:repositories");
            store().delete(repo.id());
            ex.noContent();
        });
        r.add("GET", base + "/{key}/members", ex -> {
            RepositoryRecord repo = readable(ex, ex.param("key"));
            ex.json(200, Exchange.list(members(repo)));
        });
        r.add("POST", base + "/{key}/members", ex -> {
            RepositoryRecord v = virtualForWrite(ex);
            Map<String, Object> b = ex.readJson();
            RepositoryRecord m = member(ex, v, Exchange.field(b, "member_key", String.class, true));
            Integer prio = Exchange.field(b, "priority", Integer.class, false);
            store().putMember(v.id(), m.id(), prio == null ? nextPriority(v) : prio);
            ex.json(201, Exchange.list(members(v)));
        });
        r.add("PUT", base + "/{key}/members", ex -> {
            RepositoryRecord v = virtualForWrite(ex);
            Map<String, Object> b = ex.readJson();
            if (!(b.get("members") instanceof List<?> list)) {
                throw ApiException.badRequest("members must be a list of {member_key, priority}");
            }
            Map<UUID, Integer> set = new LinkedHashMap<>();
            int i = 0;
            for (Object o : list) {
                if (!(o instanceof Map<?, ?> mm)) {
                    throw ApiException.badRequest("members must be a list of {member_key, priority}");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) mm;
                RepositoryRecord rec = member(ex, v, Exchange.field(m, "member_key", String.class, true));
                Integer prio = Exchange.field(m, "priority", Integer.class, false);
                set.put(rec.id(), prio == null ? ++i * 10 : prio);
            }
            store().replaceMembers(v.id(), set);
            ex.json(200, Exchange.list(members(v)));
        });
        r.add("DELETE", base + "/{key}/members/{member}", ex -> {
            RepositoryRecord v = virtualForWrite(ex);
            RepositoryRecord m = store().find(ex.param("member")).orElseThrow(() -> ApiException.notFound("no repository "
                    + ex.param("member")));
            if (!store().removeMember(v.id(), m.id())) {
                throw ApiException.notFound(m.key() + " is not a member of " + v.key());
            }
            ex.noContent();
        });

        // artifacts
        r.add("GET", base + "/{key}/artifacts", this::listArtifacts);
        r.add("PUT", base + "/{key}/artifacts/{path+}", this::upload);
        r.add("POST", base + "/{key}/artifacts/{path+}", this::upload);
        r.add("GET", base + "/{key}/artifacts/{path+}", ex -> {
            RepositoryRecord repo = readable(ex, ex.param("key"));
            StoredAsset a = resolve(ex, repo, SafePath.check(ex.param("path")));
            ex.json(200, assetJson(a, repo));
        });
        r.add("DELETE", base + "/{key}/artifacts/{path+}", ex -> {
            RepositoryRecord repo = authorized(ex, ex.param("key"), Access.DELETE);
            String path = SafePath.check(ex.param("path"));
            if (!context(ex, repo).delete(path)) {
                throw ApiException.notFound("no artifact " + path + " in " + repo.key());
            }
            ex.noContent();
        });
        r.add("GET", base + "/{key}/download/{path+}", ex -> {
            RepositoryRecord repo = readable(ex, ex.param("key"));
            StoredAsset a = resolve(ex, repo, SafePath.check(ex.param("path")));
            String file = a.path().substring(a.path().lastIndexOf('/') + 1).replace("\"", "");
            ex.response().setHeader("Content-Disposition", "attachment; filename=\"" + file + "\"");
            AssetWriter.write(ex.request(), ex.response(), a, null, ex.method().equals("HEAD"));
        });

        // search
        r.add("GET", "/api/v1/search/quick", ex -> {
            String q = ex.query("q");
            if (q == null) {
                throw ApiException.badRequest("q is required");
            }
            int perPage = ex.queryInt("per_page", ex.queryInt("limit", 20, 1, 500), 1, 500);
            int page = ex.queryInt("page", 1, 1, 1_000_000);
            List<Map<String, Object>> items = new ArrayList<>();
            for (Map.Entry<ArtifactRecord, String> e : store().search(q, readableRepoIds(ex), (page - 1) * perPage, perPage)) {
                items.add(searchHit(e));
            }
            ex.json(200, Exchange.list(items));
        });
        r.add("GET", "/api/v1/search/checksum", ex -> {
            String sha = ex.query("sha256");
            if (sha == null) {
                sha = ex.query("checksum");
            }
            String d = io.artifactkeeper.api.storage.BlobRef.normalize(sha);
            if (d == null) {
                throw ApiException.badRequest("sha256 must be 64 hex characters");
            }
            List<Map<String, Object>> items = new ArrayList<>();
            for (Map.Entry<ArtifactRecord, String> e : store().findByChecksum(d, readableRepoIds(ex))) {
                items.add(searchHit(e));
            }
            ex.json(200, Exchange.list(items));
        });

        // formats
        r.add("GET", "/api/v1/formats", ex -> {
            List<Map<String, Object>> items = new ArrayList<>();
            for (FormatRegistry.Entry e : formats.all()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("key", e.descriptor().key());
                m.put("format_key", e.descriptor().key());
                m.put("aliases", e.descriptor().aliases());
                m.put("mount", "/" + FormatRegistry.mountPath(e.descriptor()));
                m.put("mount_aliases", e.descriptor().mountAliases().stream().map(a -> "/" + a).toList());
                m.put("routes", e.routes().routes().stream().map(rt -> Map.of("name", rt.name(), "methods",
                        List.copyOf(new java.util.TreeSet<>(rt.methods())), "template", rt.template(), "access",
                        rt.access().name().toLowerCase(java.util.Locale.ROOT))).toList());
                m.put("display_name", e.descriptor().displayName());
                m.put("extensions", e.descriptor().extensions());
                m.put("is_enabled", true);
                m.put("bundle", e.bundle() == null ? null : e.bundle().getSymbolicName());
                m.put("bundle_version", e.bundle() == null ? null : e.bundle().getVersion().toString());
                items.add(m);
            }
            ex.json(200, Exchange.list(items));
        });

        r.add("POST", "/api/v1/admin/gc", ex -> {
            ex.requireAdmin();
            String grace = ex.query("grace_minutes");
            ex.json(200, grace == null ? core.collector().collect()
                    : core.collector().collect(java.time.Duration.ofMinutes(ex.queryInt("grace_minutes", 60, 0, 100_000))));
        });
    }

    private static Map<String, Object> searchHit(Map.Entry<ArtifactRecord, String> e) {
        Map<String, Object> m = e.getKey().toJson();
        m.put("repository_key", e.getValue());
        m.put("format_path", e.getKey().path());
        return m;
    }

    private List<UUID> readableRepoIds(Exchange ex) {
        Principal p = ex.principal().orElse(null);
        List<UUID> ids = new ArrayList<>();
        for (RepositoryRecord r : store().list(null, null)) {
            if (core.access().allowed(p, r, Access.READ)) {
                ids.add(r.id());
            }
        }
        return ids;
    }

    private void list(Exchange ex) throws Exception {
        Principal p = ex.principal().orElse(null);
        String type = ex.query("repo_type");
        if (type == null) {
            type = ex.query("type");
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (RepositoryRecord r : store().list(ex.query("format"), type)) {
            if (core.access().allowed(p, r, Access.READ)) {
                items.add(describe(r));
            }
        }
        int perPage = ex.queryInt("per_page", 1000, 1, 1000);
        int page = ex.queryInt("page", 1, 1, 1_000_000);
        int from = Math.min(items.size(), (page - 1) * perPage);
        int to = Math.min(items.size(), from + perPage);
        ex.json(200, Exchange.page(items.subList(from, to), items.size(), page, perPage));
    }

    private Map<String, Object> describe(RepositoryRecord r) {
        Map<String, Object> m = r.toJson();
        m.put("storage_used_bytes", store().usedBytes(r.id()));
        m.put("format_active", formats.byKey(r.format()).isPresent());
        if (r.type() == RepositoryType.VIRTUAL) {
            m.put("members", members(r));
        }
        return m;
    }

    private List<Map<String, Object>> members(RepositoryRecord v) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RepositoryStore.Member m : store().members(v.id())) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("member_key", m.repository().key());
            x.put("member_id", m.repository().id().toString());
            x.put("repo_type", m.repository().type().wireName());
            x.put("format", m.repository().format());
            x.put("priority", m.priority());
            out.add(x);
        }
        return out;
    }

    private int nextPriority(RepositoryRecord v) {
        return store().members(v.id()).stream().mapToInt(RepositoryStore.Member::priority).max().orElse(0) + 10;
    }

    private void create(Exchange ex) throws Exception {
        Principal p = ex.requirePrincipal();
        if (!p.admin() || !p.hasScope("write:repositories")) {
            throw ApiException.forbidden("creating repositories needs administrator rights");
        }
        Map<String, Object> b = ex.readJson();
        String key = Exchange.field(b, "key", String.class, true);
        if (!KEY.matcher(key).matches()) {
            throw ApiException.badRequest("key must match " + KEY.pattern());
        }
        String format = Exchange.field(b, "format", String.class, true).toLowerCase(Locale.ROOT);
        String formatKey = Exchange.field(b, "format_key", String.class, false);
        if ("generic".equals(format) && formatKey != null && !formatKey.isBlank()) {
            format = formatKey.toLowerCase(Locale.ROOT);
        }
        if (formats.byKey(format).isEmpty()) {
            throw ApiException.badRequest("unknown format '" + format + "'; installed formats: " + formats.knownKeys());
        }
        String typeName = Exchange.field(b, "repo_type", String.class, false);
        if (typeName == null) {
            typeName = Exchange.field(b, "type", String.class, false);
        }
        RepositoryType type;
        try {
            type = typeName == null ? RepositoryType.LOCAL : RepositoryType.fromWire(typeName);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("repo_type must be local, remote, virtual or staging");
        }
        String upstream = Exchange.field(b, "upstream_url", String.class, false);
        if (type == RepositoryType.REMOTE) {
            checkUpstream(upstream);
        }
        if (store().find(key).isPresent()) {
            throw ApiException.conflict("repository " + key + " exists");
        }
        Long quota = Exchange.field(b, "quota_bytes", Long.class, false);
        if (quota != null && quota < 0) {
            throw ApiException.badRequest("quota_bytes must not be negative");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> settings = Exchange.field(b, "settings", Map.class, false);
        String name = Exchange.field(b, "name", String.class, false);
        RepositoryRecord r;
        try {
            r = store().create(key, name == null ? key : name, Exchange.field(b, "description", String.class, false),
                    format, type, Boolean.TRUE.equals(Exchange.field(b, "is_public", Boolean.class, false)), upstream,
                    quota, settings == null ? Map.of() : RepositoryRecord.mergeWriteOnly(settings, null));
        } catch (RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains("repositories_key_key")) {
                throw ApiException.conflict("repository " + key + " exists");
            }
            throw e;
        }
        ex.json(201, describe(r));
    }

    private static void checkUpstream(String upstream) {
        if (upstream == null || upstream.isBlank()) {
            throw ApiException.badRequest("upstream_url is required for a remote repository");
        }
        try {
            URI u = URI.create(upstream);
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                    || u.getHost() == null) {
                throw ApiException.badRequest("upstream_url must be an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("upstream_url is not a URL: " + e.getMessage());
        }
    }

    private void update(Exchange ex) throws Exception {
        RepositoryRecord repo = admin(ex, ex.param("key"), "write:repositories");
        Map<String, Object> b = ex.readJson();
        String upstream = Exchange.field(b, "upstream_url", String.class, false);
        if (upstream != null) {
            checkUpstream(upstream);
            // where the server fetches from is a server-wide concern (what it can reach, whose
            // credentials go where): not a repository administrator's to change
            Principal p = ex.requirePrincipal();
            if (!upstream.equals(repo.upstreamUrl()) && !(p.admin() && p.hasScope("write:repositories"))) {
                throw ApiException.forbidden("changing upstream_url needs administrator rights");
            }
        }
        if (b.containsKey("key") && !repo.key().equals(b.get("key"))) {
            throw ApiException.badRequest("a repository's key cannot change");
        }
        if (b.containsKey("format") && !repo.format().equals(String.valueOf(b.get("format")).toLowerCase(Locale.ROOT))) {
            throw ApiException.badRequest("a repository's format cannot change");
        }
        Boolean makePublic = Exchange.field(b, "is_public", Boolean.class, false);
        if (Boolean.TRUE.equals(makePublic) && !repo.isPublic()) {
            checkMayPublish(ex.requirePrincipal(), repo);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> settings = Exchange.field(b, "settings", Map.class, false);
        store().update(repo.id(), Exchange.field(b, "name", String.class, false),
                Exchange.field(b, "description", String.class, false), Exchange.field(b, "is_public", Boolean.class, false),
                upstream, Exchange.field(b, "quota_bytes", Long.class, false),
                RepositoryRecord.mergeWriteOnly(settings, repo.settings()));
        ex.json(200, describe(store().find(repo.id()).orElseThrow()));
    }

    /**
     * Publishing opens a repository to anonymous readers, which a repository-level admin may not
     * decide alone: it takes a global administrator, or for a virtual repository admin rights on it
     * and on every member (anonymous callers never read a private member through it anyway).
     */
    private void checkMayPublish(Principal p, RepositoryRecord repo) {
        if (p.admin() && p.hasScope("write:repositories")) {
            return;
        }
        if (repo.type() == RepositoryType.VIRTUAL && core.access().allowed(p, repo, Access.ADMIN)
                && store().members(repo.id()).stream().allMatch(m -> core.access().allowed(p, m.repository(), Access.ADMIN))) {
            return;
        }
        throw ApiException.forbidden("making " + repo.key() + " public needs administrator rights"
                + (repo.type() == RepositoryType.VIRTUAL ? " (or admin on every member)" : ""));
    }

    private void listArtifacts(Exchange ex) throws Exception {
        RepositoryRecord repo = readable(ex, ex.param("key"));
        int perPage = ex.queryInt("per_page", 50, 1, 1000);
        int page = ex.queryInt("page", 1, 1, 1_000_000);
        String q = ex.query("q");
        String prefix = ex.query("path_prefix");
        List<Map<String, Object>> items = new ArrayList<>();
        for (ArtifactRecord a : store().listArtifacts(repo.id(), prefix, q, (page - 1) * perPage, perPage)) {
            Map<String, Object> m = a.toJson();
            m.put("repository_key", repo.key());
            items.add(m);
        }
        ex.json(200, Exchange.page(items, store().countArtifacts(repo.id(), prefix, q), page, perPage));
    }

    private void upload(Exchange ex) throws Exception {
        RepositoryRecord repo = authorized(ex, ex.param("key"), Access.WRITE);
        String path = SafePath.check(ex.param("path"));
        if (path.isEmpty() || path.endsWith("/")) {
            throw ApiException.badRequest("an artifact path names a file");
        }
        RepositoryContext ctx = context(ex, repo);
        FormatRegistry.Entry f = entry(repo);
        Optional<RouteMatch> route = NativeRoutes.route(f, "PUT", path);
        if (route.isPresent()) {
            // the same rules as the native route: through it, never around it
            if (!core.access().allowed(ex.principal().orElse(null), repo, route.get().route().access())) {
                throw ApiException.forbidden("no " + route.get().route().access().name().toLowerCase(Locale.ROOT)
                        + " permission on " + repo.key());
            }
            if (!route.get().route().allowedOnAnyRepositoryType() && !repo.type().hosted()) {
                throw repo.type() == RepositoryType.REMOTE
                        ? new ApiException(405, "METHOD_NOT_ALLOWED", repo.key() + " is a remote repository")
                        : ApiException.badRequest(repo.key() + " is a virtual repository; write to one of its members");
            }
            NativeRoutes.Outcome o = NativeRoutes.dispatch(ex, f, ctx, route.get(), path,
                    ex.principal().map(Principal::toCaller).orElse(io.artifactkeeper.api.format.Caller.anonymous()));
            if (!o.ok()) {
                throw new ApiException(o.status(), o.status() == 409 ? "CONFLICT" : o.status() == 403 ? "FORBIDDEN"
                        : o.status() == 404 ? "NOT_FOUND" : "REJECTED_BY_FORMAT", o.message().isBlank()
                                ? "the " + f.descriptor().key() + " format refused the upload (" + o.status() + ")"
                                : o.message().trim());
            }
            Optional<StoredAsset> stored = ctx.peek(path);
            if (stored.isPresent()) {
                ex.json(201, assetJson(stored.get(), repo));
            } else {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("path", path);
                m.put("repository_key", repo.key());
                m.put("native_status", o.status());
                ex.json(201, m);
            }
            return;
        }
        String sha256 = header(ex, "X-Checksum-Sha256");
        String sha1 = header(ex, "X-Checksum-Sha1");
        String md5 = header(ex, "X-Checksum-Md5");
        StoredAsset a;
        try (InputStream in = ex.request().getInputStream()) {
            a = ctx.put(path, in, PutOptions.defaults().withExpectedChecksums(sha256, sha1, md5));
        }
        ex.json(201, assetJson(a, repo));
    }

    private static String header(Exchange ex, String name) {
        String v = ex.request().getHeader(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private Map<String, Object> assetJson(StoredAsset a, RepositoryRecord repo) {
        if (a instanceof io.artifactkeeper.core.repo.StoredAssetImpl impl) {
            Map<String, Object> m = impl.record().toJson();
            m.put("repository_key", a.repositoryKey());
            m.put("download_url", "/api/v1/repositories/" + repo.key() + "/download/" + a.path());
            return m;
        }
        throw new IllegalStateException("unexpected asset type");
    }

    private StoredAsset resolve(Exchange ex, RepositoryRecord repo, String path) throws Exception {
        return context(ex, repo).get(path).orElseThrow(() -> ApiException.notFound("no artifact " + path + " in " + repo.key()));
    }

    private FormatRegistry.Entry entry(RepositoryRecord repo) {
        return formats.awaitByKey(repo.format(), 60_000, 15_000).orElseThrow(() -> ApiException.unavailable(
                "format '" + repo.format() + "' of repository " + repo.key() + " is not installed"));
    }

    private RepositoryContext context(Exchange ex, RepositoryRecord repo) {
        FormatRegistry.Entry f = entry(repo);
        Principal p = ex.principal().orElse(null);
        return core.engine().open(repo, f.handler(), ex.serverUrl(), FormatRegistry.mountPath(f.descriptor()),
                p == null ? null : p.userId(), r -> core.access().allowed(p, r, Access.READ));
    }

    private RepositoryRecord find(String key) {
        return store().find(key).orElseThrow(() -> ApiException.notFound("no repository " + key));
    }

    /** The repository if the caller may read it; otherwise 404 for anonymous probing of private ones. */
    private RepositoryRecord readable(Exchange ex, String key) {
        return authorized(ex, key, Access.READ);
    }

    /**
     * The repository if the caller may do {@code access} on it. One the caller may not know about
     * answers 404 like a missing one (no existence oracle: API clients send credentials up front, so
     * no 401 challenge is needed); an anonymous write is 401 whether the repository exists or not.
     */
    private RepositoryRecord authorized(Exchange ex, String key, Access access) {
        Principal p = ex.principal().orElse(null);
        if (p == null && access != Access.READ) {
            throw ApiException.unauthorized("authentication required");
        }
        RepositoryRecord r = store().find(key).filter(x -> core.access().visible(p, x))
                .orElseThrow(() -> ApiException.notFound("no repository " + key));
        if (!core.access().allowed(p, r, access)) {
            if (p == null) {
                throw ApiException.unauthorized("authentication required");
            }
            throw ApiException.forbidden("no " + access.name().toLowerCase(Locale.ROOT) + " permission on " + key);
        }
        return r;
    }

    private RepositoryRecord admin(Exchange ex, String key, String scope) {
        Principal p = ex.requirePrincipal();
        RepositoryRecord r = store().find(key).filter(x -> core.access().visible(p, x))
                .orElseThrow(() -> ApiException.notFound("no repository " + key));
        if (!(p.admin() && p.hasScope(scope)) && !core.access().allowed(p, r, Access.ADMIN)) {
            throw ApiException.forbidden("no admin permission on " + key);
        }
        return r;
    }

    private RepositoryRecord virtualForWrite(Exchange ex) {
        RepositoryRecord v = admin(ex, ex.param("key"), "write:repositories");
        if (v.type() != RepositoryType.VIRTUAL) {
            throw ApiException.badRequest(v.key() + " is not a virtual repository");
        }
        return v;
    }

    /**
     * A repository to add to a virtual one. The caller must be able to read it: whoever may read the
     * virtual reads its members through it, so adding a member must not be a way to publish a
     * repository one cannot read oneself.
     */
    private RepositoryRecord member(Exchange ex, RepositoryRecord v, String key) {
        RepositoryRecord m = readable(ex, key);
        if (m.id().equals(v.id())) {
            throw ApiException.badRequest("a virtual repository cannot contain itself");
        }
        if (!formats.byKey(m.format()).map(e -> e.descriptor().answersTo(v.format())).orElse(m.format().equals(v.format()))) {
            throw ApiException.badRequest("member " + key + " has format " + m.format() + ", the virtual repository "
                    + v.format());
        }
        return m;
    }
}
