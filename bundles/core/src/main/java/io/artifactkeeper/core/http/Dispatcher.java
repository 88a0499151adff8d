package io.artifactkeeper.core.http;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.http.ApiExtension;
import io.artifactkeeper.api.storage.BlobStore;
import io.artifactkeeper.core.CorePlatform;
import io.artifactkeeper.core.api.IdentityApi;
import io.artifactkeeper.core.api.RepositoryApi;
import io.artifactkeeper.core.repo.FormatRegistry;
import io.artifactkeeper.core.security.ClientAddress;
import io.artifactkeeper.core.security.IdentityService;
import io.artifactkeeper.core.security.Principal;
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

    // the pipeline's parts, each along one seam
    private final ClientInfo client;
    private final Cors cors;
    private final FormatRoutes formatRoutes;
    private final ErrorResponses errors;
    private final HealthEndpoints health;

    @Activate
    public Dispatcher(BundleContext bundleContext, @Reference FormatRegistry formats, Config config) {
        this.bundleContext = bundleContext;
        this.formats = formats;
        this.config = config;
        this.apiLimiter = new RateLimiter(config.rate_limit_api_per_second(), Math.max(10, config.rate_limit_api_per_second() * 2));
        this.formatLimiter = new RateLimiter(config.rate_limit_format_per_second(),
                Math.max(10, config.rate_limit_format_per_second() * 2));
        this.authLimiter = new RateLimiter(config.rate_limit_auth_per_second(), Math.max(10, config.rate_limit_auth_per_second() * 2));
        this.client = new ClientInfo(config.external_url(), config.trust_proxy_headers());
        this.cors = new Cors(config.cors_origins(), PID);
        this.formatRoutes = new FormatRoutes(formats, config::format_update_wait_ms);
        this.errors = new ErrorResponses(formats);
        this.health = new HealthEndpoints(bundleContext, formats, metrics, () -> database, () -> blobStore, () -> core);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindCore(CorePlatform c) {
        Router r = new Router();
        new IdentityApi(c).register(r);
        new RepositoryApi(c, formats).register(r);
        new io.artifactkeeper.core.api.SigningApi(c).register(r);
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
        ex.requestId(AccessLog.requestId(req));
        resp.setHeader("X-Request-Id", ex.requestId());
        ex.serverUrl(client.serverUrl(req));
        String route = AccessLog.routeClass(raw);
        String logged = AccessLog.forLog(raw, req.getQueryString());
        try {
            ClientAddress.set(client.clientIp(req));
            handle(ex, raw, route);
        } catch (FormatException e) {
            if (e instanceof IdentityService.ThrottledException t) {
                resp.setHeader("Retry-After", String.valueOf(t.retryAfterSeconds()));
            }
            errors.send(ex, route, e.status(), e.code(), e.getMessage());
        } catch (Exception e) {
            if (DatabaseUnavailableException.isUnavailable(e)) {
                // the innermost reason (a pool timeout under load and an outage look alike to the client),
                // at most once a second so that an outage does not flood the log
                long now = System.nanoTime();
                long last = lastUnavailableLog.get();
                if (now - last > 1_000_000_000L && lastUnavailableLog.compareAndSet(last, now)) {
                    LOG.warn("database unavailable on {} {} (request {}): {}", req.getMethod(), logged, ex.requestId(),
                            ErrorResponses.rootCause(e));
                }
                errors.send(ex, route, 503, "DATABASE_UNAVAILABLE", "the database is unavailable; retry later");
            } else if (ErrorResponses.isClientAbort(e)) {
                LOG.debug("client went away: {} {}", req.getMethod(), logged);
            } else if (e instanceof IOException io && ErrorResponses.isStorageFailure(io)) {
                LOG.warn("storage failure on {} {}: {}", req.getMethod(), logged, io.toString());
                errors.send(ex, route, 503, "STORAGE_UNAVAILABLE", "storage is unavailable: " + io.getMessage());
            } else {
                LOG.error("request {} {} {} failed", ex.requestId(), req.getMethod(), logged, e);
                errors.send(ex, route, 500, "INTERNAL_ERROR", "internal error (request id " + ex.requestId() + ")");
            }
        } finally {
            ClientAddress.clear();
            long nanos = System.nanoTime() - t0;
            metrics.end(route, req.getMethod(), resp.getStatus(), nanos);
            if (!route.equals("health")) {
                AccessLog.log(client.clientIp(req), req.getMethod(), logged, resp.getStatus(),
                        TimeUnit.NANOSECONDS.toMillis(nanos), ex.principal().map(Principal::username).orElse("-"),
                        ex.requestId());
            }
        }
    }

    private void handle(Exchange ex, String raw, String route) throws Exception {
        HttpServletRequest req = ex.request();
        HttpServletResponse resp = ex.response();
        if (cors.handle(req, resp)) {
            return;
        }
        if (AccessLog.HEALTH.contains(raw)) {
            ex.json(200, Map.of("status", "ok"));
            return;
        }
        if (AccessLog.READY.contains(raw)) {
            health.readiness(ex);
            return;
        }
        if (draining) {
            resp.setHeader("Connection", "close");
            throw ApiException.unavailable("server is stopping");
        }
        String qs = req.getQueryString();
        if (qs != null && (qs.contains("%00") || qs.indexOf('\0') >= 0)) {
            // no parameter of any route may hold a NUL (PostgreSQL refuses it in text: a 500 otherwise)
            throw ApiException.badRequest("the query contains a NUL byte");
        }
        if (raw.equals("/metrics")) {
            health.metrics(ex);
            return;
        }
        CorePlatform c = core;
        Router r = router;
        if (c == null || r == null) {
            throw ApiException.unavailable("not ready: " + String.join("; ", health.missing()));
        }
        RateLimiter limiter = route.equals("auth") && takesCredentials(raw) ? authLimiter
                : route.equals("api") || route.equals("auth") ? apiLimiter : formatLimiter;
        if (!limiter.tryAcquire(client.clientIp(req) + "|" + route)) {
            resp.setHeader("Retry-After", String.valueOf(limiter.retryAfterSeconds()));
            throw new ApiException(429, "RATE_LIMITED", "too many requests");
        }
        limiter.sweep();
        String method = req.getMethod().toUpperCase(Locale.ROOT);
        boolean write = !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"));
        if (config.demo_mode() && write && !route.equals("auth")) {
            throw new ApiException(403, "DEMO_MODE", "this instance is in demo mode: writes are disabled");
        }
        if (write) {
            cors.refuseCrossSite(ex);
        }
        Authenticator.authenticate(ex, c);
        Principal who = ex.principal().orElse(null);
        if (who != null && who.mustChangePassword() && !Authenticator.mayActBeforePasswordChange(method, raw, who)) {
            throw new ApiException(403, "PASSWORD_CHANGE_REQUIRED", "the password of " + who.username()
                    + " must be changed first: POST /api/v1/users/" + who.userId() + "/password");
        }
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
        formatRoutes.serve(ex, c, raw);
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
        FormatRequestImpl freq = new FormatRequestImpl(ex.request(), SafePath.normalize(rest), rest, FormatRoutes.caller(principal),
                ex.serverUrl());
        FormatRoutes.write(ex, e.extension().handle(freq));
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

    /**
     * The auth routes that check a secret the caller offers (a password, a refresh token, a one-time
     * code, an identity token): the ones the auth rate limit slows down. An authenticated caller
     * managing its own session ({@code /auth/me}, {@code /auth/tokens}, logout) counts as an API call.
     */
    static boolean takesCredentials(String raw) {
        return raw.endsWith("/login") || raw.endsWith("/refresh") || raw.endsWith("/exchange")
                || raw.startsWith("/api/v1/auth/totp/") || raw.equals("/api/v1/auth/ci/token") || raw.endsWith("/acs")
                || raw.endsWith("/callback");
    }
}
