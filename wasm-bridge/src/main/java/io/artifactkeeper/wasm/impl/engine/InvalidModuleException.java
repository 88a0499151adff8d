package io.artifactkeeper.wasm.impl.engine;

/** A plugin's WebAssembly binary cannot be used; the message says why (and how to fix it). */
public final class InvalidModuleException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidModuleException(String message) {
        super(message);
    }
}
