package io.artifactkeeper.wasm.impl.engine;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.artifactkeeper.wasm.impl.abi.FormatWorld;
import io.artifactkeeper.wasm.impl.abi.WitFunction;

/**
 * Checks a plugin binary against the contract and rewrites it for the host's limits:
 * <ul>
 * <li>a component (version 0x0d, layer 1) that wraps exactly one core module without imports is
 * unwrapped; any other component is refused with a message saying how to build a core module;</li>
 * <li>imports: only WASI preview 1 functions (GraalWasm's built-in module, given no files,
 * network or environment);</li>
 * <li>exports: {@code memory}, {@code cabi_realloc} and the handler functions with the core
 * signatures the canonical ABI gives them;</li>
 * <li>memory cap: the memory's maximum is set to the cap, so {@code memory.grow} past it fails
 * inside the guest;</li>
 * <li>fuel: GraalWasm has no instruction budget (a polyglot statement limit does not count wasm),
 * so the module is metered: a mutable i64 global is decremented on every function entry and loop
 * iteration by the number of instructions of that body (nested loops meter themselves) and the
 * guest traps when it drops below zero. Two added exports set and read it.</li>
 * </ul>
 */
public final class ModulePreparer {
    public static final String FUEL_SET = "ak:fuel-set";
    public static final String FUEL_GET = "ak:fuel-get";
    /** 1 when a memory.grow failed during the current call (every memory.grow goes through a wrapper). */
    public static final String GROW_FAILED = "ak:grow-failed";
    public static final String WASI = "wasi_snapshot_preview1";
    private static final int PAGE = 65536;

    /** The result: bytes to load and what was found. */
    public record Prepared(byte[] bytes, boolean fuelMetered, boolean unwrappedComponent, boolean requestHandler,
            int initialPages, int maxPages, List<String> imports, String note) {
    }

    private ModulePreparer() {
    }

    public static Prepared prepare(byte[] binary, long maxMemoryBytes) throws InvalidModuleException {
        boolean unwrapped = false;
        if (isComponent(binary)) {
            binary = unwrapComponent(binary);
            unwrapped = true;
        } else if (!isCoreModule(binary)) {
            throw new InvalidModuleException("not a WebAssembly binary (expected the magic \\0asm and version 1)");
        }
        Parsed p = parse(binary);
        checkImports(p);
        checkExports(p);
        int capPages = (int) Math.max(1, Math.min(65536, maxMemoryBytes / PAGE));
        if (p.memMin > capPages) {
            throw new InvalidModuleException("the module's memory starts at " + p.memMin + " pages (" + p.memMin * 64
                    + " KiB), more than its memory limit of " + maxMemoryBytes + " bytes");
        }
        int maxPages = p.memMax >= 0 ? (int) Math.min(p.memMax, capPages) : capPages;
        byte[] out;
        boolean metered = true;
        String note = null;
        try {
            out = rewrite(binary, p, maxPages, true);
        } catch (UnsupportedOperationException e) {
            metered = false;
            note = "fuel not metered: " + e.getMessage() + " (time and memory limits still apply)";
            out = rewrite(binary, p, maxPages, false);
        }
        return new Prepared(out, metered, unwrapped, p.exports.containsKey(FormatWorld.HANDLE_REQUEST.exportName()),
                (int) p.memMin, maxPages, p.importNames, note);
    }

    static boolean isCoreModule(byte[] b) {
        return b.length >= 8 && b[0] == 0 && b[1] == 'a' && b[2] == 's' && b[3] == 'm' && b[4] == 1 && b[5] == 0
                && b[6] == 0 && b[7] == 0;
    }

    static boolean isComponent(byte[] b) {
        return b.length >= 8 && b[0] == 0 && b[1] == 'a' && b[2] == 's' && b[3] == 'm' && b[4] == 0x0d && b[5] == 0
                && b[6] == 1 && b[7] == 0;
    }

    private static final String BUILD_CORE = "build the plugin as a core module instead: e.g. clang --target=wasm32 -O2 "
            + "-nostdlib -Wl,--no-entry -Wl,--export-dynamic (see wasm-bridge/sdk), or cargo build --target "
            + "wasm32-unknown-unknown, exporting 'memory', 'cabi_realloc' and the canonical-ABI functions "
            + "'" + FormatWorld.HANDLER + "#parse-metadata' etc., and do not run 'wasm-tools component new'";

