package io.artifactkeeper.core.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.MountContext;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.RepositoryType;
import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.api.format.RouteMatch;
import io.artifactkeeper.api.format.RouteTable;
import io.artifactkeeper.core.CorePlatform;
import io.artifactkeeper.core.repo.FormatRegistry;
import io.artifactkeeper.core.security.Principal;
import io.artifactkeeper.core.store.RepositoryRecord;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /{mount}/{repo_key}/...}: the repository looked up, its format found (waiting briefly for one
 * being updated), the format's route matched once (SPI 2), the caller's permission and the repository
 * type checked, then the format's handler called and its answer written (assets streamed with their
 * validators, generated documents answered 304 on a match, artifact bytes never run as pages).
 */
final class FormatRoutes {
    /** A format unbound this recently is taken to be updating, not gone. */
    private static final long FORMAT_RECENT_MS = 60_000;

    private final FormatRegistry formats;
    private final LongSupplier updateWaitMs;

    FormatRoutes(FormatRegistry formats, LongSupplier updateWaitMs) {
        this.formats = formats;
        this.updateWaitMs = updateWaitMs;
    }

    void serve(Exchange ex, CorePlatform c, String raw) throws Exception {
        // /{mount}/{repo_key}/{rest...}
        String p = raw.substring(1);
        int s1 = p.indexOf('/');
        String mount = s1 < 0 ? p : p.substring(0, s1);
        String afterMount = s1 < 0 ? "" : p.substring(s1 + 1);
        if (mount.equals(FormatRegistry.EXT_MOUNT)) {
            // plugin formats share /ext: the second segment names the format, the third the repository
            int sk = afterMount.indexOf('/');
            mount = FormatRegistry.EXT_MOUNT + "/" + (sk < 0 ? afterMount : afterMount.substring(0, sk));
            afterMount = sk < 0 ? "" : afterMount.substring(sk + 1);
        }
        int s2 = afterMount.indexOf('/');
        String repoKey = s2 < 0 ? afterMount : afterMount.substring(0, s2);
        String rest = s2 < 0 ? "" : afterMount.substring(s2 + 1);
        Principal principal = ex.principal().orElse(null);
        Optional<RepositoryRecord> found = repoKey.isEmpty() ? Optional.empty() : c.repositories().find(repoKey);
        if (found.isEmpty()) {
            List<FormatRegistry.Entry> owners = formats.byMount(mount);
            if (owners.isEmpty()) {
                throw FormatException.notFound("not found: " + raw);
            }
            mountRoute(ex, c, owners.get(0), mount, afterMount, principal);
            return;
        }
        RepositoryRecord repo = found.get();
        FormatRegistry.Entry f = formats.awaitByKey(repo.format(), FORMAT_RECENT_MS, updateWaitMs.getAsLong())
                .orElseThrow(() -> new FormatException(503, "FORMAT_UNAVAILABLE", "format '" + repo.format()
                        + "' of repository " + repo.key() + " is not installed or not active"));
        if (!FormatRegistry.mountPath(f.descriptor()).equals(mount) && !f.descriptor().mountAliases().contains(mount)) {
            throw FormatException.notFound("repository " + repoKey + " is not served under /" + mount);
        }
        FormatHandler handler = f.handler();
        if (f.bundle() != null) {
            ex.response().setHeader("X-Format-Bundle", f.bundle().getSymbolicName() + "/" + f.bundle().getVersion());
        }
        String path = SafePath.normalize(rest);
        FormatRequestImpl freq = new FormatRequestImpl(ex.request(), path, rest, caller(principal), ex.serverUrl(),
                repo.key());
        Access access;
        Route route = null;
        if (f.routesAsData()) {
            // SPI 2: the route is matched here, once; the format gets the match
            RouteTable.Result m = f.routes().match(freq.method(), path);
            if (m instanceof RouteTable.NoRoute) {
                renderFormatError(ex, handler, freq, 404, "NOT_FOUND", "not found: " + path);
                return;
            }
            if (m instanceof RouteTable.WrongMethod w) {
                ex.response().setHeader("Allow", String.join(", ", w.allowed()));
                renderFormatError(ex, handler, freq, 405, "METHOD_NOT_ALLOWED", freq.method() + " is not allowed on "
                        + (path.isEmpty() ? "the repository root" : path));
                return;
            }
            RouteMatch match = ((RouteTable.Matched) m).match();
            freq.match(match);
            route = match.route();
            access = route.access();
        } else {
            access = handler.requiredAccess(freq);
        }
        if (!c.access().allowed(principal, repo, access)) {
            if (principal != null && !c.access().visible(principal, repo)) {
                // a signed-in caller with no rights on it learns no more than about a missing repository;
                // anonymous callers get 401, since package clients send credentials only when challenged
                renderFormatError(ex, handler, freq, 404, "NOT_FOUND", "not found: " + raw);
                return;
            }
            denied(ex, handler, freq, principal, access, repo.key());
            return;
        }
        if (route != null && !route.allowedOnAnyRepositoryType() && !repo.type().hosted()) {
            // writes go to hosted repositories: refused here, before any format code runs
            boolean remote = repo.type() == RepositoryType.REMOTE;
            renderFormatError(ex, handler, freq, remote ? 405 : 400, remote ? "METHOD_NOT_ALLOWED" : "BAD_REQUEST",
                    remote ? "repository " + repo.key() + " is a remote (proxy) repository; it cannot be written to"
                            : "repository " + repo.key() + " is virtual; write to one of its members");
            return;
        }
        RepositoryContext ctx = c.engine().open(repo, handler, ex.serverUrl(), mount,
                principal == null ? null : principal.userId(), r -> c.access().allowed(principal, r, Access.READ));
        FormatResponse fr;
        try {
            fr = handler.handle(freq, ctx);
        } catch (FormatException e) {
            renderFormatError(ex, handler, freq, e.status(), e.code(), e.getMessage());
            return;
        }
        write(ex, fr);
    }

