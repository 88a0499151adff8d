/**
 * The database service: one PostgreSQL (external, or embedded for a first run) reached through a
 * connection pool and JDBI, with per-module Flyway migrations. Bundles that need tables bring
 * their own SQL scripts and call {@link io.artifactkeeper.db.Database#migrate} when they start.
 */
@Export
@Version("1.0.0")
package io.artifactkeeper.db;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
