package io.artifactkeeper.storage.fs.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.felix.framework.Felix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/**
 * The built bundle in a bare Felix next to exactly what it may depend on at run time: the SPI
 * bundle and SCR (with the OSGi API bundles SCR needs). No Config Admin, no Metatype, no logging
 * bundles: the component must come up on its defaults, under the framework property
 * {@code ak.data.dir}.
 */
class FelixResolutionIT {

    private static final String HELLO_SHA256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    @Test
    void resolvesAndServesWithOnlyTheSpiAndScr(@TempDir Path dir) throws Exception {
        Path dataDir = dir.resolve("data");
        Map<String, Object> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, dir.resolve("felix-cache").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put("ak.data.dir", dataDir.toString());
        config.put("ds.loglevel", "warn");
        Felix felix = new Felix(config);
        felix.start();
        try {
            BundleContext ctx = felix.getBundleContext();
            List<Bundle> bundles = new ArrayList<>();
            try (Stream<Path> jars = Files.list(Path.of(System.getProperty("it.bundles")))) {
                for (Path jar : jars.sorted().toList()) {
                    bundles.add(ctx.installBundle(jar.toUri().toString()));
                }
            }
            Bundle storage = ctx.installBundle(Path.of(System.getProperty("it.bundle")).toUri().toString());
            bundles.add(storage);
            for (Bundle b : bundles) {
                b.start();
            }
            assertThat(bundles).allSatisfy(b -> assertThat(b.getState()).as(b.getSymbolicName()).isEqualTo(Bundle.ACTIVE));

            assertThat(storage.getHeaders().get(Constants.EXPORT_PACKAGE)).as("exports").isNull();
            assertThat(importedPackages(storage.getHeaders().get(Constants.IMPORT_PACKAGE)))
                    .allSatisfy(p -> assertThat(p).matches("java\\..*|io\\.artifactkeeper\\.api\\.storage|org\\.osgi\\.framework"));

            ServiceReference<?> ref = awaitService(ctx, "(&(objectClass=io.artifactkeeper.api.storage.BlobStore)(storage.type=filesystem))");
            assertThat(ref.getBundle()).isEqualTo(storage);
            assertThat(ref.getProperty("component.name")).isEqualTo(FileBlobStore.class.getName());
            Object blobStore = ctx.getService(ref);

            // The service's types come from the bundles, not from this class path: call it reflectively.
            Method put = blobStore.getClass().getMethod("put", InputStream.class, long.class);
            Object blobRef = put.invoke(blobStore, new ByteArrayInputStream("hello".getBytes(StandardCharsets.US_ASCII)), -1L);
            assertThat(blobRef.getClass().getMethod("sha256").invoke(blobRef)).isEqualTo(HELLO_SHA256);
            blobStore.getClass().getMethod("checkHealth").invoke(blobStore);
            assertThat(dataDir.resolve("blobs/sha256/2c/f2/" + HELLO_SHA256)).hasContent("hello");
            ctx.ungetService(ref);
        } finally {
            felix.stop();
            felix.waitForStop(30_000);
        }
    }

    private static ServiceReference<?> awaitService(BundleContext ctx, String filter) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            // "All": the system bundle does not wire to the SPI package, so the class-space check
            // of getServiceReferences would hide the service from it.
            ServiceReference<?>[] refs = ctx.getAllServiceReferences(null, filter);
            if (refs != null && refs.length > 0) {
                return refs[0];
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no service " + filter + " within 30 s; see SCR's log above");
    }

    /** Package names of an Import-Package header (attributes and quoted ranges dropped). */
    private static List<String> importedPackages(String header) {
        if (header == null) {
            return List.of();
        }
        String withoutQuoted = header.replaceAll("\"[^\"]*\"", "");
        return Arrays.stream(withoutQuoted.split(","))
                .map(clause -> clause.split(";")[0].strip())
                .toList();
    }
}
