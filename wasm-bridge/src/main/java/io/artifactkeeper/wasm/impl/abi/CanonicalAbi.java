package io.artifactkeeper.wasm.impl.abi;

import java.util.ArrayList;
import java.util.List;

/**
 * Calls an export described by a {@link WitFunction}: lowers the arguments (flat, or through a
 * tuple in memory when they exceed 16 flat values), calls, lifts the result (through the returned
 * pointer when it exceeds one flat value) and calls {@code cabi_post_*}.
 */
public final class CanonicalAbi {

    /** The guest side of a call. */
    public interface Guest {
        LinearMemory memory();

        /** Calls a core export with i32 (Integer) / i64 (Long) arguments; returns its single result or null. */
        Object invoke(String export, Object... args);

        boolean exports(String name);
    }

    private CanonicalAbi() {
    }

    public static Object call(Guest g, WitFunction f, List<?> args, WitType.Limits limits) {
        if (args.size() != f.params().size()) {
            throw new IllegalArgumentException(f.name() + " takes " + f.params().size() + " arguments");
        }
        LinearMemory m = g.memory();
        List<Object> flat = new ArrayList<>();
        if (f.paramsInMemory()) {
            WitType.Fields tuple = new WitType.Fields(f.params());
            int ptr = m.allocate(tuple.align(), tuple.size());
            tuple.store(m, ptr, args, limits);
            flat.add(ptr);
        } else {
            for (int i = 0; i < args.size(); i++) {
                lowerFlat(m, f.params().get(i), args.get(i), flat, limits);
            }
        }
        Object ret = g.invoke(f.exportName(), flat.toArray());
        Object value;
        if (f.result() == null) {
            value = null;
        } else if (f.resultInMemory()) {
            if (!(ret instanceof Number n)) {
                throw new WitType.MalformedException(f.name() + " returned no result pointer");
            }
            long retptr = Integer.toUnsignedLong(n.intValue());
            if (retptr % f.result().align() != 0) {
                throw new WitType.MalformedException(f.name() + " returned a misaligned result pointer " + retptr);
            }
            WitType.checkRange(m, retptr, f.result().size(), "result of " + f.name());
            value = f.result().load(m, retptr, limits);
        } else {
            value = liftFlat(f.result(), ret);
        }
        if (g.exports(f.postReturnName())) {
            if (f.resultInMemory()) {
                g.invoke(f.postReturnName(), ((Number) ret).intValue());
            } else if (ret != null) {
                g.invoke(f.postReturnName(), ret);
            } else {
                g.invoke(f.postReturnName());
            }
        }
        return value;
    }

    private static void lowerFlat(LinearMemory m, WitType t, Object v, List<Object> out, WitType.Limits limits) {
        if (t == WitType.U64.INSTANCE) {
            out.add(((Number) v).longValue());
        } else if (t == WitType.U16.INSTANCE || t == WitType.U8.INSTANCE) {
            out.add(((Number) v).intValue());
        } else if (t == WitType.Str.INSTANCE || t == WitType.Bytes.INSTANCE || t instanceof WitType.ListOf) {
            // store into a scratch (ptr, len) pair, then pass the pair flat
            int slot = m.allocate(4, 8);
            t.store(m, slot, v, limits);
            out.add(m.readInt(slot));
            out.add(m.readInt(slot + 4));
        } else if (t instanceof WitType.Fields f) {
            List<?> values = (List<?>) v;
            for (int i = 0; i < f.types().size(); i++) {
                lowerFlat(m, f.types().get(i), values.get(i), out, limits);
            }
        } else {
            throw new UnsupportedOperationException("flat " + t + " parameters are not used by this contract");
        }
    }

    private static Object liftFlat(WitType t, Object v) {
        if (!(v instanceof Number n)) {
            throw new WitType.MalformedException("expected a number result, got " + v);
        }
        if (t == WitType.U64.INSTANCE) {
            return n.longValue();
        }
        if (t == WitType.U16.INSTANCE) {
            return n.intValue() & 0xffff;
        }
        if (t == WitType.U8.INSTANCE) {
            return n.intValue() & 0xff;
        }
        throw new UnsupportedOperationException("flat " + t + " results are not used by this contract");
    }
}
