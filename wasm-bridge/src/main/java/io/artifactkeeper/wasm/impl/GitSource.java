package io.artifactkeeper.wasm.impl;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.artifactkeeper.api.net.OutboundPolicy;

/**
 * Fetches a plugin from a Git repository with JGit: branches, tags and HEAD fetched into a
 * temporary bare repository, the
 * ref resolved (branch, tag or commit), and the files of the plugin's folder read from that
 * commit's tree (nothing is checked out). The clone is deleted afterwards.
 *
 * <p>Only http(s) URLs whose host passes the server's {@link OutboundPolicy}: JGit would otherwise
 * read local paths, {@code file://} and {@code ssh://} too, i.e. anything the server can reach.
 * Redirects are not followed (they would skip the check), and what the remote answered is never put
 * into an error message (a fetch of an internal page must not become a way to read it).
 */
final class GitSource {
    private static final Logger LOG = LoggerFactory.getLogger(GitSource.class);
    private static final String REMOTE_HEAD = "refs/remote-head";

    private GitSource() {
    }

    static PluginPackage fetch(String url, String ref, String subdir, Path tmpRoot, OutboundPolicy outbound)
            throws PluginPackage.InvalidPackageException {
        if (url == null || url.isBlank()) {
            throw new PluginPackage.InvalidPackageException("url is required");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (java.net.URISyntaxException e) {
            throw new PluginPackage.InvalidPackageException("only http(s) Git URLs are accepted, not " + url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new PluginPackage.InvalidPackageException("only http(s) Git URLs are accepted, not " + url);
        }
        try {
            outbound.check(uri);
        } catch (OutboundPolicy.OutboundRefusedException e) {
            throw new PluginPackage.InvalidPackageException(e.getMessage());
        } catch (IOException e) {
            throw new PluginPackage.InvalidPackageException("cannot reach " + uri.getHost() + ": " + e.getClass().getSimpleName());
        }
        String r = ref == null || ref.isBlank() ? "HEAD" : ref.trim();
        String folder = subdir == null ? "" : PluginPackage.trimSlashes(subdir);
        if (folder.contains("..")) {
            throw new PluginPackage.InvalidPackageException("path must not contain '..'");
        }
        Path tmp = null;
        try {
            Files.createDirectories(tmpRoot);
            tmp = Files.createTempDirectory(tmpRoot, "git-");
            try (Git git = Git.init().setBare(true).setDirectory(tmp.toFile()).call()) {
                Repository repo = git.getRepository();
                // no automatic gc in the background: the folder is deleted right after
                StoredConfig cfg = repo.getConfig();
                cfg.setInt("gc", null, "auto", 0);
                cfg.setBoolean("gc", null, "autoDetach", false);
                // a redirect would lead past the address check
                cfg.setString("http", null, "followRedirects", "false");
                cfg.save();
                git.fetch().setRemote(url.trim()).setTimeout(60).setRefSpecs(new RefSpec("+refs/heads/*:refs/heads/*"),
                        new RefSpec("+refs/tags/*:refs/tags/*"), new RefSpec("+HEAD:" + REMOTE_HEAD)).call();
                ObjectId id = resolve(repo, r.equals("HEAD") ? REMOTE_HEAD : r);
                if (id == null) {
                    throw new PluginPackage.InvalidPackageException("ref '" + r + "' not found in " + url);
                }
                try (RevWalk walk = new RevWalk(repo)) {
                    RevCommit commit = walk.parseCommit(id);
                    Map<String, byte[]> files = new LinkedHashMap<>();
                    try (TreeWalk tw = new TreeWalk(repo)) {
                        tw.addTree(commit.getTree());
                        tw.setRecursive(true);
                        String prefix = folder.isEmpty() ? "" : folder + "/";
                        while (tw.next()) {
                            String p = tw.getPathString();
                            if (!p.startsWith(prefix)) {
                                continue;
                            }
                            String rel = p.substring(prefix.length());
                            if (rel.contains("/") || !(rel.equals("plugin.toml") || rel.endsWith(".wasm") || rel.endsWith(".sig"))) {
                                continue;
                            }
                            ObjectLoader ol = repo.open(tw.getObjectId(0));
                            if (ol.getSize() > PluginPackage.MAX_FILE) {
                                throw new PluginPackage.InvalidPackageException(p + " is larger than " + PluginPackage.MAX_FILE
                                        + " bytes");
                            }
                            files.put(rel, ol.getBytes());
                        }
                    }
                    String where = (folder.isEmpty() ? "the repository's root" : "folder " + folder) + " at " + r + " ("
                            + commit.getName().substring(0, 12) + ")";
                    return PluginPackage.fromFiles(files, where, commit.getName());
                }
            }
        } catch (GitAPIException | org.eclipse.jgit.errors.RevisionSyntaxException e) {
            // JGit's message may quote what the remote answered: logged, not returned
            LOG.info("git fetch of {} failed: {}", url, e.toString());
            throw new PluginPackage.InvalidPackageException("cannot fetch " + url + ": not a Git repository that answers over "
                    + "http(s), or it refused the request (the server log has the details)");
        } catch (IOException e) {
            throw new PluginPackage.InvalidPackageException("cannot read " + url + " at " + r + ": " + e.getMessage());
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    private static ObjectId resolve(Repository repo, String ref) throws IOException {
        for (String candidate : new String[] {ref, "refs/heads/" + ref, "refs/tags/" + ref + "^{commit}", ref + "^{commit}"}) {
            ObjectId id = repo.resolve(candidate);
            if (id != null) {
                return id;
            }
        }
        return null;
    }

    private static void deleteTree(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(x -> x.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp folder
        }
    }
}
