package io.artifactkeeper.wasm.impl.engine;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.ByteSequence;

import io.artifactkeeper.wasm.impl.abi.CanonicalAbi;
import io.artifactkeeper.wasm.impl.abi.LinearMemory;
import io.artifactkeeper.wasm.impl.abi.WitFunction;
import io.artifactkeeper.wasm.impl.abi.WitType;

/**
 * One loaded plugin module: its parsed source on the shared engine and a small pool of
 * instantiated contexts. A call takes an idle context (or instantiates one), runs under the
 * limits, and returns the context to the pool; a context whose call failed in any way is
 * discarded, so no broken state survives a failure. Contexts are single-threaded: concurrent calls
 * use different contexts.
 */
public final class PluginRuntime implements AutoCloseable {
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ak-wasm-watchdog");
        t.setDaemon(true);
        return t;
    });
    private static final int MAX_IDLE = 4;
    /** A context is retired after this many calls, bounding what a leaky guest allocator can keep. */
    private static final int MAX_CALLS_PER_CONTEXT = 1000;

    private final WasmEngine engine;
    private final String name;
    private final Source source;
    private final CallLimits limits;
    private final boolean fuelMetered;
    private final int maxPages;
    private final ConcurrentLinkedDeque<Instance> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger live = new AtomicInteger();
    private final AtomicLong instantiations = new AtomicLong();
    private final AtomicLong instantiationNanos = new AtomicLong();
    private volatile boolean closed;

    public PluginRuntime(WasmEngine engine, String name, ModulePreparer.Prepared module, CallLimits limits) {
        this.engine = engine;
        this.name = name;
        this.limits = limits;
        this.fuelMetered = module.fuelMetered();
        this.maxPages = module.maxPages();
        this.source = Source.newBuilder("wasm", ByteSequence.create(module.bytes()), name).cached(true).buildLiteral();
    }

    public CallLimits limits() {
        return limits;
    }

    public boolean fuelMetered() {
        return fuelMetered;
    }

    /** Average milliseconds to instantiate a context, or -1 before the first. */
    public double averageInstantiationMillis() {
        long n = instantiations.get();
        return n == 0 ? -1 : instantiationNanos.get() / 1e6 / n;
    }

    public long instantiations() {
        return instantiations.get();
    }

    /** Calls {@code f} with {@code args}; the value is the lifted result. */
    public Object call(WitFunction f, List<?> args) throws PluginCallException {
        if (closed) {
            throw new PluginCallException(PluginCallException.Kind.INSTANTIATION, "plugin " + name + " was unloaded");
        }
        Instance in = idle.pollFirst();
        if (in == null) {
            in = instantiate();
        }
        Instance inst = in;
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
            timedOut.set(true);
            inst.cancel();
        }, limits.timeoutMillis(), TimeUnit.MILLISECONDS);
        boolean ok = false;
        try {
            if (fuelMetered) {
                inst.invoke(ModulePreparer.FUEL_SET, limits.fuel());
            }
            Object r = CanonicalAbi.call(inst, f, args, new WitType.Limits(limits.maxMemoryBytes(), 1_000_000));
            ok = true;
            return r;
        } catch (PolyglotException e) {
            throw classify(inst, f, e, timedOut.get());
        } catch (WitType.MalformedException e) {
            if (timedOut.get()) {
                throw timeout(f);
            }
            throw new PluginCallException(PluginCallException.Kind.MALFORMED, "plugin " + name + " returned malformed data from "
                    + f.name() + ": " + e.getMessage());
        } catch (IllegalStateException e) {
            if (timedOut.get()) {
                throw timeout(f);
            }
            throw new PluginCallException(PluginCallException.Kind.TRAP, "plugin " + name + " failed in " + f.name() + ": " + e);
        } finally {
            watchdog.cancel(false);
            if (ok && !timedOut.get() && !closed && inst.calls.incrementAndGet() < MAX_CALLS_PER_CONTEXT
                    && idle.size() < MAX_IDLE) {
                idle.addFirst(inst);
            } else {
                inst.close();
            }
        }
    }

    private PluginCallException timeout(WitFunction f) {
        return new PluginCallException(PluginCallException.Kind.TIMEOUT, "plugin " + name + " exceeded its time limit of "
                + limits.timeoutMillis() + " ms in " + f.name() + " (call cancelled)");
    }

    private PluginCallException classify(Instance inst, WitFunction f, PolyglotException e, boolean timedOut) {
        if (timedOut || e.isCancelled() || e.isInterrupted()) {
            return timeout(f);
        }
        String msg = String.valueOf(e.getMessage());
        if (e.isResourceExhausted()) {
            return new PluginCallException(PluginCallException.Kind.TRAP, "plugin " + name + " exhausted a resource in "
                    + f.name() + ": " + msg);
        }
        if (fuelMetered) {
            try {
                Object grow = inst.invoke(ModulePreparer.GROW_FAILED);
                if (grow instanceof Number g && g.intValue() != 0) {
                    return new PluginCallException(PluginCallException.Kind.MEMORY, "plugin " + name + " reached its memory "
                            + "limit of " + (long) maxPages * 65536 + " bytes in " + f.name() + " (memory.grow failed, then: "
                            + msg + ")");
                }
                Object left = inst.invoke(ModulePreparer.FUEL_GET);
                if (left instanceof Number n && n.longValue() < 0) {
                    return new PluginCallException(PluginCallException.Kind.FUEL, "plugin " + name + " ran out of fuel in "
                            + f.name() + " (budget " + limits.fuel() + " instructions)");
                }
            } catch (RuntimeException ignored) {
                // the instance is unusable: classify by what we know
            }
        }
        try {
            if (inst.memory.getBufferSize() >= (long) maxPages * 65536) {
                return new PluginCallException(PluginCallException.Kind.MEMORY, "plugin " + name + " reached its memory limit of "
                        + (long) maxPages * 65536 + " bytes in " + f.name() + " (" + msg + ")");
            }
        } catch (RuntimeException ignored) {
            // fall through
        }
        return new PluginCallException(PluginCallException.Kind.TRAP, "plugin " + name + " trapped in " + f.name() + ": " + msg);
    }

    private Instance instantiate() throws PluginCallException {
        long t0 = System.nanoTime();
        BoundedOutput out = new BoundedOutput(name);
        Context ctx = engine.newContext(out);
        try {
            Value exports = WasmEngine.withEngineLoader(() -> {
                Value module = ctx.eval(source);
                Value instance = module.canInstantiate() ? module.newInstance() : module;
                return instance.getMember("exports");
            });
            Instance in = new Instance(ctx, exports);
            live.incrementAndGet();
            instantiations.incrementAndGet();
            instantiationNanos.addAndGet(System.nanoTime() - t0);
            return in;
        } catch (PolyglotException | IllegalStateException e) {
            ctx.close(true);
            throw new PluginCallException(PluginCallException.Kind.INSTANTIATION, "plugin " + name + " cannot be instantiated: "
                    + e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        Instance in;
        while ((in = idle.pollFirst()) != null) {
            in.close();
        }
    }

    /** One instantiated module in its own context. */
    private final class Instance implements CanonicalAbi.Guest, LinearMemory {
        final Context ctx;
        final Value exports;
        final Value memory;
        final Value realloc;
        final Map<String, Value> functions = new HashMap<>();
        final AtomicInteger calls = new AtomicInteger();
        final AtomicBoolean closedOnce = new AtomicBoolean();

        Instance(Context ctx, Value exports) {
            this.ctx = ctx;
            this.exports = exports;
            this.memory = exports.getMember("memory");
            this.realloc = exports.getMember("cabi_realloc");
        }

        void cancel() {
            if (closedOnce.compareAndSet(false, true)) {
                try {
                    ctx.close(true);
                } catch (RuntimeException ignored) {
                    // already closing
                }
                live.decrementAndGet();
            }
        }

        void close() {
            cancel();
        }

        private Value fn(String export) {
            return functions.computeIfAbsent(export, n -> exports.hasMember(n) ? exports.getMember(n) : null);
        }

        @Override
        public LinearMemory memory() {
            return this;
        }

        @Override
        public Object invoke(String export, Object... args) {
            Value f = fn(export);
            if (f == null) {
                throw new WitType.MalformedException("plugin does not export " + export);
            }
            Value r = f.execute(args);
            if (r == null || r.isNull()) {
                return null;
            }
            if (r.fitsInInt()) {
                return r.asInt();
            }
            if (r.fitsInLong()) {
                return r.asLong();
            }
            return null;
        }

        @Override
        public boolean exports(String name) {
            return fn(name) != null;
        }

        // LinearMemory over the exported memory buffer (little endian)

        @Override
        public long size() {
            return memory.getBufferSize();
        }

        private void check(long addr, long len) {
            if (addr < 0 || addr + len > memory.getBufferSize()) {
                throw new WitType.MalformedException("access at " + addr + " (+" + len + ") outside the plugin's memory");
            }
        }

        @Override
        public byte readByte(long addr) {
            check(addr, 1);
            return memory.readBufferByte(addr);
        }

        @Override
        public short readShort(long addr) {
            check(addr, 2);
            return memory.readBufferShort(ByteOrder.LITTLE_ENDIAN, addr);
        }

        @Override
        public int readInt(long addr) {
            check(addr, 4);
            return memory.readBufferInt(ByteOrder.LITTLE_ENDIAN, addr);
        }

        @Override
        public long readLong(long addr) {
            check(addr, 8);
            return memory.readBufferLong(ByteOrder.LITTLE_ENDIAN, addr);
        }

        @Override
        public void read(long addr, byte[] into, int off, int len) {
            check(addr, len);
            memory.readBuffer(addr, into, off, len);
        }

        @Override
        public void writeByte(long addr, byte v) {
            memory.writeBufferByte(addr, v);
        }

        @Override
        public void writeShort(long addr, short v) {
            memory.writeBufferShort(ByteOrder.LITTLE_ENDIAN, addr, v);
        }

        @Override
        public void writeInt(long addr, int v) {
            memory.writeBufferInt(ByteOrder.LITTLE_ENDIAN, addr, v);
        }

        @Override
        public void writeLong(long addr, long v) {
            memory.writeBufferLong(ByteOrder.LITTLE_ENDIAN, addr, v);
        }

        /** There is no bulk write into a polyglot buffer: 8 bytes per call is the fastest path. */
        @Override
        public void write(long addr, byte[] from, int off, int len) {
            int i = 0;
            for (; i + 8 <= len; i += 8) {
                long v = (from[off + i] & 0xffL) | (from[off + i + 1] & 0xffL) << 8 | (from[off + i + 2] & 0xffL) << 16
                        | (from[off + i + 3] & 0xffL) << 24 | (from[off + i + 4] & 0xffL) << 32
                        | (from[off + i + 5] & 0xffL) << 40 | (from[off + i + 6] & 0xffL) << 48
                        | (from[off + i + 7] & 0xffL) << 56;
                memory.writeBufferLong(ByteOrder.LITTLE_ENDIAN, addr + i, v);
            }
            for (; i < len; i++) {
                memory.writeBufferByte(addr + i, from[off + i]);
            }
        }

        @Override
        public int allocate(int align, int size) {
            Value r = realloc.execute(0, 0, align, size);
            int p = r.asInt();
            long up = Integer.toUnsignedLong(p);
            if (up == 0 || up % align != 0 || up + size > memory.getBufferSize()) {
                throw new WitType.MalformedException("cabi_realloc returned an unusable pointer " + up + " for " + size
                        + " bytes");
            }
            return p;
        }
    }

    /** Guest stdout/stderr (WASI fd_write) goes to the log, a line at a time, bounded. */
    private static final class BoundedOutput extends OutputStream {
        private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.artifactkeeper.wasm.plugin");
        private final String name;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private long total;

        BoundedOutput(String name) {
            this.name = name;
        }

        @Override
        public synchronized void write(int b) {
            if (++total > 1_000_000) {
                return;
            }
            if (b == '\n' || line.size() > 4096) {
                LOG.info("[{}] {}", name, line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }
}
