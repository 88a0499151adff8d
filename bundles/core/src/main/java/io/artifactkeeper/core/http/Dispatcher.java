package io.artifactkeeper.core.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.api.format.RouteMatch;
import io.artifactkeeper.api.format.RouteTable;
import io.artifactkeeper.api.format.RepositoryType;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.MountContext;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.http.ApiExtension;
import io.artifactkeeper.api.storage.BlobStore;
import io.artifactkeeper.core.CorePlatform;
import io.artifactkeeper.core.api.IdentityApi;
import io.artifactkeeper.core.api.RepositoryApi;
import io.artifactkeeper.core.repo.FormatRegistry;
import io.artifactkeeper.core.security.Principal;
import io.artifactkeeper.core.store.RepositoryRecord;
import io.artifactkeeper.db.Database;
import io.artifactkeeper.db.DatabaseUnavailableException;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The one servlet behind every route but the Web Console. Middleware in order: request id and
 * access log, CORS, health and metrics (no auth), drain/readiness guard, rate limit, demo mode,
 * authentication; then {@code /api/v1/*} to the REST router and {@code /{mount}/{repo}/...} to the
 * format that owns the mount.
 */
@Component(service = Servlet.class, configurationPid = Dispatcher.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {"osgi.http.whiteboard.servlet.pattern=/", "osgi.http.whiteboard.servlet.name=artifact-keeper",
            "osgi.http.whiteboard.servlet.asyncSupported=true"})
@Designate(ocd = Dispatcher.Config.class)
public final class Dispatcher extends HttpServlet {
    public static final String PID = "io.artifactkeeper.http";
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("io.artifactkeeper.access");
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Set<String> HEALTH = Set.of("/health", "/healthz", "/livez");
    private static final Set<String> READY = Set.of("/ready", "/readyz");
    /** A format unbound this recently is taken to be updating, not gone. */
    private static final long FORMAT_RECENT_MS = 60_000;

    @ObjectClassDefinition(name = "Artifact Keeper HTTP", description = "Request pipeline settings")
    public @interface Config {
        @AttributeDefinition(description = "External base URL (e.g. https://registry.example.com); empty: from the request")
        String external_url() default "";

        @AttributeDefinition(description = "Allowed CORS origins; * for any")
        String[] cors_origins() default {"*"};

        @AttributeDefinition(description = "Requests per second per client on the API (0: unlimited)")
        double rate_limit_api_per_second() default 0;

        @AttributeDefinition(description = "Requests per second per client on format routes (0: unlimited)")
        double rate_limit_format_per_second() default 0;

        @AttributeDefinition(description = "Login attempts per second per client")
        double rate_limit_auth_per_second() default 5;

        @AttributeDefinition(description = "Refuse every write (demo mode)")
        boolean demo_mode() default false;

        @AttributeDefinition(description = "Trust X-Forwarded-* headers")
        boolean trust_proxy_headers() default false;

        @AttributeDefinition(description = "How long a stop waits for in-flight requests (ms)")
        long drain_timeout_ms() default 20000;

        @AttributeDefinition(description = "How long a request waits for a format whose bundle is being updated (ms)")
        long format_update_wait_ms() default 15000;
    }

    private final FormatRegistry formats;
    private final Config config;
    private final transient BundleContext bundleContext;
    private final Metrics metrics = new Metrics();
    private final AtomicLong lastUnavailableLog = new AtomicLong();
    private final RateLimiter apiLimiter;
    private final RateLimiter formatLimiter;
    private final RateLimiter authLimiter;
    private volatile boolean draining;

    private volatile CorePlatform core;
    private volatile Router router;
    private volatile Database database;
    private volatile BlobStore blobStore;

    @Activate
    public Dispatcher(BundleContext bundleContext, @Reference FormatRegistry formats, Config config) {
        this.bundleContext = bundleContext;
        this.formats = formats;
        this.config = config;
        this.apiLimiter = new RateLimiter(config.rate_limit_api_per_second(), Math.max(10, config.rate_limit_api_per_second() * 2));
        this.formatLimiter = new RateLimiter(config.rate_limit_format_per_second(),
                Math.max(10, config.rate_limit_format_per_second() * 2));
        this.authLimiter = new RateLimiter(config.rate_limit_auth_per_second(), Math.max(10, config.rate_limit_auth_per_second() * 2));
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindCore(CorePlatform c) {
        Router r = new Router();
        new IdentityApi(c).register(r);
        new RepositoryApi(c, formats).register(r);
        new io.artifactkeeper.core.api.FormatAdminApi(c.bundleContext(), formats).register(r);
        this.router = r;
        this.core = c;
    }

    void unbindCore(CorePlatform c) {
        if (this.core == c) {
            this.core = null;
            this.router = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDatabase(Database d) {
        this.database = d;
    }

    void unbindDatabase(Database d) {
        if (this.database == d) {
            this.database = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(storage.type=filesystem)")
    void bindBlobStore(BlobStore b) {
        this.blobStore = b;
    }

    void unbindBlobStore(BlobStore b) {
        if (this.blobStore == b) {
            this.blobStore = null;
        }
    }

    /** Stops taking requests and waits (bounded) for those in flight, so a stop loses none. */
    @Deactivate
    void deactivate() {
        draining = true;
        long deadline = System.currentTimeMillis() + config.drain_timeout_ms();
        while (metrics.inFlight() > 0 && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (metrics.inFlight() > 0) {
            LOG.warn("stopping with {} requests still in flight after {} ms", metrics.inFlight(), config.drain_timeout_ms());
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long t0 = System.nanoTime();
        metrics.begin();
        String raw = req.getRequestURI();
        String ctxPath = req.getContextPath();
        if (ctxPath != null && !ctxPath.isEmpty() && raw.startsWith(ctxPath)) {
            raw = raw.substring(ctxPath.length());
        }
        if (raw.isEmpty()) {
            raw = "/";
        }
        Exchange ex = new Exchange(req, resp, raw);
        String rid = req.getHeader("X-Request-Id");
        ex.requestId(rid != null && REQUEST_ID.matcher(rid).matches() ? rid : UUID.randomUUID().toString());
        resp.setHeader("X-Request-Id", ex.requestId());
        ex.serverUrl(serverUrl(req));
        String route = routeClass(raw);
        try {
            handle(ex, raw, route);
        } catch (FormatException e) {
            sendError(ex, route, e.status(), e.code(), e.getMessage());
        } catch (Exception e) {
            if (DatabaseUnavailableException.isUnavailable(e)) {
                // the innermost reason (a pool timeout under load and an outage look alike to the client),
                // at most once a second so that an outage does not flood the log
                long now = System.nanoTime();
                long last = lastUnavailableLog.get();
                if (now - last > 1_000_000_000L && lastUnavailableLog.compareAndSet(last, now)) {
                    LOG.warn("database unavailable on {} {} (request {}): {}", req.getMethod(), raw, ex.requestId(),
                            rootCause(e));
                }
                sendError(ex, route, 503, "DATABASE_UNAVAILABLE", "the database is unavailable; retry later");
            } else if (isClientAbort(e)) {
                LOG.debug("client went away: {} {}", req.getMethod(), raw);
            } else if (e instanceof IOException io && isStorageFailure(io)) {
                LOG.warn("storage failure on {} {}: {}", req.getMethod(), raw, io.toString());
                sendError(ex, route, 503, "STORAGE_UNAVAILABLE", "storage is unavailable: " + io.getMessage());
            } else {
                LOG.error("request {} {} {} failed", ex.requestId(), req.getMethod(), raw, e);
                sendError(ex, route, 500, "INTERNAL_ERROR", "internal error (request id " + ex.requestId() + ")");
            }
        } finally {
            long nanos = System.nanoTime() - t0;
            metrics.end(route, req.getMethod(), resp.getStatus(), nanos);
            if (!route.equals("health")) {
                ACCESS.info("{} {} {} {} {}ms {} {}", clientIp(req), req.getMethod(), raw, resp.getStatus(),
                        TimeUnit.NANOSECONDS.toMillis(nanos), ex.principal().map(Principal::username).orElse("-"),
                        ex.requestId());
            }
        }
    }

    private void handle(Exchange ex, String raw, String route) throws Exception {
        HttpServletRequest req = ex.request();
        HttpServletResponse resp = ex.response();
        if (cors(req, resp)) {
            return;
        }
        if (HEALTH.contains(raw)) {
            ex.json(200, Map.of("status", "ok"));
            return;
        }
        if (READY.contains(raw)) {
            readiness(ex);
            return;
        }
        if (draining) {
            resp.setHeader("Connection", "close");
            throw ApiException.unavailable("server is stopping");
        }
        if (raw.equals("/metrics")) {
            metrics(ex);
            return;
        }
        CorePlatform c = core;
        Router r = router;
        if (c == null || r == null) {
            throw ApiException.unavailable("not ready: " + String.join("; ", missing()));
        }
        RateLimiter limiter = route.equals("auth") ? authLimiter : route.equals("api") ? apiLimiter : formatLimiter;
        if (!limiter.tryAcquire(clientIp(req) + "|" + route)) {
            resp.setHeader("Retry-After", String.valueOf(limiter.retryAfterSeconds()));
            throw new ApiException(429, "RATE_LIMITED", "too many requests");
        }
        limiter.sweep();
        String method = req.getMethod().toUpperCase(Locale.ROOT);
        boolean write = !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"));
        if (config.demo_mode() && write && !route.equals("auth")) {
            throw new ApiException(403, "DEMO_MODE", "this instance is in demo mode: writes are disabled");
        }
        authenticate(ex, c);
        if (raw.startsWith("/api/v1/") || raw.equals("/api/v1")) {
            Router.Outcome o = r.dispatch(ex, raw);
            if (o == Router.Outcome.NOT_FOUND && extensionRoute(ex, raw)) {
                return;
            }
            if (o == Router.Outcome.NOT_FOUND) {
                throw ApiException.notFound("no such endpoint: " + raw);
            }
            if (o == Router.Outcome.WRONG_METHOD) {
                throw new ApiException(405, "METHOD_NOT_ALLOWED", req.getMethod() + " is not allowed on " + raw);
            }
            return;
        }
        formatRoute(ex, c, raw);
    }

    /** Routes contributed by other bundles under /api/v1/{prefix} (core routes win). */
    private boolean extensionRoute(Exchange ex, String raw) throws Exception {
        String below = raw.length() > "/api/v1/".length() ? raw.substring("/api/v1/".length()) : "";
        int slash = below.indexOf('/');
        String prefix = slash < 0 ? below : below.substring(0, slash);
        Extension e = apiExtensions.get(prefix);
        if (e == null) {
            return false;
        }
        Principal principal = ex.principal().orElse(null);
        if (ApiExtension.ACCESS_AUTHENTICATED.equals(e.access())) {
            ex.requirePrincipal();
        } else {
            ex.requireAdmin();
        }
        String rest = slash < 0 ? "" : below.substring(slash + 1);
        FormatRequestImpl freq = new FormatRequestImpl(ex.request(), SafePath.normalize(rest), rest, caller(principal),
                ex.serverUrl());
        writeFormatResponse(ex, e.extension().handle(freq));
        return true;
    }

    private record Extension(ApiExtension extension, String access) {
    }

    private final Map<String, Extension> apiExtensions = new java.util.concurrent.ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindApiExtension(ApiExtension e, Map<String, Object> props) {
        Object prefix = props.get(ApiExtension.PREFIX_PROPERTY);
        if (prefix == null || String.valueOf(prefix).isBlank() || String.valueOf(prefix).contains("/")) {
            LOG.warn("ignoring API extension {} without a one-segment {}", e, ApiExtension.PREFIX_PROPERTY);
            return;
        }
        Object access = props.get(ApiExtension.ACCESS_PROPERTY);
        apiExtensions.put(String.valueOf(prefix), new Extension(e, access == null ? ApiExtension.ACCESS_ADMIN
                : String.valueOf(access)));
    }

    void unbindApiExtension(ApiExtension e) {
        apiExtensions.values().removeIf(x -> x.extension() == e);
    }

    private void authenticate(Exchange ex, CorePlatform c) {
        HttpServletRequest req = ex.request();
        String auth = req.getHeader("Authorization");
        if (auth == null) {
            String key = req.getHeader("X-NuGet-ApiKey");
            if (key == null) {
                key = req.getHeader("X-API-Key");
            }
            if (key != null && !key.isBlank()) {
                Principal p = c.identity().fromApiToken(key.trim())
                        .orElseThrow(() -> ApiException.unauthorized("invalid API key"));
                ex.principal(p);
            }
            return;
        }
        c.identity().authenticate(auth).ifPresent(ex::principal);
    }

    private void formatRoute(Exchange ex, CorePlatform c, String raw) throws Exception {
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
        FormatRegistry.Entry f = formats.awaitByKey(repo.format(), FORMAT_RECENT_MS, config.format_update_wait_ms())
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
        writeFormatResponse(ex, fr);
    }

    private static io.artifactkeeper.api.format.Caller caller(Principal p) {
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
        writeFormatResponse(ex, fr);
    }

    private static boolean hasChallenge(FormatResponse fr) {
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
        writeFormatResponse(ex, fr);
    }

    private static void renderFormatError(Exchange ex, FormatHandler h, FormatRequestImpl freq, int status,
            String code, String message) throws IOException {
        writeFormatResponse(ex, h.renderError(freq, status, code, message));
    }

    static void writeFormatResponse(Exchange ex, FormatResponse fr) throws IOException {
        HttpServletResponse resp = ex.response();
        for (Map.Entry<String, String> h : fr.headers()) {
            resp.addHeader(h.getKey(), h.getValue());
        }
        boolean head = ex.method().equalsIgnoreCase("HEAD");
        if (fr.asset() != null) {
            if (fr.status() == 200) {
                AssetWriter.write(ex.request(), resp, fr.asset(), fr.contentType(), head);
            } else {
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

    private void sendError(Exchange ex, String route, int status, String code, String message) throws IOException {
        HttpServletResponse resp = ex.response();
        if (resp.isCommitted()) {
            return;
        }
        // the reset clears what was set on the way; these headers belong to the error answer
        String wa = resp.getHeader("WWW-Authenticate");
        String ra = resp.getHeader("Retry-After");
        String conn = resp.getHeader("Connection");
        resp.reset();
        resp.setHeader("X-Request-Id", ex.requestId());
        if (ra != null) {
            resp.setHeader("Retry-After", ra);
        }
        if (conn != null) {
            resp.setHeader("Connection", conn);
        }
        if (route.startsWith("format:")) {
            String mount = route.substring(7);
            List<FormatRegistry.Entry> es = formats.byMount(mount);
            if (!es.isEmpty()) {
                FormatResponse fr = es.get(0).handler().renderError(errorRequest(ex, mount), status, code, message);
                // the format's own challenge (OCI: Bearer) is the only one; else Basic
                if (!hasChallenge(fr)) {
                    if (wa != null) {
                        resp.setHeader("WWW-Authenticate", wa);
                    } else if (status == 401) {
                        resp.setHeader("WWW-Authenticate", "Basic realm=\"Artifact Keeper\"");
                    }
                }
                writeFormatResponse(ex, fr);
                return;
            }
            if (status == 401 && wa == null) {
                wa = "Basic realm=\"Artifact Keeper\"";
            }
        }
        if (wa != null) {
            resp.setHeader("WWW-Authenticate", wa);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", code);
        m.put("message", message);
        ex.json(status, m);
    }

    /** The request as a format sees it, for rendering an error that happened before the format was called. */
    private static FormatRequestImpl errorRequest(Exchange ex, String mount) {
        String raw = ex.path();
        String below = raw.length() > mount.length() + 2 ? raw.substring(mount.length() + 2) : "";
        String path;
        try {
            path = SafePath.normalize(below);
        } catch (FormatException e) {
            path = "";
        }
        return new FormatRequestImpl(ex.request(), path, below, caller(ex.principal().orElse(null)), ex.serverUrl());
    }

    private List<String> missing() {
        List<String> out = new ArrayList<>();
        String target = bundleContext.getProperty("ak.startlevel.target");
        if (target != null) {
            int now = bundleContext.getBundle(0).adapt(org.osgi.framework.startlevel.FrameworkStartLevel.class).getStartLevel();
            if (now < Integer.parseInt(target)) {
                out.add("startup: framework at start level " + now + " of " + target);
            }
        }
        Database d = database;
        if (d == null) {
            out.add("database: no database service (the db bundle is not active)");
        } else {
            try {
                d.checkHealth();
            } catch (RuntimeException e) {
                out.add("database: " + e.getMessage());
            }
        }
        BlobStore b = blobStore;
        if (b == null) {
            out.add("storage: no blob store service (the storage bundle is not active)");
        } else {
            try {
                b.checkHealth();
            } catch (IOException | RuntimeException e) {
                out.add("storage: " + e.getMessage());
            }
        }
        CorePlatform c = core;
        if (c == null) {
            out.add("core: the core platform is not active");
        } else if (out.isEmpty()) {
            Map<String, List<String>> byFormat = new TreeMap<>();
            for (RepositoryRecord r : c.repositories().list(null, null)) {
                if (formats.byKey(r.format()).isEmpty()) {
                    byFormat.computeIfAbsent(r.format(), k -> new ArrayList<>()).add(r.key());
                }
            }
            byFormat.forEach((f, repos) -> out.add("format " + f + ": bundle not active (repositories " + repos + ")"));
        }
        return out;
    }

    private void readiness(Exchange ex) throws IOException {
        List<String> missing;
        try {
            missing = missing();
        } catch (RuntimeException e) {
            missing = List.of("database: " + e.getMessage());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", missing.isEmpty() ? "ready" : "not_ready");
        body.put("missing", missing);
        Map<String, Object> checks = new LinkedHashMap<>();
        checks.put("database", missing.stream().noneMatch(s -> s.startsWith("database")) ? "ok" : "failing");
        checks.put("storage", missing.stream().noneMatch(s -> s.startsWith("storage")) ? "ok" : "failing");
        checks.put("core", core != null ? "ok" : "failing");
        checks.put("formats", formats.all().stream().map(e -> e.descriptor().key()).toList());
        body.put("checks", checks);
        ex.json(missing.isEmpty() ? 200 : 503, body);
    }

    private void metrics(Exchange ex) throws IOException {
        Map<String, Number> gauges = new LinkedHashMap<>();
        gauges.put("ak_formats_active", formats.all().size());
        gauges.put("ak_jvm_heap_used_bytes", Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
        CorePlatform c = core;
        if (c != null) {
            gauges.put("ak_proxy_upstream_requests_total", c.proxy().upstreamRequests());
        }
        byte[] body = metrics.render(gauges).getBytes(StandardCharsets.UTF_8);
        HttpServletResponse resp = ex.response();
        resp.setStatus(200);
        resp.setContentType("text/plain; version=0.0.4; charset=utf-8");
        resp.setContentLength(body.length);
        try (OutputStream out = resp.getOutputStream()) {
            out.write(body);
        }
    }

    /** Answers a CORS preflight (true) or adds the CORS headers to a normal response. */
    private boolean cors(HttpServletRequest req, HttpServletResponse resp) {
        String origin = req.getHeader("Origin");
        if (origin == null) {
            return false;
        }
        List<String> allowed = List.of(config.cors_origins());
        if (!allowed.contains("*") && !allowed.contains(origin)) {
            return false;
        }
        resp.setHeader("Access-Control-Allow-Origin", allowed.contains("*") ? "*" : origin);
        resp.setHeader("Vary", "Origin");
        resp.setHeader("Access-Control-Expose-Headers", "ETag, Location, X-Request-Id, Docker-Content-Digest, Link");
        if ("OPTIONS".equalsIgnoreCase(req.getMethod()) && req.getHeader("Access-Control-Request-Method") != null) {
            resp.setHeader("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
            String h = req.getHeader("Access-Control-Request-Headers");
            resp.setHeader("Access-Control-Allow-Headers", h != null ? h : "Authorization, Content-Type");
            resp.setHeader("Access-Control-Max-Age", "600");
            resp.setStatus(204);
            return true;
        }
        return false;
    }

    private String serverUrl(HttpServletRequest req) {
        if (!config.external_url().isBlank()) {
            String u = config.external_url();
            return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
        }
        String scheme = req.getScheme();
        String host = req.getHeader("Host");
        if (config.trust_proxy_headers()) {
            String fp = req.getHeader("X-Forwarded-Proto");
            String fh = req.getHeader("X-Forwarded-Host");
            if (fp != null) {
                scheme = fp.split(",")[0].trim();
            }
            if (fh != null) {
                host = fh.split(",")[0].trim();
            }
        }
        if (host == null || host.isBlank()) {
            host = req.getServerName() + ":" + req.getServerPort();
        }
        return scheme + "://" + host;
    }

    private String clientIp(HttpServletRequest req) {
        if (config.trust_proxy_headers()) {
            String f = req.getHeader("X-Forwarded-For");
            if (f != null && !f.isBlank()) {
                return f.split(",")[0].trim();
            }
        }
        return req.getRemoteAddr();
    }

    static String routeClass(String raw) {
        if (HEALTH.contains(raw) || READY.contains(raw)) {
            return "health";
        }
        if (raw.equals("/metrics")) {
            return "metrics";
        }
        if (raw.startsWith("/api/v1/auth/")) {
            return "auth";
        }
        if (raw.startsWith("/api/")) {
            return "api";
        }
        int s = raw.indexOf('/', 1);
        return "format:" + (s < 0 ? raw.substring(1) : raw.substring(1, s));
    }

    private static boolean isClientAbort(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String n = t.getClass().getName();
            if (n.endsWith("EofException") || n.endsWith("ClientAbortException")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isStorageFailure(IOException e) {
        String n = e.getClass().getName();
        return e instanceof java.nio.file.FileSystemException || n.contains("AccessDenied") || n.contains("ReadOnly");
    }

    private static String rootCause(Throwable t) {
        Throwable c = t;
        for (int i = 0; i < 20 && c.getCause() != null && c.getCause() != c; i++) {
            c = c.getCause();
        }
        return c == t ? t.toString() : t.getClass().getSimpleName() + " <- " + c;
    }
}
