package io.artifactkeeper.core.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.artifactkeeper.api.auth.AuthProvider;
import io.artifactkeeper.api.auth.AuthenticationException;
import io.artifactkeeper.api.auth.ExternalIdentity;
import io.artifactkeeper.core.http.ApiException;
import io.artifactkeeper.core.store.IdentityStore;
import io.artifactkeeper.core.store.UserRecord;

/**
 * Logins, sessions (JWT access + opaque refresh tokens), API tokens, and turning any credential a
 * client sends into a {@link Principal}.
 */
public final class IdentityService {
    private static final Logger LOG = LoggerFactory.getLogger(IdentityService.class);
    public static final String TOKEN_PREFIX = "ak_";
    public static final Set<String> SCOPES = Set.of("read:artifacts", "write:artifacts", "delete:artifacts",
            "read:repositories", "write:repositories", "delete:repositories", "read:users", "write:users", "admin", "*");

    private final IdentityStore users;
    private final Jwt jwt;
    private final Duration accessTtl;
    private final Duration refreshTtl;
    private final Supplier<List<AuthProvider>> providers;
    /** Verified password logins, keyed by a hash of user:password, so Basic on every request stays cheap. */
    private final ConcurrentHashMap<String, Map.Entry<Principal, Long>> basicCache = new ConcurrentHashMap<>();
    private static final long BASIC_CACHE_MS = 60_000;

    private final LoginThrottle throttle;
    /** Told when credentials or roles change, so that nothing keeps trusting the old ones. */
    private final List<Runnable> credentialListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public IdentityService(IdentityStore users, Jdbi jdbi, Duration accessTtl, Duration refreshTtl,
            Supplier<List<AuthProvider>> providers) {
        this(users, jdbi, accessTtl, refreshTtl, providers,
                new LoginThrottle(new LoginThrottle.Limits(10, 50, Duration.ofMinutes(15), Duration.ofMinutes(15))));
    }

    public IdentityService(IdentityStore users, Jdbi jdbi, Duration accessTtl, Duration refreshTtl,
            Supplier<List<AuthProvider>> providers, LoginThrottle throttle) {
        this.throttle = throttle;
        this.users = users;
        this.accessTtl = accessTtl;
        this.refreshTtl = refreshTtl;
        this.providers = providers;
        this.jwt = new Jwt(signingKey(jdbi));
    }

    /** The JWT key lives in the database so that every node and every restart share it. */
    private static byte[] signingKey(Jdbi jdbi) {
        String fresh = HexFormat.of().formatHex(Secrets.randomBytes(32));
        String hex = jdbi.withHandle(h -> {
            h.createUpdate("INSERT INTO system_settings (key, value) VALUES ('jwt_signing_key', :v) ON CONFLICT DO NOTHING")
                    .bind("v", fresh).execute();
            return h.createQuery("SELECT value FROM system_settings WHERE key = 'jwt_signing_key'").mapTo(String.class).one();
        });
        return HexFormat.of().parseHex(hex);
    }

    public IdentityStore store() {
        return users;
    }

    /**
     * Creates {@code admin} on first start: with the configured password, or a generated one that is
     * printed once.
     */
    public void bootstrapAdmin(String configuredPassword) {
        if (users.findUser("admin").isPresent()) {
            return;
        }
        boolean generated = configuredPassword == null || configuredPassword.isBlank();
        String password = generated ? Secrets.randomString(20) : configuredPassword;
        Optional<String> weak = generated ? Optional.empty() : PasswordPolicy.problem("admin", password, true);
        // a weak configured password still starts the server (it may be a first try-out), but must be changed
        weak.ifPresent(w -> LOG.warn("AK_ADMIN_PASSWORD is weak ({}): 'admin' must change it at the first login", w));
        users.createUser("admin", null, "Administrator", Secrets.hashPassword(password), "local", true,
                generated || weak.isPresent());
        if (generated) {
            String banner = "\n==========================================================\n"
                    + " Artifact Keeper created the user 'admin'.\n"
                    + " Generated password (shown once): " + password + "\n"
                    + " Set AK_ADMIN_PASSWORD to choose it on a fresh install.\n"
                    + "==========================================================";
            System.out.println(banner);
        } else {
            LOG.info("created user 'admin' with the configured password");
        }
    }

