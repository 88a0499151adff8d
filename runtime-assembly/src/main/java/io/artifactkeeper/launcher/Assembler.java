package io.artifactkeeper.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Build step: lays out the distribution from the features.
 *
 * <pre>
 * Assembler &lt;features dir&gt; &lt;bundle jars dir&gt; &lt;launcher jars dir&gt; &lt;static files dir&gt; &lt;output dir&gt;
 * </pre>
 *
 * Fails when a feature names a bundle the build did not fetch, so that the features and the
 * features module's dependencies cannot drift apart.
 */
public final class Assembler {

    private Assembler() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            throw new IllegalArgumentException("usage: Assembler features bundles launcherLibs static out");
        }
        Path features = Path.of(args[0]);
        Path bundles = Path.of(args[1]);
        Path libs = Path.of(args[2]);
        Path statics = Path.of(args[3]);
        Path out = Path.of(args[4]);

        List<Feature> all = new ArrayList<>(Feature.readAll(features));
        Path optional = features.resolve("optional");
        if (Files.isDirectory(optional)) {
            all.addAll(Feature.readAll(optional));
        }
        Set<String> wanted = new TreeSet<>();
        List<String> missing = new ArrayList<>();
        for (Feature f : all) {
            for (Feature.BundleRef b : f.bundles()) {
                wanted.add(b.fileName());
                if (!Files.isRegularFile(bundles.resolve(b.fileName()))) {
                    missing.add(b.id() + " (feature " + f.source().getFileName() + ")");
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("features name bundles the build did not fetch; add them to features/pom.xml: "
                    + missing);
        }
        Set<String> unused = new TreeSet<>();
        try (Stream<Path> s = Files.list(bundles)) {
            s.map(p -> p.getFileName().toString()).filter(n -> !wanted.contains(n)).forEach(unused::add);
        }
        if (!unused.isEmpty()) {
            throw new IllegalStateException("features/pom.xml fetches bundles no feature names: " + unused);
        }

        deleteTree(out.resolve("bundles"));
        deleteTree(out.resolve("features"));
        deleteTree(out.resolve("lib"));
        for (String d : List.of("bundles", "features/optional", "lib", "etc", "deploy", "bin")) {
            Files.createDirectories(out.resolve(d));
        }
        for (String n : wanted) {
            Files.copy(bundles.resolve(n), out.resolve("bundles").resolve(n), StandardCopyOption.REPLACE_EXISTING);
        }
        for (Feature f : all) {
            Path rel = features.relativize(f.source());
            Files.copy(f.source(), out.resolve("features").resolve(rel.toString()), StandardCopyOption.REPLACE_EXISTING);
        }
        try (Stream<Path> s = Files.walk(libs)) {
            // sub-folders too: lib/jit holds the compiler jars that go on the module path, not the class path
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Path target = out.resolve("lib").resolve(libs.relativize(p).toString());
                Files.createDirectories(target.getParent());
                Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try (Stream<Path> s = Files.walk(statics)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Path target = out.resolve(statics.relativize(p).toString());
                Files.createDirectories(target.getParent());
                Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                if (target.getParent().getFileName().toString().equals("bin")) {
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
        System.out.printf("[assembler] %d bundles from %d features into %s%n", wanted.size(), all.size(), out);
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(x);
            }
        }
    }
}
