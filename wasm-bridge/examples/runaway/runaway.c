/*
 * A misbehaving plugin for the bridge's tests. parse-metadata misbehaves according to the path:
 * "loop" spins forever, "bomb" allocates until memory cannot grow, "trap" hits unreachable,
 * "wild" returns a string pointing outside memory, "badutf8" returns invalid UTF-8;
 * anything else is described normally.
 */
#include "ak_plugin.h"

AK_EXPORT(AK_HANDLER "format-key")
ak_string *format_key(void) {
    static ak_string ret;
    ret = ak_str("runaway");
    return &ret;
}

AK_EXPORT("cabi_post_" AK_HANDLER "format-key")
void format_key_post(void *ret) { ak_reset(); }

static int contains(ak_string s, const char *word) {
    ak_string w = ak_str(word);
    for (size_t i = 0; i + w.len <= s.len; i++) {
        if (memcmp(s.ptr + i, w.ptr, w.len) == 0) return 1;
    }
    return 0;
}

volatile uint32_t sink;

AK_EXPORT(AK_HANDLER "parse-metadata")
ak_result_metadata *parse_metadata(const char *path, size_t path_len, const uint8_t *data, size_t data_len) {
    static ak_result_metadata ret;
    ak_string p = { path, path_len };
    memset(&ret, 0, sizeof ret);
    if (contains(p, "loop")) {
        for (;;) sink++;
    }
    if (contains(p, "bomb")) {
        for (;;) {
            uint8_t *chunk = ak_alloc(1 << 20, 16);
            chunk[0] = 1;
            sink += chunk[0];
        }
    }
    if (contains(p, "trap")) __builtin_trap();
    ret.val.ok.path = p;
    ret.val.ok.content_type = ak_str("application/octet-stream");
    ret.val.ok.size_bytes = data_len;
    if (contains(p, "wild")) {
        ret.val.ok.content_type.ptr = (const char *)0x7ffffff0;
        ret.val.ok.content_type.len = 4096;
    }
    if (contains(p, "badutf8")) {
        static const char bad[] = { (char)0xff, (char)0xfe, 'x' };
        ret.val.ok.content_type.ptr = bad;
        ret.val.ok.content_type.len = 3;
    }
    return &ret;
}

AK_EXPORT("cabi_post_" AK_HANDLER "parse-metadata")
void parse_metadata_post(void *ret) { ak_reset(); }

AK_EXPORT(AK_HANDLER "validate")
ak_result_unit *validate(const char *path, size_t path_len, const uint8_t *data, size_t data_len) {
    return ak_ok_unit();
}

AK_EXPORT("cabi_post_" AK_HANDLER "validate")
void validate_post(void *ret) { ak_reset(); }

AK_EXPORT(AK_HANDLER "generate-index")
ak_result_index *generate_index(const ak_metadata *artifacts, size_t count) {
    static ak_result_index ret;
    memset(&ret, 0, sizeof ret);
    return &ret;
}

AK_EXPORT("cabi_post_" AK_HANDLER "generate-index")
void generate_index_post(void *ret) { ak_reset(); }
