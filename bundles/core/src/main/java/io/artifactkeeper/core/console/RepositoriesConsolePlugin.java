package io.artifactkeeper.core.console;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.artifactkeeper.api.format.RepositoryType;
import io.artifactkeeper.core.CorePlatform;
import io.artifactkeeper.core.repo.FormatRegistry;
import io.artifactkeeper.core.store.RepositoryRecord;
import io.artifactkeeper.core.store.RepositoryStore;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Web Console page: list, create and delete repositories, and edit virtual members. */
@Component(service = Servlet.class, property = {"felix.webconsole.label=ak-repositories",
    "felix.webconsole.title=Repositories", "felix.webconsole.category=Artifact Keeper"})
public final class RepositoriesConsolePlugin extends ConsolePage {
    private static final long serialVersionUID = 1L;
    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");

    private transient volatile CorePlatform core;
    private final transient FormatRegistry formats;

    @org.osgi.service.component.annotations.Activate
    public RepositoriesConsolePlugin(@Reference FormatRegistry formats) {
        this.formats = formats;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindCore(CorePlatform c) {
        this.core = c;
    }

    void unbindCore(CorePlatform c) {
        if (core == c) {
            core = null;
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/html; charset=utf-8");
        PrintWriter w = resp.getWriter();
        CorePlatform c = core;
        w.println("<div id='ak-repositories'>");
        message(w, req.getParameter("msg"), false);
        message(w, req.getParameter("error"), true);
        if (c == null) {
            message(w, "The core platform is not active (database or storage unavailable).", true);
            w.println("</div>");
            return;
        }
        RepositoryStore store = c.repositories();
        List<RepositoryRecord> repos = store.list(null, null);
        w.printf("<p class='statline'>%d repositories</p>%n", repos.size());
        w.println("<table class='tablesorter nicetable' id='ak-repo-table'><thead><tr><th>Key</th><th>Format</th>"
                + "<th>Type</th><th>Public</th><th>Upstream / members</th><th>Artifacts</th><th>Size</th><th></th></tr>"
                + "</thead><tbody>");
        for (RepositoryRecord r : repos) {
            String detail = r.type() == RepositoryType.REMOTE ? esc(r.upstreamUrl())
                    : r.type() == RepositoryType.VIRTUAL ? esc(String.join(", ", store.members(r.id()).stream()
                            .map(m -> m.repository().key() + " (" + m.priority() + ")").toList())) : "";
            boolean active = formats.byKey(r.format()).isPresent();
            w.printf("<tr data-key='%s'><td>%s</td><td>%s%s</td><td>%s</td><td>%s</td><td>%s</td><td>%d</td><td>%d</td>"
                    + "<td><form method='post' onsubmit=\"return confirm('Delete %s?')\"><input type='hidden' name='action' "
                    + "value='delete'/><input type='hidden' name='key' value='%s'/><button class='ui-state-default "
                    + "ui-corner-all' type='submit'>Delete</button></form></td></tr>%n",
                    esc(r.key()), esc(r.key()), esc(r.format()), active ? "" : " <b>(format not active)</b>",
                    r.type().wireName(), r.isPublic() ? "yes" : "no", detail, store.countArtifacts(r.id(), null, null),
                    store.usedBytes(r.id()), esc(r.key()), esc(r.key()));
        }
        w.println("</tbody></table>");

        w.println("<h3>Create a repository</h3><form method='post' id='ak-create-form'><input type='hidden' name='action' "
                + "value='create'/><table class='nicetable'>");
        w.println("<tr><td>Key</td><td><input name='key' id='ak-key' required pattern='[a-z0-9][a-z0-9._-]{0,127}'/></td></tr>");
        w.println("<tr><td>Format</td><td><select name='format' id='ak-format'>");
        for (FormatRegistry.Entry e : formats.all()) {
            w.printf("<option value='%s'>%s (%s)</option>%n", esc(e.descriptor().key()), esc(e.descriptor().displayName()),
                    esc(e.descriptor().key()));
        }
        w.println("</select></td></tr><tr><td>Type</td><td><select name='repo_type' id='ak-type'>"
                + "<option>local</option><option>remote</option><option>virtual</option><option>staging</option></select></td></tr>"
                + "<tr><td>Upstream URL (remote)</td><td><input name='upstream_url' size='60'/></td></tr>"
                + "<tr><td>Public</td><td><input type='checkbox' name='is_public' value='true'/></td></tr>"
                + "<tr><td>Description</td><td><input name='description' size='60'/></td></tr></table>"
                + "<button class='ui-state-default ui-corner-all' type='submit' id='ak-create'>Create</button></form>");

        w.println("<h3>Virtual members</h3><form method='post' id='ak-member-form'><input type='hidden' name='action' "
                + "value='member'/>Virtual <input name='key' size='20'/> member <input name='member' size='20'/> priority "
                + "<input name='priority' size='4' value='10'/> <button class='ui-state-default ui-corner-all' "
                + "type='submit'>Add or update</button></form>");
        w.println("</div>");
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!sameOrigin(req)) {
            resp.sendError(403, "cross-site request refused");
            return;
        }
        CorePlatform c = core;
        if (c == null) {
            redirect(req, resp, "The core platform is not active.", true);
            return;
        }
        RepositoryStore store = c.repositories();
        String action = String.valueOf(req.getParameter("action"));
        String key = trim(req.getParameter("key"));
        try {
            switch (action) {
                case "create" -> {
                    if (key == null || !KEY.matcher(key).matches()) {
                        throw new IllegalArgumentException("key must match " + KEY.pattern());
                    }
                    String format = trim(req.getParameter("format"));
                    if (format == null || formats.byKey(format).isEmpty()) {
                        throw new IllegalArgumentException("unknown format " + format);
                    }
                    RepositoryType type = RepositoryType.fromWire(String.valueOf(req.getParameter("repo_type")));
                    String upstream = trim(req.getParameter("upstream_url"));
                    if (type == RepositoryType.REMOTE && (upstream == null || !upstream.matches("https?://.+"))) {
                        throw new IllegalArgumentException("a remote repository needs an http(s) upstream URL");
                    }
                    if (store.find(key).isPresent()) {
                        throw new IllegalArgumentException("repository " + key + " exists");
                    }
                    store.create(key, key, trim(req.getParameter("description")), format.toLowerCase(Locale.ROOT), type,
                            "true".equals(req.getParameter("is_public")), upstream, null, Map.of());
                    redirect(req, resp, "Created repository " + key, false);
                }
                case "delete" -> {
                    RepositoryRecord r = store.find(String.valueOf(key))
                            .orElseThrow(() -> new IllegalArgumentException("no repository " + key));
                    store.delete(r.id());
                    redirect(req, resp, "Deleted repository " + key, false);
                }
                case "member" -> {
                    RepositoryRecord v = store.find(String.valueOf(key))
                            .orElseThrow(() -> new IllegalArgumentException("no repository " + key));
                    if (v.type() != RepositoryType.VIRTUAL) {
                        throw new IllegalArgumentException(key + " is not virtual");
                    }
                    String mk = trim(req.getParameter("member"));
                    RepositoryRecord m = store.find(String.valueOf(mk))
                            .orElseThrow(() -> new IllegalArgumentException("no repository " + mk));
                    if (m.id().equals(v.id())) {
                        throw new IllegalArgumentException("a virtual repository cannot contain itself");
                    }
                    store.putMember(v.id(), m.id(), Integer.parseInt(String.valueOf(req.getParameter("priority")).trim()));
                    redirect(req, resp, "Member " + mk + " set on " + key, false);
                }
                default -> throw new IllegalArgumentException("unknown action " + action);
            }
        } catch (IllegalArgumentException e) {
            redirect(req, resp, e.getMessage(), true);
        }
    }

    private static String trim(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
