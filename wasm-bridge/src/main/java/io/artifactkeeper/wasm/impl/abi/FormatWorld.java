package io.artifactkeeper.wasm.impl.abi;

import java.util.List;

import io.artifactkeeper.wasm.impl.abi.WitType.Bytes;
import io.artifactkeeper.wasm.impl.abi.WitType.Fields;
import io.artifactkeeper.wasm.impl.abi.WitType.ListOf;
import io.artifactkeeper.wasm.impl.abi.WitType.Option;
import io.artifactkeeper.wasm.impl.abi.WitType.Result;
import io.artifactkeeper.wasm.impl.abi.WitType.Str;
import io.artifactkeeper.wasm.impl.abi.WitType.U16;
import io.artifactkeeper.wasm.impl.abi.WitType.U64;

/** The WIT world {@code artifact-keeper:format@1.0.0} (sdk/wit/format-plugin.wit) as data. */
public final class FormatWorld {
    public static final String HANDLER = "artifact-keeper:format/handler@1.0.0";
    public static final String REQUEST_HANDLER = "artifact-keeper:format/request-handler@1.0.0";

    private static final WitType S = Str.INSTANCE;

    /** record metadata { path, version: option<string>, content-type, size-bytes: u64, checksum-sha256: option<string> } */
    public static final Fields METADATA = Fields.of(S, new Option(S), S, U64.INSTANCE, new Option(S));
    /** tuple<string, string> (headers) */
    public static final Fields HEADER = Fields.of(S, S);
    /** record http-request { method, path, query, headers, body } */
    public static final Fields HTTP_REQUEST = Fields.of(S, S, S, new ListOf(HEADER), Bytes.INSTANCE);
    /** record repo-context { repo-key, base-url, download-base-url } */
    public static final Fields REPO_CONTEXT = Fields.of(S, S, S);
    /** record http-response { status: u16, headers, body } */
    public static final Fields HTTP_RESPONSE = Fields.of(U16.INSTANCE, new ListOf(HEADER), Bytes.INSTANCE);

    public static final WitFunction FORMAT_KEY = new WitFunction(HANDLER, "format-key", List.of(), S);
    public static final WitFunction PARSE_METADATA = new WitFunction(HANDLER, "parse-metadata",
            List.of(S, Bytes.INSTANCE), new Result(METADATA, S));
    public static final WitFunction VALIDATE = new WitFunction(HANDLER, "validate", List.of(S, Bytes.INSTANCE),
            new Result(null, S));
    public static final WitFunction GENERATE_INDEX = new WitFunction(HANDLER, "generate-index",
            List.of(new ListOf(METADATA)), new Result(new Option(new ListOf(Fields.of(S, Bytes.INSTANCE))), S));
    public static final WitFunction HANDLE_REQUEST = new WitFunction(REQUEST_HANDLER, "handle-request",
            List.of(HTTP_REQUEST, REPO_CONTEXT, new ListOf(METADATA)), new Result(HTTP_RESPONSE, S));

    /** What every plugin exports (world format-plugin). */
    public static final List<WitFunction> REQUIRED = List.of(FORMAT_KEY, PARSE_METADATA, VALIDATE, GENERATE_INDEX);
    /** What a plugin of world format-plugin-v2 adds. */
    public static final List<WitFunction> OPTIONAL = List.of(HANDLE_REQUEST);

    private FormatWorld() {
    }
}
