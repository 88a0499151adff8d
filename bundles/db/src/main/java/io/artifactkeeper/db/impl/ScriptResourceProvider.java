package io.artifactkeeper.db.impl;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * Hands Flyway a fixed list of scripts, so that it never scans a class path or file system (which
 * in OSGi would look at the wrong class loader). Names are matched on the file name; the relative
 * path Flyway records in its history is the file name too, so moving the scripts to another folder
 * does not change the history.
 */
final class ScriptResourceProvider implements ResourceProvider {

    private final List<ScriptResource> resources;

    ScriptResourceProvider(List<MigrationScript> scripts) {
        this.resources = scripts.stream().map(ScriptResource::new).toList();
    }

    @Override
    public LoadableResource getResource(String name) {
        for (ScriptResource r : resources) {
            if (r.getFilename().equals(name) || r.getRelativePath().equals(name)) {
                return r;
            }
        }
        return null;
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
        return resources.stream()
                .filter(r -> r.getFilename().startsWith(prefix))
                .filter(r -> Arrays.stream(suffixes).anyMatch(s -> r.getFilename().endsWith(s)))
                .map(LoadableResource.class::cast)
                .toList();
    }

    private static final class ScriptResource extends LoadableResource {
        private final MigrationScript script;

        ScriptResource(MigrationScript script) {
            this.script = script;
        }

        @Override
        public Reader read() {
            try {
                return script.content().open();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read migration script " + script.location(), e);
            }
        }

        @Override
        public String getAbsolutePath() {
            return script.location();
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return script.location();
        }

        @Override
        public String getFilename() {
            return script.name();
        }

        @Override
        public String getRelativePath() {
            return script.name();
        }
    }
}
