package io.artifactkeeper.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.artifactkeeper.api.auth.AuthProvider;
import io.artifactkeeper.api.storage.BlobStore;
import io.artifactkeeper.core.net.OutboundClient;
import io.artifactkeeper.core.net.OutboundFilter;
import io.artifactkeeper.core.repo.AccessControl;
import io.artifactkeeper.core.repo.BlobCollector;
import io.artifactkeeper.core.repo.ContentService;
import io.artifactkeeper.core.repo.ProxyCache;
import io.artifactkeeper.core.repo.RepositoryEngine;
import io.artifactkeeper.core.repo.UploadSessionStore;
import io.artifactkeeper.core.security.IdentityService;
import io.artifactkeeper.core.security.LaunchSecrets;
import io.artifactkeeper.core.security.LoginThrottle;
import io.artifactkeeper.core.security.SecretBox;
import io.artifactkeeper.core.store.IdentityStore;
import io.artifactkeeper.core.store.RepositoryStore;
import io.artifactkeeper.db.Database;

/**
 * The platform's services, up when the database and the configured blob store are: schema
 * migration, the admin bootstrap, identity, repositories and their engines, garbage collection.
 * The HTTP dispatcher binds it dynamically and answers 503 while it is absent.
 */
@Component(service = CorePlatform.class, immediate = true, configurationPid = CorePlatform.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = CorePlatform.Config.class)
public final class CorePlatform {
    public static final String PID = "io.artifactkeeper.core";
    private static final Logger LOG = LoggerFactory.getLogger(CorePlatform.class);

    @ObjectClassDefinition(name = "Artifact Keeper core", description = "Identity, repositories, caching and storage policy")
    public @interface Config {
        @AttributeDefinition(name = "Admin password", description = "Password of the 'admin' user created on the first "
                + "start; empty: generate one and print it once", type = AttributeType.PASSWORD)
        String admin_password() default "";

        @AttributeDefinition(name = "Secrets key file", description = "File holding the key (base64 of 32 bytes) that "
                + "encrypts stored secrets such as upstream passwords; empty: secrets.key in the data directory, created "
                + "owner-only on first use. The environment variable AK_SECRETS_KEY (the key itself) wins over both.")
        String secrets_key_file() default "";

        @AttributeDefinition(name = "Storage backend filter", description = "Which BlobStore to use, by its "
                + "storage.type service property")
        String blobStore_target() default "(storage.type=filesystem)";

        @AttributeDefinition(name = "Access token lifetime (seconds)")
        long access_token_ttl_seconds() default 3600;

        @AttributeDefinition(name = "Refresh token lifetime (seconds)")
        long refresh_token_ttl_seconds() default 7 * 24 * 3600;

        @AttributeDefinition(name = "Format login token lifetime (days)", description = "API tokens that format "
                + "logins issue (npm login) expire after this many days (1 to 3650)")
        int login_token_ttl_days() default 30;

        @AttributeDefinition(name = "Failed logins per user", description = "Failed password checks for one user name "
                + "within the window that lock it for the lockout time (0: no per-user lockout)")
        int login_max_failures_per_user() default 10;

        @AttributeDefinition(name = "Failed logins per client", description = "Failed password checks from one client "
                + "address within the window that block it for the lockout time (0: no per-client block)")
        int login_max_failures_per_client() default 50;

        @AttributeDefinition(name = "Failed login window (seconds)")
        long login_failure_window_seconds() default 15 * 60;

        @AttributeDefinition(name = "Lockout (seconds)", description = "How long a locked user name or client stays "
                + "locked; an administrator can lift it earlier")
        long login_lockout_seconds() default 15 * 60;

        @AttributeDefinition(name = "Largest upload (bytes)", description = "-1: no limit")
        long max_upload_bytes() default 10L * 1024 * 1024 * 1024;

        @AttributeDefinition(name = "Remote metadata TTL (seconds)", description = "How long a remote repository serves "
                + "cached metadata before asking upstream again")
        long metadata_ttl_seconds() default 300;

        @AttributeDefinition(name = "Upstream connect timeout (ms)")
        long upstream_connect_timeout_ms() default 5000;

        @AttributeDefinition(name = "Upstream request timeout (ms)")
        long upstream_request_timeout_ms() default 60000;

        @AttributeDefinition(name = "Outbound allow-list", description = "Address ranges (CIDR, comma separated) that "
                + "remote repositories and plugin installs may reach although they are loopback, private or link-local, "
                + "e.g. 10.0.0.0/8 for an upstream on the internal network; empty: public addresses only")
        String outbound_allow() default "";

        @AttributeDefinition(name = "Upstream token hosts", description = "Hosts (comma separated) besides an upstream's "
                + "own that may receive its credentials when it names them as the token realm (registry token auth)")
        String upstream_token_hosts() default "auth.docker.io";

        @AttributeDefinition(name = "Upload session lifetime (minutes)", description = "Chunked uploads untouched for "
                + "this long are discarded")
        long upload_session_ttl_minutes() default 24 * 60;

        @AttributeDefinition(name = "Blob GC interval (minutes)", description = "0: only on demand")
        long gc_interval_minutes() default 360;

        @AttributeDefinition(name = "Blob GC grace (minutes)", description = "Unreferenced blobs younger than this are "
                + "kept: their rows may be about to commit")
        long gc_grace_minutes() default 60;
    }

