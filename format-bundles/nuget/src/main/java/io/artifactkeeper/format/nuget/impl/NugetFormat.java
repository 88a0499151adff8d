package io.artifactkeeper.format.nuget.impl;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.AssetContent;
import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.FormatDescriptor;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.InvalidArtifactException;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.api.format.RouteMatch;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.DocumentCache;
import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.format.support.Members;

/**
 * NuGet under {@code /nuget/{repo}/} (Chocolatey and PowerShellGet repositories are the same format):
 * <ul>
 * <li>v3: {@code v3/index.json} (service index), {@code v3-flatcontainer/} (versions, .nupkg, .nuspec),
 * {@code v3/registration/{id}/index.json} and leaves, {@code v3/search}, {@code v3/autocomplete};</li>
 * <li>publishing: {@code PUT api/v2/package} (also at the root, where NuGet 2 pushes for a source without
 * that suffix), unlist {@code DELETE api/v2/package/{id}/{version}}, relist {@code POST} there;</li>
 * <li>the v2 OData feed, at the root and under {@code api/v2/}: service document, {@code $metadata},
 * {@code Packages()}, {@code Packages(Id=,Version=)}, {@code FindPackagesById()}, {@code Search()},
 * {@code GetUpdates()}, downloads at {@code package/{id}/{version}}.</li>
 * </ul>
 */
@Component(property = FormatHandler.KEY_PROPERTY + "=nuget")
public final class NugetFormat implements FormatHandler {
    private static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("nuget", List.of("chocolatey", "powershell"),
            "nuget", "NuGet", List.of(".nupkg", ".nuspec"));
    private static final String JSON = "application/json; charset=utf-8";
    private static final String V2 = "{v2:(?:api/v2/)?}";
    private static final List<Route> ROUTES = List.of(
            Route.read("service-index", "v3/index.json").metadata(),
            Route.read("flat-versions", "v3-flatcontainer/{id}/index.json").metadata(),
            Route.read("flat-file", "v3-flatcontainer/{id}/{version}/{file}"),
            Route.of("flat-put", "PUT", "v3-flatcontainer/{id}/{version}/{file}", Access.WRITE),
            Route.read("registration", "v3/registration/{id}/index.json").metadata(),
            Route.read("registration-leaf", "v3/registration/{id}/{leaf:[^/]+\\.json}").metadata(),
            Route.read("search", "v3/search").metadata(),
            Route.read("autocomplete", "v3/autocomplete").metadata(),
            Route.of("push", "PUT", "{at:(?:api/v2/package/?)?}", Access.WRITE),
            // NuGet 2 GETs the push URL without credentials first, to follow redirects, before it PUTs there
            // with its key: a 401 there makes it ask for a password. It learns nothing but that the URL is one.
            Route.of("push-probe", "GET HEAD", "api/v2/package{slash:/?}", Access.NONE),
            Route.of("unlist", "DELETE", "api/v2/package/{id}/{version}", Access.DELETE),
            Route.of("relist", "POST", "api/v2/package/{id}/{version}", Access.WRITE),
            Route.read("v2-service", "{v2:(?:api/v2/?)?}").metadata(),
            Route.read("v2-metadata", V2 + "$metadata").metadata(),
            Route.read("v2-entry", V2 + "Packages(Id='{id}',Version='{version}')").metadata(),
            Route.read("v2-packages", V2 + "{fn:Packages|FindPackagesById|Search|GetUpdates}{args:(?:\\(\\))?}").metadata(),
            Route.read("v2-count", V2 + "{fn:Packages|FindPackagesById|Search|GetUpdates}{args:(?:\\(\\))?}/$count").metadata(),
            Route.read("v2-download", V2 + "package/{id}/{version}"));

    private static final Pattern ID_FILTER = Pattern.compile("(?i)(?:tolower\\(\\s*Id\\s*\\)|\\bId)\\s+eq\\s+'([^']*)'");

    private final DocumentCache documents = new DocumentCache();
    private final NugetCatalog catalog = new NugetCatalog();
    private final ProxyPolicy policy = new NugetProxyPolicy();

    @Override
    public FormatDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public List<Route> routes() {
        return ROUTES;
    }