    // --- password login

    public LoginThrottle throttle() {
        return throttle;
    }

    /**
     * Checks a user name and password: local users first, then the auth providers. Every password
     * the server accepts comes through here, so this is where failures are throttled (per user and
     * per {@link ClientAddress}): a locked-out user name or client gets 429, right password or not.
     */
    public Optional<UserRecord> checkPassword(String username, String password) {
        String client = ClientAddress.current();
        Optional<LoginThrottle.Refusal> refusal = throttle.check(username, client);
        if (refusal.isPresent()) {
            throw new ThrottledException(refusal.get());
        }
        Optional<UserRecord> ok = verifyPassword(username, password);
        if (ok.isPresent()) {
            throttle.succeeded(username);
        } else {
            throttle.failed(username, client);
            LOG.debug("failed password check for user '{}' from {}", username, client);
        }
        return ok;
    }

    /** 429 for a throttled password check, with the seconds to wait. */
    public static final class ThrottledException extends ApiException {
        private static final long serialVersionUID = 1L;
        private final long retryAfterSeconds;

        ThrottledException(LoginThrottle.Refusal r) {
            super(429, "TOO_MANY_FAILED_LOGINS", r.byClient()
                    ? "too many failed password attempts from this address; try again later"
                    : "too many failed password attempts for this user; try again later or ask an administrator "
                            + "to lift the lockout");
            this.retryAfterSeconds = r.retryAfterSeconds();
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    private Optional<UserRecord> verifyPassword(String username, String password) {
        Optional<UserRecord> u = users.findUser(username);
        if (u.isPresent() && "local".equals(u.get().authProvider())) {
            UserRecord r = u.get();
            // the hash is checked for disabled users too: answering faster would tell that they exist
            boolean match = Secrets.checkPassword(password, r.passwordHash());
            return r.active() && match ? u : Optional.empty();
        }
        for (AuthProvider p : providers.get()) {
            try {
                Optional<ExternalIdentity> id = p.authenticate(username, password.toCharArray());
                if (id.isPresent()) {
                    return Optional.of(linkExternal(id.get(), u));
                }
            } catch (AuthenticationException e) {
                return Optional.empty();
            } catch (RuntimeException e) {
                LOG.warn("auth provider {} failed: {}", p.getClass().getName(), e.toString());
            }
        }
        // an unknown user costs one bcrypt check like a known one, or the time would tell them apart
        Secrets.checkPassword(password, null);
        return Optional.empty();
    }

    private UserRecord linkExternal(ExternalIdentity id, Optional<UserRecord> existing) {
        UserRecord u = existing.orElseGet(() -> users.createUser(id.username(), id.email(), id.displayName(), null,
                id.provider(), false, false));
        if (!u.active()) {
            throw ApiException.unauthorized("user is disabled");
        }
        for (String g : id.groups()) {
            users.findGroupByName(g).ifPresent(grp -> users.addMembers(grp.id(), List.of(u.id())));
        }
        return u;
    }

    public Map<String, Object> login(String username, String password) {
        UserRecord u = checkPassword(username, password)
                .orElseThrow(() -> ApiException.unauthorized("invalid username or password"));
        users.touchLogin(u.id());
        return issueSession(u);
    }

    public Map<String, Object> issueSession(UserRecord u) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", u.id().toString());
        claims.put("name", u.username());
        claims.put("adm", u.admin());
        claims.put("typ", "access");
        claims.put("iat", now);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("exp", now + accessTtl.toSeconds());
        String access = jwt.sign(claims);
        String refresh = "akr_" + Secrets.randomString(48);
        users.storeRefreshToken(UUID.randomUUID(), u.id(), Secrets.sha256Hex(refresh), Instant.now().plus(refreshTtl));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("access_token", access);
        m.put("refresh_token", refresh);
        m.put("expires_in", accessTtl.toSeconds());
        m.put("token_type", "Bearer");
        m.put("must_change_password", u.mustChangePassword());
        return m;
    }

