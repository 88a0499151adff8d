package io.artifactkeeper.core.console;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.artifactkeeper.core.CorePlatform;
import io.artifactkeeper.core.repo.FormatRegistry;
import io.artifactkeeper.core.store.RepositoryRecord;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Web Console page: the active formats with the bundle behind each, its version and state, its
 * mount and the repositories using it; stop or start a format's bundle. Bundles are installed and
 * updated on the console's Bundles page, through deploy/ or POST /api/v1/formats/install.
 */
@Component(service = Servlet.class, property = {"felix.webconsole.label=ak-formats", "felix.webconsole.title=Formats",
    "felix.webconsole.category=Artifact Keeper"})
public final class FormatsConsolePlugin extends ConsolePage {
    private static final long serialVersionUID = 1L;

    private final transient FormatRegistry formats;
    private transient volatile CorePlatform core;

    @Activate
    public FormatsConsolePlugin(@Reference FormatRegistry formats) {
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

    private static String state(Bundle b) {
        return switch (b.getState()) {
            case Bundle.ACTIVE -> "active";
            case Bundle.RESOLVED -> "resolved";
            case Bundle.INSTALLED -> "installed";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            default -> "uninstalled";
        };
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/html; charset=utf-8");
        PrintWriter w = resp.getWriter();
        w.println("<div id='ak-formats'>");
        message(w, req.getParameter("msg"), false);
        message(w, req.getParameter("error"), true);
        List<RepositoryRecord> repos = new ArrayList<>();
        CorePlatform c = core;
        if (c != null) {
            try {
                repos = c.repositories().list(null, null);
            } catch (RuntimeException e) {
                message(w, "Repositories unavailable: " + e.getMessage(), true);
            }
        }
        List<FormatRegistry.Entry> all = formats.all();
        w.printf("<p class='statline'>%d formats active</p>%n", all.size());
        w.println("<table class='tablesorter nicetable' id='ak-format-table'><thead><tr><th>Key</th><th>Aliases</th>"
                + "<th>Mount</th><th>Bundle</th><th>Version</th><th>State</th><th>Repositories</th><th></th></tr></thead><tbody>");
        for (FormatRegistry.Entry e : all) {
            List<String> using = new ArrayList<>();
            for (RepositoryRecord r : repos) {
                if (e.descriptor().answersTo(r.format())) {
                    using.add(r.key());
                }
            }
            Bundle b = e.bundle();
            w.printf("<tr data-key='%s'><td>%s</td><td>%s</td><td>/%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>%n",
                    esc(e.descriptor().key()), esc(e.descriptor().key()), esc(String.join(", ", e.descriptor().aliases())),
                    esc(FormatRegistry.mountPath(e.descriptor())), b == null ? "" : esc(b.getSymbolicName()),
                    b == null ? "" : esc(b.getVersion()), b == null ? "" : state(b), esc(String.join(", ", using)),
                    b == null ? "" : "<form method='post'><input type='hidden' name='action' value='stop'/><input type='hidden' "
                            + "name='bundle' value='" + b.getBundleId() + "'/><button class='ui-state-default ui-corner-all' "
                            + "type='submit'>Stop</button></form>");
        }
        w.println("</tbody></table>");
        w.println("<p>Install or update a format bundle on the <a href='bundles'>Bundles</a> page, by dropping it into "
                + "<code>deploy/</code>, or with <code>curl -u admin -X POST --data-binary @format.jar "
                + "-H 'Content-Type: application/java-archive' URL/api/v1/formats/install</code>.</p>");
        w.println("</div>");
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!sameOrigin(req)) {
            resp.sendError(403, "cross-site request refused");
            return;
        }
        try {
            long id = Long.parseLong(String.valueOf(req.getParameter("bundle")));
            Bundle b = formats.all().stream().map(FormatRegistry.Entry::bundle).filter(x -> x != null && x.getBundleId() == id)
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("bundle " + id + " provides no format"));
            if ("stop".equals(req.getParameter("action"))) {
                b.stop(Bundle.STOP_TRANSIENT);
                redirect(req, resp, "Stopped " + b.getSymbolicName(), false);
            } else {
                throw new IllegalArgumentException("unknown action");
            }
        } catch (IllegalArgumentException | BundleException e) {
            redirect(req, resp, e.getMessage(), true);
        }
    }
}
