package io.artifactkeeper.wasm.impl.engine;

/** A call into a plugin failed; the plugin and the host go on. */
public final class PluginCallException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a call failed. */
    public enum Kind {
        /** the wall-clock limit passed */
        TIMEOUT,
        /** the instruction budget ran out */
        FUEL,
        /** memory could not grow past the cap */
        MEMORY,
        /** the guest trapped (unreachable, out-of-bounds access, stack overflow, ...) */
        TRAP,
        /** the guest returned data that breaks the contract (bad pointer, bad UTF-8, bad discriminant) */
        MALFORMED,
        /** the input was too large to hand to the plugin */
        TOO_LARGE,
        /** the plugin could not be instantiated */
        INSTANTIATION
    }

    private final Kind kind;

    public PluginCallException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