    private final Database database;
    private final BlobStore blobs;
    private final IdentityService identity;
    private final RepositoryStore repositories;
    private final RepositoryEngine engine;
    private final AccessControl access;
    private final BlobCollector collector;
    private final ProxyCache proxy;
    private final UploadSessionStore uploads;
    private final io.artifactkeeper.core.signing.SigningService signing;
    private final List<AuthProvider> authProviders = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final BundleContext bundleContext;

    @Activate
    public CorePlatform(BundleContext ctx, Config config, @Reference Database database,
            @Reference(target = "(storage.type=filesystem)", name = "blobStore") BlobStore blobs,
            @Reference OutboundFilter outbound) {
        this.database = database;
        this.blobs = blobs;
        this.bundleContext = ctx;
        long t0 = System.nanoTime();
        database.migrate("core", ctx.getBundle(), "db/migration/core");
        IdentityStore users = new IdentityStore(database.jdbi());
        String dataDir = ctx.getProperty("ak.data.dir");
        Path dataPath = dataDir == null || dataDir.isBlank() ? Path.of(System.getProperty("java.io.tmpdir"), "ak-data")
                : Path.of(dataDir);
        // the key is read from the environment here, not passed as a framework property: those show on the console
        SecretBox secrets = SecretBox.open(System.getenv("AK_SECRETS_KEY"), config.secrets_key_file().isBlank()
                ? dataPath.resolve("secrets.key") : Path.of(config.secrets_key_file()));
        this.repositories = new RepositoryStore(database.jdbi(), secrets);
        int sealed = repositories.encryptPlainSecrets();
        if (sealed > 0) {
            LOG.info("encrypted the stored upstream credentials of {} repositories", sealed);
        }
        this.identity = new IdentityService(users, database.jdbi(), Duration.ofSeconds(config.access_token_ttl_seconds()),
                Duration.ofSeconds(config.refresh_token_ttl_seconds()), () -> List.copyOf(authProviders),
                new LoginThrottle(new LoginThrottle.Limits(config.login_max_failures_per_user(),
                        config.login_max_failures_per_client(), Duration.ofSeconds(config.login_failure_window_seconds()),
                        Duration.ofSeconds(config.login_lockout_seconds()))));
        String adminPassword = config.admin_password();
        if (adminPassword == null || adminPassword.isBlank()) {
            adminPassword = LaunchSecrets.get(ctx, "admin.password");
        }
        identity.bootstrapAdmin(adminPassword);
        ContentService content = new ContentService(blobs, repositories, config.max_upload_bytes());
        this.proxy = new ProxyCache(content, new OutboundClient(outbound, Duration.ofMillis(config.upstream_connect_timeout_ms())),
                OutboundFilter.split(config.upstream_token_hosts()).stream().map(h -> h.toLowerCase(java.util.Locale.ROOT))
                        .collect(java.util.stream.Collectors.toUnmodifiableSet()),
                Duration.ofSeconds(config.metadata_ttl_seconds()), Duration.ofMillis(config.upstream_request_timeout_ms()));
        Path uploadsDir = dataPath.resolve("uploads");
        this.uploads = new UploadSessionStore(uploadsDir, content, config.max_upload_bytes(),
                Duration.ofMinutes(config.upload_session_ttl_minutes()));
        this.engine = new RepositoryEngine(content, proxy, identity, uploads, config.login_token_ttl_days());
        this.access = new AccessControl(repositories);
        this.signing = new io.artifactkeeper.core.signing.SigningService(database.jdbi(), secrets);
        engine.signing(signing);
        this.collector = new BlobCollector(blobs, repositories, Duration.ofMinutes(config.gc_grace_minutes()));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("ak-gc").factory());
        long sweep = Math.max(1, Math.min(60, config.upload_session_ttl_minutes() / 4));
        scheduler.scheduleWithFixedDelay(this::expireUploadsQuietly, 0, sweep, TimeUnit.MINUTES);
        if (config.gc_interval_minutes() > 0) {
            scheduler.scheduleWithFixedDelay(this::collectQuietly, config.gc_interval_minutes(),
                    config.gc_interval_minutes(), TimeUnit.MINUTES);
        }
        LOG.info("core platform up in {} ms (database: {})", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                database.describe());
    }

    @Deactivate
    void deactivate() {
        scheduler.shutdownNow();
    }

    private void collectQuietly() {
        try {
            collector.collect();
        } catch (Exception e) {
            LOG.warn("blob garbage collection failed: {}", e.toString());
        }
    }

    private void expireUploadsQuietly() {
        try {
            uploads.expire();
        } catch (Exception e) {
            LOG.warn("expiring upload sessions failed: {}", e.toString());
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindAuthProvider(AuthProvider p) {
        authProviders.add(p);
    }

    void unbindAuthProvider(AuthProvider p) {
        authProviders.remove(p);
    }

    public io.artifactkeeper.core.signing.SigningService signing() {
        return signing;
    }

    public BundleContext bundleContext() {
        return bundleContext;
    }

    public Database database() {
        return database;
    }

    public BlobStore blobs() {
        return blobs;
    }

    public IdentityService identity() {
        return identity;
    }

    public RepositoryStore repositories() {
        return repositories;
    }

    public RepositoryEngine engine() {
        return engine;
    }

    public AccessControl access() {
        return access;
    }

    public BlobCollector collector() {
        return collector;
    }

    public ProxyCache proxy() {
        return proxy;
    }
}