    static io.artifactkeeper.api.format.Caller caller(Principal p) {
        return p == null ? io.artifactkeeper.api.format.Caller.anonymous() : p.toCaller();
    }

    /**
     * 401 or 403 in the format's own error form. A 401 carries the format's challenge if its error
     * response has one (OCI asks for a Bearer token), else Basic.
     */
    private static void denied(Exchange ex, FormatHandler handler, FormatRequestImpl freq, Principal principal,
            Access access, String key) throws IOException {
        FormatResponse fr;
        if (principal == null) {
            fr = handler.renderError(freq, 401, "UNAUTHORIZED", "authentication required");
            if (!hasChallenge(fr)) {
                fr.header("WWW-Authenticate", "Basic realm=\"Artifact Keeper\"");
            }
        } else {
            fr = handler.renderError(freq, 403, "FORBIDDEN", "no " + access.name().toLowerCase(Locale.ROOT)
                    + " permission on " + key);
        }
        write(ex, fr);
    }

    static boolean hasChallenge(FormatResponse fr) {
        return fr.headers().stream().anyMatch(h -> h.getKey().equalsIgnoreCase("WWW-Authenticate"));
    }

    /** A request under a mount that names no repository: the format's own mount-level routes. */
    private void mountRoute(Exchange ex, CorePlatform c, FormatRegistry.Entry f, String mount, String below,
            Principal principal) throws Exception {
        FormatHandler handler = f.handler();
        String path = SafePath.normalize(below);
        FormatRequestImpl freq = new FormatRequestImpl(ex.request(), path, below, caller(principal), ex.serverUrl());
        String base = ex.serverUrl() + "/" + mount;
        MountContext mc = new MountContext() {
            @Override
            public String baseUrl() {
                return base;
            }

            @Override
            public List<RepositoryContext> readableRepositories() {
                List<RepositoryContext> out = new ArrayList<>();
                for (RepositoryRecord r : c.repositories().list(null, null)) {
                    if (f.descriptor().answersTo(r.format()) && c.access().allowed(principal, r, Access.READ)) {
                        out.add(c.engine().open(r, handler, ex.serverUrl(), mount,
                                principal == null ? null : principal.userId(),
                                o -> c.access().allowed(principal, o, Access.READ)));
                    }
                }
                return out;
            }

            @Override
            public Optional<RepositoryContext> repository(String key) {
                return c.repositories().find(key).filter(r -> f.descriptor().answersTo(r.format()))
                        .filter(r -> c.access().allowed(principal, r, Access.READ))
                        .map(r -> c.engine().open(r, handler, ex.serverUrl(), mount,
                                principal == null ? null : principal.userId(),
                                o -> c.access().allowed(principal, o, Access.READ)));
            }

            @Override
            public String issueAccessToken() {
                return c.identity().issueAccessToken(principal);
            }

            @Override
            public long accessTokenTtlSeconds() {
                return c.identity().accessTokenTtlSeconds();
            }
        };
        FormatResponse fr;
        try {
            fr = handler.handleMount(freq, mc);
        } catch (FormatException e) {
            renderFormatError(ex, handler, freq, e.status(), e.code(), e.getMessage());
            return;
        }
        write(ex, fr);
    }

    private static void renderFormatError(Exchange ex, FormatHandler h, FormatRequestImpl freq, int status,
            String code, String message) throws IOException {
        write(ex, h.renderError(freq, status, code, message));
    }

    static void write(Exchange ex, FormatResponse fr) throws IOException {
        HttpServletResponse resp = ex.response();
        if (fr.status() >= 400) {
            UnreadBody.beforeRefusal(ex.request(), resp);
        }
        ContentHeaders.protect(resp);
        for (Map.Entry<String, String> h : fr.headers()) {
            resp.addHeader(h.getKey(), h.getValue());
        }
        boolean head = ex.method().equalsIgnoreCase("HEAD");
        if (fr.asset() != null) {
            if (fr.status() == 200) {
                AssetWriter.write(ex.request(), resp, fr.asset(), fr.contentType(), head);
            } else {
                ContentHeaders.protectAsset(resp, fr.contentType(), fr.asset().path());
                resp.setStatus(fr.status());
                resp.setContentType(fr.contentType());
                resp.setContentLengthLong(fr.asset().size());
                if (!head) {
                    try (var in = fr.asset().open(); OutputStream out = resp.getOutputStream()) {
                        AssetWriter.copy(in, out);
                    }
                }
            }
            return;
        }
        if (fr.status() == 200 && (fr.etag() != null || fr.lastModified() != null)) {
            // a generated document with validators: conditional requests are answered here, once for all formats
            if (fr.etag() != null) {
                resp.setHeader("ETag", fr.etag());
            }
            if (fr.lastModified() != null) {
                resp.setDateHeader("Last-Modified", fr.lastModified().toEpochMilli());
            }
            if (AssetWriter.notModified(ex.request(), fr.etag(), fr.lastModified())) {
                resp.setStatus(304);
                return;
            }
        }
        resp.setStatus(fr.status());
        if (fr.contentType() != null) {
            resp.setContentType(fr.contentType());
        }
        if (fr.bytes() != null) {
            resp.setContentLength(fr.bytes().length);
            if (!head) {
                try (OutputStream out = resp.getOutputStream()) {
                    out.write(fr.bytes());
                }
            }
        } else if (fr.writer() != null && !head) {
            try (OutputStream out = resp.getOutputStream()) {
                fr.writer().writeTo(out);
            }
        }
    }

}