    public Map<String, Object> refresh(String refreshToken) {
        UUID userId = users.consumeRefreshToken(Secrets.sha256Hex(refreshToken))
                .orElseThrow(() -> ApiException.unauthorized("invalid or expired refresh token"));
        UserRecord u = users.findUser(userId).filter(UserRecord::active)
                .orElseThrow(() -> ApiException.unauthorized("user is disabled"));
        return issueSession(u);
    }

    public void logout(String refreshToken) {
        if (refreshToken != null) {
            users.consumeRefreshToken(Secrets.sha256Hex(refreshToken));
        }
    }

    // --- API tokens

    /** Longest token name: names are shown in lists and logs, not stores of data. */
    public static final int MAX_TOKEN_NAME = 128;

    public Map<String, Object> createToken(UUID userId, String name, List<String> scopes, Integer expiresInDays) {
        return createToken(userId, name, scopes, expiresInDays, Set.of("*"));
    }

    /**
     * A new API token. {@code callerScopes} are the scopes of the credential asking for it: a token
     * may only mint tokens whose scopes are a subset of its own (without scopes it gets the
     * caller's own), or a read-only token would turn into a {@code *} one.
     */
    public Map<String, Object> createToken(UUID userId, String name, List<String> scopes, Integer expiresInDays,
            Set<String> callerScopes) {
        if (name == null || name.isBlank()) {
            throw ApiException.badRequest("token name is required");
        }
        if (name.length() > MAX_TOKEN_NAME || name.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("token name must be at most " + MAX_TOKEN_NAME
                    + " characters without control characters");
        }
        boolean unlimited = callerScopes.contains("*");
        List<String> s = scopes == null || scopes.isEmpty() ? (unlimited ? List.of("*") : List.copyOf(callerScopes)) : scopes;
        for (String scope : s) {
            if (!SCOPES.contains(scope)) {
                throw ApiException.badRequest("unknown scope: " + scope + " (known: " + SCOPES + ")");
            }
            if (!unlimited && !callerScopes.contains(scope)) {
                throw ApiException.forbidden("a token may only create tokens within its own scopes " + callerScopes
                        + "; " + scope + " is not one of them");
            }
        }
        if (expiresInDays != null && (expiresInDays < 1 || expiresInDays > 3650)) {
            throw ApiException.badRequest("expires_in_days must be between 1 and 3650");
        }
        String secret = TOKEN_PREFIX + Secrets.randomString(40);
        Instant exp = expiresInDays == null ? null : Instant.now().plus(Duration.ofDays(expiresInDays));
        IdentityStore.TokenRecord t = users.createToken(userId, name, Secrets.sha256Hex(secret),
                secret.substring(0, 8), s, exp);
        Map<String, Object> m = t.toJson();
        m.put("token", secret);
        return m;
    }

    /** Deletes the live API token with this secret if it is {@code userId}'s; false otherwise. */
    public boolean revokeOwnApiToken(UUID userId, String secret) {
        if (secret == null || secret.isBlank()) {
            return false;
        }
        return users.resolveToken(Secrets.sha256Hex(secret.trim()))
                .filter(e -> e.getKey().id().equals(userId))
                .map(e -> users.deleteToken(userId, e.getValue().id()))
                .orElse(false);
    }

    // --- credentials on requests

    /** The principal for an access JWT, or empty. */
    public Optional<Principal> fromJwt(String token) {
        Map<String, Object> c = jwt.verify(token, Instant.now().getEpochSecond());
        if (c == null || !"access".equals(c.get("typ")) || !(c.get("sub") instanceof String)) {
            return Optional.empty();
        }
        UUID id = UUID.fromString((String) c.get("sub"));
        // a token exchanged for a scoped API token keeps that token's scopes
        Set<String> scopes = c.get("scp") instanceof List<?> l
                ? Set.copyOf(l.stream().map(String::valueOf).toList()) : Set.of("*");
        // the user may have been disabled or demoted since the token was issued
        return users.findUser(id).filter(UserRecord::active)
                .map(u -> new Principal(u.id(), u.username(), u.admin(), scopes, "jwt", u.mustChangePassword()));
    }