    @Override
    public ProxyPolicy proxyPolicy() {
        return policy;
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        RouteMatch m = req.route();
        String base = repo.baseUrl();
        return switch (m.name()) {
            case "service-index" -> documents.get(repo.key() + "\0service-index", base, () -> NugetV3.serviceIndex(base))
                    .response(JSON);
            case "flat-versions" -> flatVersions(repo, lower(m.param("id")));
            case "flat-file" -> flatFile(repo, m);
            case "flat-put" -> {
                String idl = lower(m.param("id"));
                String verl = lower(m.param("version"));
                if (!m.param("file").equals(idl + "." + verl + ".nupkg")) {
                    throw FormatException.badRequest("a package is stored as {id}.{version}.nupkg in its folder");
                }
                NugetPublisher.store(repo, req.body(), m.param("id"), m.param("version"));
                yield FormatResponse.text(201, "Created");
            }
            case "registration" -> registration(repo, lower(m.param("id")));
            case "registration-leaf" -> leaf(repo, lower(m.param("id")), m.param("leaf"));
            case "search" -> search(req, repo);
            case "autocomplete" -> autocomplete(req, repo);
            case "push" -> {
                NugetPublisher.push(req, repo);
                yield FormatResponse.text(201, "Created");
            }
            case "push-probe" -> FormatResponse.text(200, "PUT a .nupkg here to publish it\n");
            case "unlist", "relist" -> listing(repo, m.param("id"), m.param("version"), m.is("relist"));
            case "v2-service" -> FormatResponse.ok("application/xml;charset=utf-8", NugetV2Feed.serviceDocument(v2Base(repo, m)))
                    .header("DataServiceVersion", "1.0;");
            case "v2-metadata" -> FormatResponse.ok(NugetV2Feed.XML_TYPE, NugetV2Feed.metadata())
                    .header("DataServiceVersion", "2.0;");
            case "v2-entry" -> v2Entry(repo, m);
            case "v2-packages", "v2-count" -> v2Query(req, repo, m);
            case "v2-download" -> download(repo, m.param("id"), m.param("version"));
            default -> throw new IllegalStateException("route without a handler: " + m.name());
        };
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    // ------------------------------------------------------------------ flat container

    private record Versions(String stamp, RepositoryContext.IOSupplier<List<String>> versions) {
    }

    private final Members.Lookup<Versions> noVersions = r -> Optional.empty();

    private FormatResponse flatVersions(RepositoryContext repo, String idl) throws IOException {
        if (!NugetNuspec.isValidId(idl)) {
            throw FormatException.notFound("no package " + idl);
        }
        List<Members.Found<Versions>> found = Members.all(repo, Members.bySource(
                r -> Optional.of(new Versions(r.contentStamp(NugetPaths.folder(idl)), () -> NugetCatalog
                        .stored(r, NugetPaths.folder(idl)).stream().map(e -> e.version().lower()).toList())),
                r -> upstreamFlatVersions(r, idl)));
        StringBuilder stamp = new StringBuilder();
        for (Members.Found<Versions> f : found) {
            stamp.append(f.repository().key()).append('=').append(f.value().stamp()).append(';');
        }
        DocumentCache.Document d = documents.get(repo.key() + "\0flat\0" + idl, stamp.toString(), () -> {
            TreeSet<NugetVersion> all = new TreeSet<>();
            for (Members.Found<Versions> f : found) {
                f.value().versions().get().forEach(v -> NugetVersion.parse(v).ifPresent(all::add));
            }
            if (all.isEmpty()) {
                return new byte[0];
            }
            return Json.bytesOf(Map.of("versions", all.stream().map(NugetVersion::lower).toList()));
        });
        if (d.bytes().length == 0) {
            throw FormatException.notFound("no package " + idl);
        }
        return d.response(JSON);
    }

    /** A remote's versions from its upstream's flat container (cached by the core as metadata). */
    private static Optional<Versions> upstreamFlatVersions(RepositoryContext r, String idl) throws IOException {
        String path = NugetPaths.folder(idl) + "index.json";
        Optional<URI> uri = NugetUpstream.flatUri(r, path);
        if (uri.isEmpty()) {
            return Optional.empty();
        }
        Optional<StoredAsset> a = r.fetch(path, uri.get(), AssetKind.METADATA);
        if (a.isEmpty()) {
            return Optional.empty();
        }
        StoredAsset asset = a.get();
        return Optional.of(new Versions(asset.sha256(), () -> {
            List<String> out = new ArrayList<>();
            for (JsonNode v : NugetUpstream.read(asset, "the upstream's version list of " + idl).path("versions")) {
                NugetVersion.parse(v.asText()).ifPresent(x -> out.add(x.lower()));
            }
            return out;
        }));
    }

    private FormatResponse flatFile(RepositoryContext repo, RouteMatch m) throws IOException {
        String idl = lower(m.param("id"));
        String verl = lower(m.param("version"));
        String file = lower(m.param("file"));
        String path;
        if (file.equals(idl + "." + verl + ".nupkg")) {
            path = NugetPaths.nupkg(idl, verl);
        } else if (file.equals(idl + ".nuspec")) {
            path = NugetPaths.nuspec(idl, verl);
        } else {
            throw FormatException.notFound("no file " + m.param("file"));
        }
        StoredAsset a = repo.get(path).orElseThrow(() -> FormatException.notFound("no file " + m.param("file")));
        return FormatResponse.asset(a);
    }

    private FormatResponse download(RepositoryContext repo, String id, String version) throws IOException {
        NugetVersion v = NugetVersion.parse(version).orElseThrow(() -> FormatException.notFound("no version " + version));
        String idl = lower(id);
        StoredAsset a = repo.get(NugetPaths.nupkg(idl, v.lower()))
                .orElseThrow(() -> FormatException.notFound("no package " + id + " " + version));
        return FormatResponse.asset(a).contentType("application/zip")
                .header("Content-Disposition", "attachment; filename=\"" + idl + "." + v.lower() + ".nupkg\"");
    }

    // ------------------------------------------------------------------ registration

    private NugetCatalog.Merged versions(RepositoryContext repo, String idl) throws IOException {
        if (!NugetNuspec.isValidId(idl)) {
            throw FormatException.notFound("no package " + idl);
        }
        return catalog.versions(repo, idl);
    }

    private FormatResponse registration(RepositoryContext repo, String idl) throws IOException {
        NugetCatalog.Merged merged = versions(repo, idl);
        String base = repo.baseUrl();
        DocumentCache.Document d = documents.get(repo.key() + "\0registration\0" + idl, merged.stamp(), () -> {
            List<NugetEntry> entries = merged.entries();
            return entries.isEmpty() ? new byte[0] : NugetV3.registration(base, idl, entries);
        });
        if (d.bytes().length == 0) {
            throw FormatException.notFound("no package " + idl);
        }
        return d.response(JSON);
    }

    private FormatResponse leaf(RepositoryContext repo, String idl, String leaf) throws IOException {
        String verl = lower(leaf.substring(0, leaf.length() - ".json".length()));
        for (NugetEntry e : versions(repo, idl).entries()) {
            if (e.version().lower().equals(verl)) {
                byte[] b = NugetV3.leaf(repo.baseUrl(), e);
                return FormatResponse.ok(JSON, b).validators(DocumentCache.etag(b), null);
            }
        }
        throw FormatException.notFound("no version " + verl + " of " + idl);
    }

    // ------------------------------------------------------------------ search

    /** The listed packages of {@code repo}'s hosted repositories matching a query, each with its visible versions. */
    private List<NugetV3.Hit> find(RepositoryContext repo, String q, boolean prerelease, boolean semver2)
            throws IOException {
        List<String> terms = q == null || q.isBlank() ? List.of() : List.of(lower(q.strip()).split("\\s+"));
        Map<String, List<NugetEntry>> byId = new LinkedHashMap<>();
        for (NugetEntry e : catalog.search(repo, x -> matches(x.lowerId(), x.meta(), terms), q, prerelease, semver2)) {
            if (!e.listed() || (!prerelease && e.version().isPrerelease()) || (!semver2 && e.version().isSemVer2())) {
                continue;
            }
            byId.computeIfAbsent(e.lowerId(), k -> new ArrayList<>()).add(e);
        }
        List<NugetV3.Hit> hits = new ArrayList<>();
        for (Map.Entry<String, List<NugetEntry>> e : byId.entrySet()) {
            hits.add(new NugetV3.Hit(e.getKey(), e.getValue()));
        }
        String exact = terms.size() == 1 ? terms.get(0) : "";
        hits.sort((a, b) -> a.lowerId().equals(exact) ? -1 : b.lowerId().equals(exact) ? 1 : a.lowerId().compareTo(b.lowerId()));
        return hits;
    }

    private static boolean matches(String idl, NugetNuspec meta, List<String> terms) {
        String text = lower(idl + " " + nz(meta.title()) + " " + nz(meta.description()) + " " + nz(meta.tags()));
        for (String t : terms) {
            int colon = t.indexOf(':');
            if (colon > 0 && (t.startsWith("id:") || t.startsWith("packageid:"))) {
                String want = t.substring(colon + 1);
                if (t.startsWith("packageid:") ? !idl.equals(want) : !idl.contains(want)) {
                    return false;
                }
            } else if (!text.contains(t)) {
                return false;
            }
        }
        return true;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private FormatResponse search(FormatRequest req, RepositoryContext repo) throws IOException {
        int skip = intParam(req, "skip", 0, Integer.MAX_VALUE);
        int take = intParam(req, "take", 20, 1000);
        List<NugetV3.Hit> hits = find(repo, req.queryParam("q").orElse(""), bool(req, "prerelease"), semver2(req));
        List<NugetV3.Hit> page = hits.subList(Math.min(skip, hits.size()), (int) Math.min(hits.size(), (long) skip + take));
        byte[] b = NugetV3.search(repo.baseUrl(), page, hits.size());
        return FormatResponse.ok(JSON, b).validators(DocumentCache.etag(b), null);
    }

    private FormatResponse autocomplete(FormatRequest req, RepositoryContext repo) throws IOException {
        int skip = intParam(req, "skip", 0, Integer.MAX_VALUE);
        int take = intParam(req, "take", 20, 1000);
        boolean pre = bool(req, "prerelease");
        boolean semver2 = semver2(req);
        List<String> data = new ArrayList<>();
        Optional<String> id = req.queryParam("id");
        if (id.isPresent()) {
            for (NugetEntry e : versions(repo, lower(id.get())).entries()) {
                if (e.listed() && (pre || !e.version().isPrerelease()) && (semver2 || !e.version().isSemVer2())) {
                    data.add(e.version().full());
                }
            }
        } else {
            find(repo, req.queryParam("q").orElse(""), pre, semver2).forEach(h -> data.add(h.latest().meta().id()));
        }
        int total = data.size();
        List<String> page = data.subList(Math.min(skip, total), (int) Math.min(total, (long) skip + take));
        byte[] b = NugetV3.autocomplete(page, total);
        return FormatResponse.ok(JSON, b).validators(DocumentCache.etag(b), null);
    }

    private static int intParam(FormatRequest req, String name, int dflt, int max) {
        String v = req.queryParam(name).orElse("").strip();
        if (v.startsWith("'") && v.endsWith("'") && v.length() >= 2) {
            v = v.substring(1, v.length() - 1);
        }
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw FormatException.badRequest(name + " must not be negative");
            }
            return Math.min(n, max);
        } catch (NumberFormatException e) {
            throw FormatException.badRequest(name + " is not a number");
        }
    }