    /** The single core module of a component that wraps exactly one module with no imports. */
    static byte[] unwrapComponent(byte[] b) throws InvalidModuleException {
        WasmBinary r = new WasmBinary(b, 8, b.length);
        byte[] module = null;
        int modules = 0;
        while (r.more()) {
            int id = r.u8();
            int size = r.u32i();
            int start = r.pos;
            if (start + size > b.length) {
                throw new InvalidModuleException("truncated component section " + id);
            }
            switch (id) {
                case 1 -> {
                    modules++;
                    module = Arrays.copyOfRange(b, start, start + size);
                }
                case 4 -> throw new InvalidModuleException("this WebAssembly component nests other components; " + BUILD_CORE);
                case 10 -> throw new InvalidModuleException("this WebAssembly component has imports; " + BUILD_CORE);
                default -> {
                    // types, aliases, canonical lifts, exports, custom sections: derived from the module
                }
            }
            r.pos = start + size;
        }
        if (modules != 1 || module == null) {
            throw new InvalidModuleException("this WebAssembly component holds " + modules + " core modules (e.g. a WASI "
                    + "adapter), only a component wrapping exactly one can be unwrapped; " + BUILD_CORE);
        }
        if (!isCoreModule(module)) {
            throw new InvalidModuleException("the component's embedded module is not a core module; " + BUILD_CORE);
        }
        Parsed p = parse(module);
        if (!p.importNames.isEmpty()) {
            throw new InvalidModuleException("the component's core module imports " + p.importNames + "; " + BUILD_CORE);
        }
        return module;
    }

    // --- parsing

    private static final class Parsed {
        final List<int[]> sections = new ArrayList<>(); // {id, contentStart, contentEnd}
        final List<String> types = new ArrayList<>();
        int importedFuncs;
        int importedGlobals;
        final List<Integer> funcTypes = new ArrayList<>(); // all functions, imported first
        final List<String> importNames = new ArrayList<>();
        final Map<String, int[]> exports = new LinkedHashMap<>(); // name -> {kind, index}
        long memMin = -1;
        long memMax = -1;
        int definedGlobals;
    }

    private static Parsed parse(byte[] b) throws InvalidModuleException {
        Parsed p = new Parsed();
        WasmBinary r = new WasmBinary(b, 8, b.length);
        boolean memoryImported = false;
        while (r.more()) {
            int id = r.u8();
            int size = r.u32i();
            int start = r.pos;
            int end = start + size;
            if (end > b.length) {
                throw new InvalidModuleException("truncated section " + id);
            }
            p.sections.add(new int[] {id, start, end});
            r.pos = end;
            WasmBinary s = new WasmBinary(b, start, end);
            switch (id) {
                case 1 -> {
                    int n = s.u32i();
                    for (int i = 0; i < n; i++) {
                        if (s.u8() != 0x60) {
                            throw new InvalidModuleException("type " + i + " is not a function type (GC types are not supported)");
                        }
                        p.types.add("(" + valTypes(s) + ")->(" + valTypes(s) + ")");
                    }
                }
                case 2 -> {
                    int n = s.u32i();
                    for (int i = 0; i < n; i++) {
                        String mod = s.name();
                        String name = s.name();
                        int kind = s.u8();
                        p.importNames.add(mod + "." + name);
                        switch (kind) {
                            case 0 -> {
                                p.funcTypes.add(s.u32i());
                                p.importedFuncs++;
                                if (!mod.equals(WASI)) {
                                    throw new InvalidModuleException("the module imports the function " + mod + "." + name
                                            + "; plugins may import only WASI preview 1 (" + WASI + ")");
                                }
                            }
                            case 1 -> throw new InvalidModuleException("the module imports a table (" + mod + "." + name
                                    + "); plugins define their own");
                            case 2 -> {
                                memoryImported = true;
                                throw new InvalidModuleException("the module imports its memory (" + mod + "." + name
                                        + "); plugins must define and export 'memory'");
                            }
                            case 3 -> throw new InvalidModuleException("the module imports a global (" + mod + "." + name
                                    + "); plugins may import only WASI preview 1 functions");
                            default -> throw new InvalidModuleException("the module imports " + mod + "." + name
                                    + " of an unsupported kind " + kind);
                        }
                    }
                }
                case 3 -> {
                    int n = s.u32i();
                    for (int i = 0; i < n; i++) {
                        p.funcTypes.add(s.u32i());
                    }
                }
                case 5 -> {
                    int n = s.u32i();
                    if (n != 1) {
                        throw new InvalidModuleException("the module defines " + n + " memories; plugins have exactly one");
                    }
                    int flags = s.u8();
                    if (flags > 1) {
                        throw new InvalidModuleException("shared or 64-bit memories are not supported");
                    }
                    p.memMin = s.u32();
                    if (flags == 1) {
                        p.memMax = s.u32();
                    }
                }
                case 6 -> p.definedGlobals = s.u32i();
                case 7 -> {
                    int n = s.u32i();
                    for (int i = 0; i < n; i++) {
                        String name = s.name();
                        int kind = s.u8();
                        int idx = s.u32i();
                        p.exports.put(name, new int[] {kind, idx});
                    }
                }
                default -> {
                    // other sections are carried over as they are
                }
            }
        }
        if (p.memMin < 0 && !memoryImported) {
            throw new InvalidModuleException("the module has no memory; plugins define and export 'memory'");
        }
        return p;
    }

