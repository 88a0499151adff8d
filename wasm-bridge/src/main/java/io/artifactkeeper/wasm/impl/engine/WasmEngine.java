package io.artifactkeeper.wasm.impl.engine;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.io.IOAccess;

/**
 * The one GraalWasm engine of the bridge (code parsed once is shared by every context on it) and
 * the sandboxed contexts plugins run in: WASI preview 1 built in, but no file system, network,
 * environment, processes, threads, native or host access.
 */
public final class WasmEngine implements AutoCloseable {
    private final Engine engine;
    private final long startMillis;

    private WasmEngine(Engine engine, long startMillis) {
        this.engine = engine;
        this.startMillis = startMillis;
    }

    public static WasmEngine start() {
        long t0 = System.nanoTime();
        Engine e = withEngineLoader(() -> Engine.newBuilder("wasm").option("engine.WarnInterpreterOnly", "false").build());
        return new WasmEngine(e, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /** Runs {@code work} with the polyglot class loader as context class loader (or no language is found in OSGi). */
    static <T> T withEngineLoader(Callable<T> work) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(Engine.class.getClassLoader());
        try {
            return work.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            t.setContextClassLoader(before);
        }
    }

    Context newContext(OutputStream out) {
        return withEngineLoader(() -> Context.newBuilder("wasm").engine(engine)
                .option("wasm.Builtins", ModulePreparer.WASI)
                .allowIO(IOAccess.NONE)
                .allowEnvironmentAccess(EnvironmentAccess.NONE)
                .allowHostAccess(HostAccess.NONE)
                .allowPolyglotAccess(PolyglotAccess.NONE)
                .allowCreateProcess(false)
                .allowCreateThread(false)
                .allowNativeAccess(false)
                .in(InputStream.nullInputStream())
                .out(out)
                .err(out)
                .build());
    }

    Engine engine() {
        return engine;
    }

    /** "GraalVM CE" (optimizing, JIT) or "Interpreted". */
    public String implementation() {
        return engine.getImplementationName();
    }

    public boolean jit() {
        return !implementation().toLowerCase().contains("interpreted");
    }

    public long startMillis() {
        return startMillis;
    }

    public String version() {
        var wasm = engine.getLanguages().get("wasm");
        return wasm != null ? wasm.getVersion() : engine.getVersion();
    }

    @Override
    public void close() {
        engine.close(true);
    }
}
