/**
 * Authentication providers: LDAP, OpenID Connect, SAML and the built-in password, token and JWT
 * checks all answer {@link io.artifactkeeper.api.auth.AuthProvider}.
 */
@Export
@Version("1.0.0")
package io.artifactkeeper.api.auth;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
