package io.artifactkeeper.core.repo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.artifactkeeper.api.format.FormatDescriptor;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.RouteTable;

/**
 * The format whiteboard: every {@link FormatHandler} service, bound and unbound as bundles come
 * and go. Lookups by key, alias and mount always see the current set.
 */
@Component(service = FormatRegistry.class)
public final class FormatRegistry {

    /** A bound handler with the bundle that provides it and its routes, compiled once. */
    public record Entry(FormatHandler handler, FormatDescriptor descriptor, Bundle bundle, Map<String, Object> props,
            RouteTable routes) {
        /** Whether the format declares its routes as data (SPI 2); otherwise it routes in handle(). */
        public boolean routesAsData() {
            return !routes.routes().isEmpty();
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FormatRegistry.class);

    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    /** When each format key was last unbound: a format that just left is probably being updated. */
    private final Map<String, Long> leftAt = new java.util.concurrent.ConcurrentHashMap<>();
    private final Object changed = new Object();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindFormat(FormatHandler handler, Map<String, Object> props) {
        Bundle b = FrameworkUtil.getBundle(handler.getClass());
        Optional<Entry> e = entry(handler, props, b);
        if (e.isEmpty()) {
            return;
        }
        entries.add(e.get());
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    void unbindFormat(FormatHandler handler) {
        for (Entry e : entries) {
            if (e.handler() == handler) {
                long now = System.currentTimeMillis();
                leftAt.put(e.descriptor().key(), now);
                e.descriptor().aliases().forEach(a -> leftAt.put(a, now));
            }
        }
        entries.removeIf(e -> e.handler() == handler);
    }

    /**
     * The handler for a format key; when the format left within the last {@code recentMs} (its
     * bundle is being updated or restarted), waits up to {@code waitMs} for it to come back so
     * that requests during an update are served rather than refused.
     */
    public Optional<Entry> awaitByKey(String formatKey, long recentMs, long waitMs) {
        Optional<Entry> e = byKey(formatKey);
        Long left = leftAt.get(formatKey);
        if (e.isPresent() || left == null || System.currentTimeMillis() - left > recentMs) {
            return e;
        }
        long deadline = System.currentTimeMillis() + waitMs;
        synchronized (changed) {
            while ((e = byKey(formatKey)).isEmpty()) {
                long rest = deadline - System.currentTimeMillis();
                if (rest <= 0) {
                    break;
                }
                try {
                    changed.wait(Math.min(rest, 100));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return e;
    }

    /** The handler answering to a format key or alias. */
    public Optional<Entry> byKey(String formatKey) {
        for (Entry e : entries) {
            if (e.descriptor().answersTo(formatKey)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** The shared mount of plugin formats: their routes are {@code /ext/{format_key}/{repo_key}/...}. */
    public static final String EXT_MOUNT = "ext";

    /**
     * The path prefix of a format's routes below the server root: its mount, or for formats on the
     * shared {@value #EXT_MOUNT} mount {@code ext/{format_key}}.
     */
    /** Whether {@code mount} (a request's first segment, or {@code ext/{key}}) reaches the format. */
    public static boolean servesMount(FormatDescriptor d, String mount) {
        return d.mount().equals(mount) || mountPath(d).equals(mount) || d.mountAliases().contains(mount);
    }

    public static String mountPath(FormatDescriptor d) {
        return d.mount().equals(EXT_MOUNT) ? EXT_MOUNT + "/" + d.key() : d.mount();
    }

    /**
     * Handlers serving a mount (several formats may share one, e.g. plugins under /ext); also finds
     * a plugin format by its mount path {@code ext/{format_key}}.
     */
    public List<Entry> byMount(String mount) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (servesMount(e.descriptor(), mount)) {
                out.add(e);
            }
        }
        return out;
    }

    public List<Entry> all() {
        List<Entry> out = new ArrayList<>(entries);
        out.sort(Comparator.comparing(e -> e.descriptor().key()));
        return out;
    }

    /** Keys and aliases, for error messages. */
    public List<String> knownKeys() {
        List<String> out = new ArrayList<>();
        for (Entry e : all()) {
            out.add(e.descriptor().key());
            out.addAll(e.descriptor().aliases());
        }
        return out;
    }

    /**
     * The entry for a handler, or empty (logged) when it is inconsistent: a {@value FormatHandler#KEY_PROPERTY}
     * service property that names another key than its descriptor (the key is declared once, in the
     * descriptor), or routes that do not compile.
     */
    static Optional<Entry> entry(FormatHandler handler, Map<String, Object> props, Bundle b) {
        FormatDescriptor d;
        RouteTable routes;
        try {
            d = handler.descriptor();
            routes = new RouteTable(handler.routes());
        } catch (RuntimeException ex) {
            LOG.error("refusing format handler {} of {}: {}", handler.getClass().getName(), b, ex.toString());
            return Optional.empty();
        }
        Object declared = props.get(FormatHandler.KEY_PROPERTY);
        if (declared != null && !String.valueOf(declared).equals(d.key())) {
            LOG.error("refusing format handler {} of {}: its service property {}={} disagrees with its descriptor's key {}",
                    handler.getClass().getName(), b, FormatHandler.KEY_PROPERTY, declared, d.key());
            return Optional.empty();
        }
        return Optional.of(new Entry(handler, d, b, props, routes));
    }

    /** Registers a handler outside DS (tests). */
    public void register(FormatHandler handler) {
        entry(handler, Map.of(), null).ifPresent(entries::add);
    }
}