    private static String valTypes(WasmBinary s) throws InvalidModuleException {
        int n = s.u32i();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int t = s.u8();
            out.add(switch (t) {
                case 0x7f -> "i32";
                case 0x7e -> "i64";
                case 0x7d -> "f32";
                case 0x7c -> "f64";
                case 0x7b -> "v128";
                case 0x70 -> "funcref";
                case 0x6f -> "externref";
                default -> throw new InvalidModuleException("unsupported value type 0x" + Integer.toHexString(t));
            });
        }
        return String.join(",", out);
    }

    private static String signatureOf(Parsed p, int funcIndex) {
        int t = p.funcTypes.get(funcIndex);
        return p.types.get(t);
    }

    private static void checkImports(Parsed p) {
        // checked while parsing: only WASI preview 1 functions get here
    }

    private static void checkExports(Parsed p) throws InvalidModuleException {
        int[] mem = p.exports.get("memory");
        if (mem == null || mem[0] != 2) {
            throw new InvalidModuleException("the module does not export its memory as 'memory'");
        }
        checkFunction(p, "cabi_realloc", "(i32,i32,i32,i32)->(i32)", true);
        for (WitFunction f : FormatWorld.REQUIRED) {
            checkFunction(p, f.exportName(), f.coreSignature(), true);
        }
        for (WitFunction f : FormatWorld.OPTIONAL) {
            checkFunction(p, f.exportName(), f.coreSignature(), false);
        }
    }

    private static void checkFunction(Parsed p, String name, String signature, boolean required)
            throws InvalidModuleException {
        int[] e = p.exports.get(name);
        if (e == null) {
            if (required) {
                throw new InvalidModuleException("the module does not export '" + name + "' " + signature
                        + " (world artifact-keeper:format/format-plugin)");
            }
            return;
        }
        if (e[0] != 0 || e[1] >= p.funcTypes.size()) {
            throw new InvalidModuleException("export '" + name + "' is not a function");
        }
        String actual = signatureOf(p, e[1]);
        if (!actual.equals(signature)) {
            throw new InvalidModuleException("export '" + name + "' has the core signature " + actual + " but the canonical "
                    + "ABI of the WIT function needs " + signature);
        }
    }

    // --- rewriting

    private static final int[] SECTION_RANK = new int[14];

    static {
        int[] order = {1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11};
        for (int i = 0; i < order.length; i++) {
            SECTION_RANK[order[i]] = i + 1;
        }
    }

    private static byte[] rewrite(byte[] b, Parsed p, int maxPages, boolean meter) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 1024);
        out.write(b, 0, 8);
        int globalIndex = p.importedGlobals + p.definedGlobals;
        int typeSet = p.types.size();
        int funcSet = p.funcTypes.size();
        boolean globalDone = false;
        boolean exportDone = false;
        try {
            for (int[] sec : p.sections) {
                int id = sec[0];
                if (meter && id != 0 && SECTION_RANK[id] > SECTION_RANK[6] && !globalDone) {
                    section(out, 6, globalSection(b, null, 0));
                    globalDone = true;
                }
                if (meter && id != 0 && SECTION_RANK[id] > SECTION_RANK[7] && !exportDone) {
                    section(out, 7, exportSection(b, null, funcSet));
                    exportDone = true;
                }
                byte[] content;
                switch (id) {
                    case 1 -> content = meter ? appendEntries(b, sec, new byte[][] {
                        {0x60, 1, 0x7e, 0}, {0x60, 0, 1, 0x7e}, {0x60, 1, 0x7f, 1, 0x7f}, {0x60, 0, 1, 0x7f}}) : copy(b, sec);
                    case 3 -> content = meter ? appendEntries(b, sec, new byte[][] {u32(typeSet), u32(typeSet + 1),
                        u32(typeSet + 2), u32(typeSet + 3)}) : copy(b, sec);
                    case 5 -> content = memorySection(p.memMin, maxPages);
                    case 6 -> {
                        content = meter ? globalSection(b, sec, 0) : copy(b, sec);
                        globalDone = true;
                    }
                    case 7 -> {
                        content = meter ? exportSection(b, sec, funcSet) : copy(b, sec);
                        exportDone = true;
                    }
                    case 10 -> content = meter ? codeSection(b, sec, globalIndex, funcSet + 2) : copy(b, sec);
                    default -> content = copy(b, sec);
                }
                section(out, id, content);
            }
        } catch (InvalidModuleException e) {
            throw new UnsupportedOperationException(e.getMessage());
        }
        return out.toByteArray();
    }

    private static byte[] u32(long v) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        WasmBinary.writeU32(o, v);
        return o.toByteArray();
    }

    private static byte[] copy(byte[] b, int[] sec) {
        return Arrays.copyOfRange(b, sec[1], sec[2]);
    }

    private static void section(ByteArrayOutputStream out, int id, byte[] content) {
        out.write(id);
        WasmBinary.writeU32(out, content.length);
        out.write(content, 0, content.length);
    }

    /** A vector section with {@code extra} entries appended. */
    private static byte[] appendEntries(byte[] b, int[] sec, byte[][] extra) throws InvalidModuleException {
        WasmBinary r = new WasmBinary(b, sec[1], sec[2]);
        long n = r.u32();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        WasmBinary.writeU32(o, n + extra.length);
        o.write(b, r.pos, sec[2] - r.pos);
        for (byte[] e : extra) {
            o.write(e, 0, e.length);
        }
        return o.toByteArray();
    }

    private static byte[] memorySection(long min, int maxPages) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(1);
        o.write(1);
        WasmBinary.writeU32(o, min);
        WasmBinary.writeU32(o, maxPages);
        return o.toByteArray();
    }

    private static final byte[] FUEL_GLOBAL = {0x7e, 1, 0x42, 0, 0x0b}; // mut i64 = 0
    private static final byte[] GROW_GLOBAL = {0x7f, 1, 0x41, 0, 0x0b}; // mut i32 = 0

    private static byte[] globalSection(byte[] b, int[] sec, int unused) throws InvalidModuleException {
        if (sec == null) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            o.write(2);
            o.write(FUEL_GLOBAL, 0, FUEL_GLOBAL.length);
            o.write(GROW_GLOBAL, 0, GROW_GLOBAL.length);
            return o.toByteArray();
        }
        return appendEntries(b, sec, new byte[][] {FUEL_GLOBAL, GROW_GLOBAL});
    }

    private static byte[] exportSection(byte[] b, int[] sec, int funcSet) throws InvalidModuleException {
        ByteArrayOutputStream e1 = new ByteArrayOutputStream();
        WasmBinary.writeName(e1, FUEL_SET);
        e1.write(0);
        WasmBinary.writeU32(e1, funcSet);
        ByteArrayOutputStream e2 = new ByteArrayOutputStream();
        WasmBinary.writeName(e2, FUEL_GET);
        e2.write(0);
        WasmBinary.writeU32(e2, funcSet + 1);
        ByteArrayOutputStream e3 = new ByteArrayOutputStream();
        WasmBinary.writeName(e3, GROW_FAILED);
        e3.write(0);
        WasmBinary.writeU32(e3, funcSet + 3);
        byte[][] extra = {e1.toByteArray(), e2.toByteArray(), e3.toByteArray()};
        if (sec == null) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            o.write(3);
            for (byte[] x : extra) {
                o.write(x, 0, x.length);
            }
            return o.toByteArray();
        }
        return appendEntries(b, sec, extra);
    }

    private static byte[] codeSection(byte[] b, int[] sec, int global, int growFn) throws InvalidModuleException {
        WasmBinary r = new WasmBinary(b, sec[1], sec[2]);
        int n = r.u32i();
        ByteArrayOutputStream o = new ByteArrayOutputStream(sec[2] - sec[1] + 64 * n + 64);
        WasmBinary.writeU32(o, n + 4);
        for (int i = 0; i < n; i++) {
            int size = r.u32i();
            int start = r.pos;
            byte[] body = meterBody(b, start, start + size, global, growFn);
            WasmBinary.writeU32(o, body.length);
            o.write(body, 0, body.length);
            r.pos = start + size;
        }
        ByteArrayOutputStream set = new ByteArrayOutputStream();
        set.write(0); // no locals
        set.write(0x20);
        set.write(0); // local.get 0
        set.write(0x24);
        WasmBinary.writeU32(set, global); // global.set
        set.write(0x41);
        set.write(0); // i32.const 0
        set.write(0x24);
        WasmBinary.writeU32(set, global + 1); // the grow flag starts clear
        set.write(0x0b);
        ByteArrayOutputStream get = new ByteArrayOutputStream();
        get.write(0);
        get.write(0x23);
        WasmBinary.writeU32(get, global); // global.get
        get.write(0x0b);
        ByteArrayOutputStream grow = new ByteArrayOutputStream();
        grow.writeBytes(new byte[] {1, 1, 0x7f}); // one i32 local
        grow.writeBytes(new byte[] {0x20, 0, 0x40, 0, 0x22, 1, 0x41, 0x7f, 0x46, 0x04, 0x40, 0x41, 1, 0x24});
        WasmBinary.writeU32(grow, global + 1);
        grow.writeBytes(new byte[] {0x0b, 0x20, 1, 0x0b});
        ByteArrayOutputStream failed = new ByteArrayOutputStream();
        failed.write(0);
        failed.write(0x23);
        WasmBinary.writeU32(failed, global + 1);
        failed.write(0x0b);
        for (ByteArrayOutputStream f : List.of(set, get, grow, failed)) {
            WasmBinary.writeU32(o, f.size());
            o.write(f.toByteArray(), 0, f.size());
        }
        return o.toByteArray();
    }

    /** Inserts the fuel check at the body's start and after each loop header. */
    private static byte[] meterBody(byte[] b, int start, int end, int global, int growFn) throws InvalidModuleException {
        WasmBinary r = new WasmBinary(b, start, end);
        int groups = r.u32i();
        for (int i = 0; i < groups; i++) {
            r.u32();
            int t = r.u8();
            if (t < 0x6f || t > 0x7f) {
                throw new InvalidModuleException("unsupported local type 0x" + Integer.toHexString(t));
            }
        }
        int codeStart = r.pos;
        // pass 1: instruction boundaries and the cost of each metered region
        List<int[]> instrs = new ArrayList<>(); // {start, opcode}
        while (r.pos < end) {
            int at = r.pos;
            int op = skipInstruction(r);
            instrs.add(new int[] {at, op});
        }
        List<Long> costs = new ArrayList<>();
        costs.add(0L);
        int[] loopMeter = new int[instrs.size()];
        Arrays.fill(loopMeter, -1);
        List<Integer> stack = new ArrayList<>();
        stack.add(0);
        for (int k = 0; k < instrs.size(); k++) {
            int op = instrs.get(k)[1];
            int m = stack.get(stack.size() - 1);
            costs.set(m, costs.get(m) + 1);
            if (op == 0x03) {
                costs.add(0L);
                loopMeter[k] = costs.size() - 1;
                stack.add(costs.size() - 1);
            } else if (op == 0x02 || op == 0x04) {
                stack.add(m);
            } else if (op == 0x0b) {
                stack.remove(stack.size() - 1);
                if (stack.isEmpty() && k != instrs.size() - 1) {
                    throw new InvalidModuleException("unbalanced end in a function body");
                }
            }
        }
        ByteArrayOutputStream o = new ByteArrayOutputStream((end - start) * 2);
        o.write(b, start, codeStart - start);
        meterCode(o, global, costs.get(0));
        for (int k = 0; k < instrs.size(); k++) {
            int s = instrs.get(k)[0];
            int e = k + 1 < instrs.size() ? instrs.get(k + 1)[0] : end;
            if (instrs.get(k)[1] == 0x40) {
                if (e - s != 2 || b[s + 1] != 0) {
                    throw new InvalidModuleException("memory.grow of a memory other than 0");
                }
                o.write(0x10); // call the wrapper that notes a failed grow
                WasmBinary.writeU32(o, growFn);
                continue;
            }
            o.write(b, s, e - s);
            if (loopMeter[k] >= 0) {
                meterCode(o, global, costs.get(loopMeter[k]));
            }
        }
        return o.toByteArray();
    }

    /** fuel -= cost; if (fuel < 0) unreachable */
    private static void meterCode(ByteArrayOutputStream o, int global, long cost) {
        o.write(0x23);
        WasmBinary.writeU32(o, global);
        o.write(0x42);
        WasmBinary.writeS64(o, Math.max(1, cost));
        o.write(0x7d); // i64.sub
        o.write(0x24);
        WasmBinary.writeU32(o, global);
        o.write(0x23);
        WasmBinary.writeU32(o, global);
        o.write(0x42);
        o.write(0);
        o.write(0x53); // i64.lt_s
        o.write(0x04);
        o.write(0x40); // if
        o.write(0x00); // unreachable
        o.write(0x0b); // end
    }

    private static void blockType(WasmBinary r) throws InvalidModuleException {
        int t = r.b[r.pos] & 0xff;
        if (t == 0x40 || (t >= 0x6f && t <= 0x7f)) {
            r.pos++;
        } else {
            r.skipLeb();
        }
    }

    /** Skips one instruction; returns its opcode. Throws for instructions the meter does not know. */
    private static int skipInstruction(WasmBinary r) throws InvalidModuleException {
        int op = r.u8();
        switch (op) {
            case 0x00, 0x01, 0x05, 0x0b, 0x0f, 0x1a, 0x1b, 0xd1 -> {
            }
            case 0x02, 0x03, 0x04 -> blockType(r);
            case 0x0c, 0x0d, 0x10, 0x12, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0xd2 -> r.u32();
            case 0x0e -> {
                int n = r.u32i();
                for (int i = 0; i <= n; i++) {
                    r.u32();
                }
            }
            case 0x11, 0x13 -> {
                r.u32();
                r.u32();
            }
            case 0x1c -> {
                int n = r.u32i();
                for (int i = 0; i < n; i++) {
                    r.u8();
                }
            }
            case 0x3f, 0x40 -> r.u32();
            case 0x41, 0x42 -> r.skipLeb();
            case 0x43 -> r.pos += 4;
            case 0x44 -> r.pos += 8;
            case 0xd0 -> r.skipLeb();
            case 0xfc -> {
                int sub = r.u32i();
                switch (sub) {
                    case 0, 1, 2, 3, 4, 5, 6, 7 -> {
                    }
                    case 8, 10, 12, 14 -> {
                        r.u32();
                        r.u32();
                    }
                    case 9, 11, 13, 15, 16, 17 -> r.u32();
                    default -> throw new InvalidModuleException("instruction 0xfc " + sub);
                }
            }
            default -> {
                if (op >= 0x28 && op <= 0x3e) {
                    long align = r.u32();
                    if ((align & 0x40) != 0) {
                        r.u32();
                    }
                    r.u32();
                } else if (op >= 0x45 && op <= 0xc4) {
                    // numeric, no immediates
                } else {
                    throw new InvalidModuleException("instruction 0x" + Integer.toHexString(op));
                }
            }
        }
        if (r.pos > r.end) {
            throw new InvalidModuleException("truncated instruction");
        }
        return op;
    }
}