    /**
     * A short-lived access token for a principal, or for anonymous callers one that carries no
     * identity (registry token endpoints hand tokens to anonymous pulls too).
     */
    public String issueAccessToken(Principal p) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        if (p == null) {
            claims.put("anon", true);
        } else {
            claims.put("sub", p.userId().toString());
            claims.put("name", p.username());
            if (!p.scopes().contains("*")) {
                claims.put("scp", List.copyOf(p.scopes()));
            }
        }
        claims.put("typ", "access");
        claims.put("iat", now);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("exp", now + accessTtl.toSeconds());
        return jwt.sign(claims);
    }

    public long accessTokenTtlSeconds() {
        return accessTtl.toSeconds();
    }

    private boolean isAnonymousToken(String token) {
        Map<String, Object> c = jwt.verify(token, Instant.now().getEpochSecond());
        return c != null && Boolean.TRUE.equals(c.get("anon"));
    }

    public Optional<Principal> fromApiToken(String secret) {
        if (secret == null || secret.isBlank()) {
            return Optional.empty();
        }
        return users.resolveToken(Secrets.sha256Hex(secret.trim())).map(e -> new Principal(e.getKey().id(),
                e.getKey().username(), e.getKey().admin(), Set.copyOf(e.getValue().scopes()), "token",
                e.getKey().mustChangePassword()));
    }

    public Optional<Principal> fromPassword(String username, String password) {
        // a lockout holds for remembered passwords too; the check itself is in checkPassword
        Optional<LoginThrottle.Refusal> refusal = throttle.check(username, ClientAddress.current());
        if (refusal.isPresent()) {
            throw new ThrottledException(refusal.get());
        }
        String key = Secrets.sha256Hex(username + "\u0000" + password);
        Map.Entry<Principal, Long> hit = basicCache.get(key);
        long now = System.currentTimeMillis();
        if (hit != null && hit.getValue() > now) {
            return Optional.of(hit.getKey());
        }
        Optional<Principal> p = checkPassword(username, password)
                .map(u -> new Principal(u.id(), u.username(), u.admin(), Set.of("*"), "password", u.mustChangePassword()));
        p.ifPresent(pr -> {
            if (basicCache.size() > 10_000) {
                basicCache.clear();
            }
            basicCache.put(key, Map.entry(pr, now + BASIC_CACHE_MS));
        });
        return p;
    }

    /** Forgets cached password checks (after a password change or user update). */
    public void invalidateCaches() {
        basicCache.clear();
        for (Runnable r : credentialListeners) {
            r.run();
        }
    }

    /** {@code r} runs whenever a password, a role or a user changes ({@link #invalidateCaches}). */
    public void onCredentialsChanged(Runnable r) {
        credentialListeners.add(r);
    }

    public void removeCredentialsListener(Runnable r) {
        credentialListeners.remove(r);
    }

    /**
     * Resolves an {@code Authorization} header in any form a client sends. Empty: no usable
     * credentials were sent. Throws 401 when credentials were sent and are wrong.
     */
    public Optional<Principal> authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Optional.empty();
        }
        String h = authorization.trim();
        int sp = h.indexOf(' ');
        String scheme = sp < 0 ? "" : h.substring(0, sp).toLowerCase();
        String value = sp < 0 ? h : h.substring(sp + 1).trim();
        Optional<Principal> p;
        switch (scheme) {
            case "basic" -> p = basic(value);
            case "bearer", "token" -> {
                if (Jwt.looksLikeJwt(value) && isAnonymousToken(value)) {
                    return Optional.empty();
                }
                if (Jwt.looksLikeJwt(value)) {
                    p = fromJwt(value);
                } else if (value.startsWith(TOKEN_PREFIX)) {
                    p = fromApiToken(value);
                } else {
                    // npm, cargo and go clients send base64(user:password) as a bearer
                    p = basic(value).or(() -> fromApiToken(value));
                }
            }
            default -> p = fromApiToken(h); // cargo, gem: the raw token
        }
        if (p.isEmpty()) {
            throw ApiException.unauthorized("invalid credentials");
        }
        return p;
    }

    private Optional<Principal> basic(String b64) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String user = decoded.substring(0, colon);
        String pass = decoded.substring(colon + 1);
        if (pass.startsWith(TOKEN_PREFIX)) {
            Optional<Principal> t = fromApiToken(pass);
            if (t.isPresent()) {
                return t;
            }
        }
        if (user.isEmpty()) {
            return Optional.empty();
        }
        return fromPassword(user, pass);
    }
}
