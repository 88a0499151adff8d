package io.artifactkeeper.wasm.impl;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.artifactkeeper.api.format.FormatException;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** The Web Console page "WASM plugins": state, limits, calls and last errors, with enable/disable/reload. */
@Component(service = Servlet.class, property = {"felix.webconsole.label=wasm-plugins", "felix.webconsole.title=WASM plugins",
    "felix.webconsole.category=Artifact Keeper"})
public final class WasmConsolePlugin extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient WasmPluginManager manager;

    @Activate
    public WasmConsolePlugin(@Reference WasmPluginManager manager) {
        this.manager = manager;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String id = req.getParameter("id");
        String action = req.getParameter("action");
        String message;
        try {
            if (id == null || action == null) {
                throw FormatException.badRequest("id and action are required");
            }
            switch (action) {
                case "enable" -> manager.enable(id);
                case "disable" -> manager.disable(id);
                case "reload" -> manager.reload(id);
                default -> throw FormatException.badRequest("unknown action " + action);
            }
            message = action + " " + id + ": done";
        } catch (FormatException e) {
            message = action + " " + id + ": " + e.getMessage();
        }
        String base = req.getRequestURI();
        resp.sendRedirect(base + "?message=" + java.net.URLEncoder.encode(message, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/html; charset=utf-8");
        PrintWriter w = resp.getWriter();
        Map<String, Object> eng = manager.engineJson();
        w.println("<div id='wasm-plugins'>");
        String msg = req.getParameter("message");
        if (msg != null) {
            w.println("<p class='statline ui-state-highlight'>" + esc(msg) + "</p>");
        }
        w.println("<p class='statline'>" + esc(String.valueOf(eng.get("engine"))) + " &middot; " + esc(String.valueOf(
                eng.get("implementation"))) + " &middot; engine started in " + eng.get("engine_start_ms") + " ms &middot; "
                + manager.plugins().size() + " plugins</p>");
        w.println("<table class='tablesorter nicetable'><thead><tr><th>Plugin</th><th>Format</th><th>State</th>"
                + "<th>Limits</th><th>Calls</th><th>Failures</th><th>Last error</th><th>Actions</th></tr></thead><tbody>");
        for (LoadedPlugin p : manager.plugins()) {
            Map<String, Object> j = manager.toJson(p);
            @SuppressWarnings("unchecked")
            Map<String, Object> lim = (Map<String, Object>) j.get("limits");
            @SuppressWarnings("unchecked")
            Map<String, Object> st = (Map<String, Object>) j.get("stats");
            w.println("<tr><td>" + esc(p.record.name()) + " " + esc(p.record.version()) + "</td><td>/ext/"
                    + esc(p.record.formatKey()) + "</td><td class='state'>" + esc(p.state()) + "</td><td>memory "
                    + lim.get("max_memory_bytes") + " B, fuel " + lim.get("max_fuel") + ", timeout " + lim.get("timeout_ms")
                    + " ms</td><td>" + st.get("calls") + " (avg " + st.get("average_call_ms") + " ms)</td><td>"
                    + st.get("failures") + " " + esc(String.valueOf(st.get("failures_by_kind"))) + "</td><td>"
                    + esc(p.stats.lastError() == null ? "" : p.stats.lastError()) + "</td><td>");
            for (String a : new String[] {"enable", "disable", "reload"}) {
                w.println("<form method='post' style='display:inline'><input type='hidden' name='id' value='"
                        + esc(p.record.id().toString()) + "'><input type='hidden' name='action' value='" + a
                        + "'><button type='submit'>" + a + "</button></form>");
            }
            w.println("</td></tr>");
        }
        w.println("</tbody></table></div>");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
