package io.artifactkeeper.api.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The one address filter every outbound fetch goes through. A URL a user, an upstream or its
 * metadata names could otherwise make the server reach its own loopback, the cloud metadata
 * service or the private network behind it (SSRF).
 */
@ProviderType
public interface OutboundPolicy {

    /**
     * Checks that {@code uri} is http(s) and that every address its host resolves to may be
     * reached; returns those addresses.
     *
     * @throws OutboundRefusedException when the scheme or an address is not allowed (nothing was sent)
     * @throws IOException when the host does not resolve
     */
    List<InetAddress> check(URI uri) throws IOException;

    /** Refused by the outbound policy before any connection was made. */
    final class OutboundRefusedException extends IOException {
        private static final long serialVersionUID = 1L;

        public OutboundRefusedException(String message) {
            super(message);
        }
    }
}
