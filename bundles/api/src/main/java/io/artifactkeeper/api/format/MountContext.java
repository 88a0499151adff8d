package io.artifactkeeper.api.format;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What a format sees for a request under its mount that names no existing repository, such as
 * OCI's {@code GET /v2/}, {@code /v2/_catalog} and {@code /v2/token}.
 */
@ProviderType
public interface MountContext {

    /** External URL of the mount, without trailing slash: {@code http://host/v2}. */
    String baseUrl();

    /** Repositories of this format that the caller may read, by key. */
    List<RepositoryContext> readableRepositories();

    /** A repository of this format by key, if it exists and the caller may read it. */
    Optional<RepositoryContext> repository(String key);

    /**
     * A short-lived bearer token for the caller that the core accepts on later requests (e.g. the
     * answer of a registry token endpoint). Anonymous callers get a token that carries no identity.
     */
    String issueAccessToken();

    /** Lifetime of tokens from {@link #issueAccessToken()}, in seconds. */
    long accessTokenTtlSeconds();
}