    private static boolean bool(FormatRequest req, String name) {
        return req.queryParam(name).map(s -> s.strip().equalsIgnoreCase("true")).orElse(false);
    }

    private static boolean semver2(FormatRequest req) {
        return req.queryParam("semVerLevel").map(s -> s.strip().startsWith("2")).orElse(false);
    }

    // ------------------------------------------------------------------ unlist, relist

    private FormatResponse listing(RepositoryContext repo, String id, String version, boolean relist) throws IOException {
        String idl = lower(id);
        NugetVersion v = NugetVersion.parse(version).orElseThrow(() -> FormatException.notFound("no version " + version));
        if (!NugetNuspec.isValidId(id) || repo.peek(NugetPaths.nupkg(idl, v.lower())).isEmpty()) {
            throw FormatException.notFound("no package " + id + " " + version);
        }
        String marker = NugetPaths.unlisted(idl, v.lower());
        if (relist) {
            repo.delete(marker);
            return FormatResponse.text(200, "relisted");
        }
        repo.putBytes(marker, new byte[0], PutOptions.defaults().withDescription(id, v.full(), "text/plain", Map.of()));
        return FormatResponse.status(204);
    }

    // ------------------------------------------------------------------ v2

    private static String v2Base(RepositoryContext repo, RouteMatch m) {
        String p = m.param("v2");
        return p == null || p.isEmpty() ? repo.baseUrl() : repo.baseUrl() + "/api/v2";
    }

