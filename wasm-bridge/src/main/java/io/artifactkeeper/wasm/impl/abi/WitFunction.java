package io.artifactkeeper.wasm.impl.abi;

import java.util.ArrayList;
import java.util.List;

/**
 * One exported function of the WIT contract: where it lives ({@code interface#name}), its
 * parameter types and its result type (null: none). The canonical ABI call is derived from this
 * description alone (see {@link CanonicalAbi}).
 */
public record WitFunction(String iface, String name, List<WitType> params, WitType result) {

    /** Above this many flat parameters the arguments go through memory (canonical ABI MAX_FLAT_PARAMS). */
    public static final int MAX_FLAT_PARAMS = 16;
    /** Above this many flat results the result is returned through memory (MAX_FLAT_RESULTS). */
    public static final int MAX_FLAT_RESULTS = 1;

    public WitFunction {
        params = List.copyOf(params);
    }

    /** The core export name: {@code artifact-keeper:format/handler@1.0.0#parse-metadata}. */
    public String exportName() {
        return iface + "#" + name;
    }

    /** The export the host calls after reading the result, to let the guest free it. */
    public String postReturnName() {
        return "cabi_post_" + exportName();
    }

    public int flatParamCount() {
        return params.stream().mapToInt(WitType::flatCount).sum();
    }

    public boolean paramsInMemory() {
        return flatParamCount() > MAX_FLAT_PARAMS;
    }

    public boolean resultInMemory() {
        return result != null && result.flatCount() > MAX_FLAT_RESULTS;
    }

    /** The core signature the export must have, e.g. {@code (i32,i32,i32,i32)->(i32)}. */
    public String coreSignature() {
        List<String> p = new ArrayList<>();
        if (paramsInMemory()) {
            p.add("i32");
        } else {
            for (WitType t : params) {
                flatTypes(t, p);
            }
        }
        List<String> r = new ArrayList<>();
        if (resultInMemory()) {
            r.add("i32");
        } else if (result != null) {
            flatTypes(result, r);
        }
        return "(" + String.join(",", p) + ")->(" + String.join(",", r) + ")";
    }

    private static void flatTypes(WitType t, List<String> out) {
        if (t == WitType.U64.INSTANCE) {
            out.add("i64");
        } else if (t instanceof WitType.Fields f) {
            for (WitType x : f.types()) {
                flatTypes(x, out);
            }
        } else if (t instanceof WitType.Option || t instanceof WitType.Result) {
            throw new UnsupportedOperationException("flat option/result parameters are not used by this contract");
        } else {
            for (int i = 0; i < t.flatCount(); i++) {
                out.add("i32");
            }
        }
    }
}
