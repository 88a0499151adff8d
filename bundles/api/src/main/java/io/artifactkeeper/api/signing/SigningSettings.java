package io.artifactkeeper.api.signing;

import java.util.Optional;

/**
 * A repository's signing configuration ({@code /api/v1/signing/repositories/{key}/config}).
 *
 * @param signer the key that signs this repository's indexes, if one is configured and usable (not
 *        revoked)
 * @param signMetadata whether generated indexes are signed
 * @param signPackages whether packages are signed as they are stored (formats that support it)
 * @param requireSignatures whether uploads must carry a signature the format can check
 */
public record SigningSettings(Optional<RepositorySigner> signer, boolean signMetadata, boolean signPackages,
        boolean requireSignatures) {

    public static final SigningSettings NONE = new SigningSettings(Optional.empty(), false, false, false);

    public SigningSettings {
        signer = signer == null ? Optional.empty() : signer;
    }

    /** The signer for generated indexes: present when a key is configured and metadata signing is on. */
    public Optional<RepositorySigner> metadataSigner() {
        return signMetadata ? signer : Optional.empty();
    }

    /**
     * Part of the cache key of a signed index: changes when the key or the configuration does, so that
     * an index is re-signed after a rotation.
     */
    public String stamp() {
        return signer.map(s -> s.id() + ":" + s.fingerprint()).orElse("-") + (signMetadata ? ":m" : "") + (signPackages ? ":p" : "")
                + (requireSignatures ? ":r" : "");
    }
}
