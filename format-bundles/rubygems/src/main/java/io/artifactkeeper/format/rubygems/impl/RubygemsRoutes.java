package io.artifactkeeper.format.rubygems.impl;

import java.util.List;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.Route;

/**
 * The routes below {@code /gems/{repo}/}, as data, in matching order: the repository root is the
 * gem source URL ({@code gem install --source}, a Gemfile's {@code source}, {@code gem push --host}).
 */
final class RubygemsRoutes {
    private static final String FILE = "{file:[A-Za-z0-9._-]+}";

    private RubygemsRoutes() {
    }

    static List<Route> all() {
        return List.of(
                // the compact index (bundler, RubyGems 3)
                Route.read("versions", "versions").metadata(),
                Route.read("info", "info/{name}").metadata(),
                Route.read("names", "names").metadata(),
                // the legacy Marshal indexes (gem install's spec fetcher, gem list --remote)
                Route.read("specs", "{specs:specs\\.4\\.8\\.gz|latest_specs\\.4\\.8\\.gz|prerelease_specs\\.4\\.8\\.gz}")
                        .metadata(),
                Route.read("quick", "quick/Marshal.4.8/" + FILE),
                Route.read("dependencies", "api/v1/dependencies").metadata(),
                // gem files: download, and upload of a named file (the artifacts API goes through it too)
                Route.read("gem", "gems/" + FILE),
                Route.of("upload", "PUT", "gems/" + FILE, Access.WRITE),
                // gem push and gem yank
                Route.of("push", "POST", "api/v1/gems", Access.WRITE),
                Route.of("yank", "DELETE", "api/v1/gems/yank", Access.DELETE));
    }
}