    private static FormatResponse atom(byte[] b, String type) {
        return FormatResponse.ok(type, b).header("DataServiceVersion", "2.0;").validators(DocumentCache.etag(b), null);
    }

    /** Every version of {@code idl}, with v2's latest flags over the listed ones. */
    private List<NugetV2Feed.Item> items(List<NugetEntry> entries) {
        Map<String, NugetVersion> latest = new LinkedHashMap<>();
        Map<String, NugetVersion> absolute = new LinkedHashMap<>();
        for (NugetEntry e : entries) {
            if (!e.listed()) {
                continue;
            }
            absolute.merge(e.lowerId(), e.version(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
            if (!e.version().isPrerelease()) {
                latest.merge(e.lowerId(), e.version(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
            }
        }
        List<NugetV2Feed.Item> out = new ArrayList<>();
        for (NugetEntry e : entries) {
            out.add(new NugetV2Feed.Item(e, e.listed() && e.version().equals(latest.get(e.lowerId())),
                    e.listed() && e.version().equals(absolute.get(e.lowerId()))));
        }
        return out;
    }

    private FormatResponse v2Entry(RepositoryContext repo, RouteMatch m) throws IOException {
        String idl = lower(m.param("id"));
        NugetVersion v = NugetVersion.parse(m.param("version")).orElseThrow(() -> FormatException.notFound("no such version"));
        List<NugetV2Feed.Item> items = items(versions(repo, idl).entries());
        for (NugetV2Feed.Item i : items) {
            if (i.entry().version().equals(v)) {
                return atom(NugetV2Feed.entry(v2Base(repo, m), i), NugetV2Feed.ENTRY_TYPE);
            }
        }
        throw FormatException.notFound("no package " + m.param("id") + " " + m.param("version"));
    }

    private FormatResponse v2Query(FormatRequest req, RepositoryContext repo, RouteMatch m) throws IOException {
        String fn = m.param("fn");
        String filter = req.queryParam("$filter").orElse("");
        boolean latestOnly = filter.contains("IsLatestVersion");
        boolean absoluteOnly = filter.contains("IsAbsoluteLatestVersion");
        List<NugetV2Feed.Item> items = new ArrayList<>();
        switch (fn) {
            case "FindPackagesById" -> {
                String id = unquote(req.queryParam("id").orElse(""));
                if (NugetNuspec.isValidId(id)) {
                    items.addAll(items(versions(repo, lower(id)).entries()));
                }
            }
            case "Search", "Packages" -> {
                boolean pre = fn.equals("Packages") || unquote(req.queryParam("includePrerelease").orElse("false")).equalsIgnoreCase("true");
                Matcher idf = ID_FILTER.matcher(filter);
                if (idf.find()) {
                    if (NugetNuspec.isValidId(idf.group(1))) {
                        items.addAll(items(versions(repo, lower(idf.group(1))).entries()));
                    }
                } else {
                    String term = unquote(req.queryParam("searchTerm").orElse(""));
                    for (NugetV3.Hit h : find(repo, term, true, true)) {
                        items.addAll(items(h.versions()));
                    }
                    if (fn.equals("Search")) {
                        items.removeIf(i -> !i.entry().listed());
                    }
                }
                if (!pre) {
                    items.removeIf(i -> i.entry().version().isPrerelease());
                }
            }
            case "GetUpdates" -> items.addAll(updates(req, repo));
            default -> throw new IllegalStateException(fn);
        }
        if (absoluteOnly) {
            items.removeIf(i -> !i.absoluteLatest());
        } else if (latestOnly) {
            items.removeIf(i -> !i.latest());
        }
        if (m.is("v2-count")) {
            return FormatResponse.text(200, String.valueOf(items.size()));
        }
        int skip = intParam(req, "$skip", 0, Integer.MAX_VALUE);
        int top = intParam(req, "$top", 100, 100);
        List<NugetV2Feed.Item> page = items.subList(Math.min(skip, items.size()), (int) Math.min(items.size(), (long) skip + top));
        String next = null;
        if ((long) skip + top < items.size()) {
            String q = req.query().replaceAll("(^|&)\\$(skip|top)=[^&]*", "");
            next = v2Base(repo, m) + "/" + fn + "()?" + (q.isEmpty() || q.startsWith("&") ? q.replaceFirst("^&", "") + "&" : q + "&")
                    + "$skip=" + (skip + top) + "&$top=" + top;
        }
        String title = fn.equals("Packages") ? "Packages" : fn;
        return atom(NugetV2Feed.feed(v2Base(repo, m), title, page, next), NugetV2Feed.FEED_TYPE);
    }

    /** GetUpdates: for each of {@code packageIds}, the versions above the one given (the newest alone unless all are asked). */
    private List<NugetV2Feed.Item> updates(FormatRequest req, RepositoryContext repo) throws IOException {
        String[] ids = unquote(req.queryParam("packageIds").orElse("")).split("\\|");
        String[] vers = unquote(req.queryParam("versions").orElse("")).split("\\|");
        boolean pre = unquote(req.queryParam("includePrerelease").orElse("false")).equalsIgnoreCase("true");
        boolean all = unquote(req.queryParam("includeAllVersions").orElse("false")).equalsIgnoreCase("true");
        List<NugetV2Feed.Item> out = new ArrayList<>();
        for (int i = 0; i < Math.min(ids.length, Math.min(vers.length, 100)); i++) {
            Optional<NugetVersion> have = NugetVersion.parse(vers[i]);
            if (!NugetNuspec.isValidId(ids[i]) || have.isEmpty()) {
                continue;
            }
            List<NugetV2Feed.Item> newer = new ArrayList<>();
            for (NugetV2Feed.Item it : items(versions(repo, lower(ids[i])).entries())) {
                NugetEntry e = it.entry();
                if (e.listed() && e.version().compareTo(have.get()) > 0 && (pre || !e.version().isPrerelease())) {
                    newer.add(it);
                }
            }
            if (!newer.isEmpty()) {
                out.addAll(all ? newer : List.of(newer.get(newer.size() - 1)));
            }
        }
        return out;
    }

    private static String unquote(String s) {
        s = s.strip();
        if (s.length() >= 2 && s.startsWith("'") && s.endsWith("'")) {
            return s.substring(1, s.length() - 1).replace("''", "'");
        }
        return s;
    }

    // ------------------------------------------------------------------ describe

    /**
     * Checks a package stored at its flat container path (through any route, or fetched by a remote):
     * a readable .nupkg whose .nuspec names the id and version of its path.
     */
    @Override
    public ArtifactDescription describe(String path, AssetContent content) throws IOException {
        String[] seg = path.split("/");
        if (path.startsWith(NugetPaths.FLAT) && seg.length == 4 && seg[3].endsWith(".nupkg")) {
            NugetNuspec n;
            try (var ch = content.channel()) {
                n = NugetPackageReader.read(ch).nuspec();
            }
            if (!seg[1].equals(n.lowerId()) || !seg[2].equals(n.version().lower())
                    || !seg[3].equals(n.lowerId() + "." + n.version().lower() + ".nupkg")) {
                throw new InvalidArtifactException("the package is " + n.id() + " " + n.version().normalized()
                        + "; it does not belong at " + path);
            }
            return new ArtifactDescription(n.id(), n.version().full(), NugetPublisher.NUPKG_TYPE, n.attributes());
        }
        if (path.endsWith(".nuspec")) {
            return new ArtifactDescription(seg.length > 1 ? seg[1] : path, null, NugetPublisher.NUSPEC_TYPE, Map.of());
        }
        if (path.endsWith(".json")) {
            return new ArtifactDescription(null, null, "application/json", Map.of());
        }
        return ArtifactDescription.fromPath(path);
    }
}
