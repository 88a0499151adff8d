/*
 * Example format plugin (world format-plugin): Unity asset packages (.unitypackage, a gzipped tar).
 * validate checks the name and the gzip signature; parse-metadata takes the version from
 * "<name>-<version>.unitypackage"; generate-index writes index.json listing every package.
 */
#include "ak_plugin.h"

#define EXT ".unitypackage"

static ak_string KEY = { "unitypkg", 8 };

AK_EXPORT(AK_HANDLER "format-key")
ak_string *format_key(void) {
    static ak_string ret;
    ret = KEY;
    return &ret;
}

AK_EXPORT("cabi_post_" AK_HANDLER "format-key")
void format_key_post(void *ret) { ak_reset(); }

static ak_string file_name(ak_string path) {
    size_t i = path.len;
    while (i > 0 && path.ptr[i - 1] != '/') i--;
    ak_string r = { path.ptr + i, path.len - i };
    return r;
}

/* "tool-1.2.0.unitypackage" -> name "tool", version "1.2.0": the last '-' followed by a digit */
static int split_name(ak_string file, ak_string *name, ak_string *version) {
    size_t stem = file.len - (sizeof(EXT) - 1);
    for (size_t i = stem; i > 0; i--) {
        if (file.ptr[i - 1] == '-' && i < stem && file.ptr[i] >= '0' && file.ptr[i] <= '9') {
            name->ptr = file.ptr; name->len = i - 1;
            version->ptr = file.ptr + i; version->len = stem - i;
            return 1;
        }
    }
    name->ptr = file.ptr; name->len = stem;
    return 0;
}

AK_EXPORT(AK_HANDLER "validate")
ak_result_unit *validate(const char *path, size_t path_len, const uint8_t *data, size_t data_len) {
    ak_string p = { path, path_len };
    if (!ak_ends_with(p, EXT)) return ak_err_unit("not a Unity package: the file name must end with .unitypackage");
    if (data_len < 18 || data[0] != 0x1f || data[1] != 0x8b) {
        return ak_err_unit("not a Unity package: the content is not gzip-compressed (a .unitypackage is a .tar.gz)");
    }
    ak_string name, version;
    if (!split_name(file_name(p), &name, &version)) {
        return ak_err_unit("the file name must be <name>-<version>.unitypackage");
    }
    return ak_ok_unit();
}

AK_EXPORT("cabi_post_" AK_HANDLER "validate")
void validate_post(void *ret) { ak_reset(); }

AK_EXPORT(AK_HANDLER "parse-metadata")
ak_result_metadata *parse_metadata(const char *path, size_t path_len, const uint8_t *data, size_t data_len) {
    static ak_result_metadata ret;
    ak_string p = { path, path_len };
    memset(&ret, 0, sizeof ret);
    if (!ak_ends_with(p, EXT)) {
        ret.is_err = 1;
        ret.val.err = ak_str("not a Unity package");
        return &ret;
    }
    ak_string name, version;
    ret.val.ok.path = p;
    if (split_name(file_name(p), &name, &version)) {
        ret.val.ok.version.is_some = 1;
        ret.val.ok.version.val = version;
    }
    ret.val.ok.content_type = ak_str("application/vnd.unity.package+gzip");
    ret.val.ok.size_bytes = data_len;
    return &ret;
}

AK_EXPORT("cabi_post_" AK_HANDLER "parse-metadata")
void parse_metadata_post(void *ret) { ak_reset(); }

AK_EXPORT(AK_HANDLER "generate-index")
ak_result_index *generate_index(const ak_metadata *artifacts, size_t count) {
    static ak_result_index ret;
    ak_buf b = { 0 };
    ak_buf_puts(&b, "{\"format\":\"unitypkg\",\"packages\":[");
    int first = 1;
    for (size_t i = 0; i < count; i++) {
        const ak_metadata *m = &artifacts[i];
        if (!ak_ends_with(m->path, EXT)) continue;
        ak_string name, version;
        split_name(file_name(m->path), &name, &version);
        if (!first) ak_buf_puts(&b, ",");
        first = 0;
        ak_buf_puts(&b, "{\"name\":");
        ak_buf_json(&b, name);
        ak_buf_puts(&b, ",\"version\":");
        if (m->version.is_some) ak_buf_json(&b, m->version.val); else ak_buf_puts(&b, "null");
        ak_buf_puts(&b, ",\"path\":");
        ak_buf_json(&b, m->path);
        ak_buf_puts(&b, ",\"size\":");
        ak_buf_u64(&b, m->size_bytes);
        ak_buf_puts(&b, ",\"sha256\":");
        if (m->checksum_sha256.is_some) ak_buf_json(&b, m->checksum_sha256.val); else ak_buf_puts(&b, "null");
        ak_buf_puts(&b, "}");
    }
    ak_buf_puts(&b, "]}\n");
    ak_file *files = ak_alloc(sizeof(ak_file), 4);
    files[0].name = ak_str("index.json");
    files[0].content.ptr = (const uint8_t *)b.ptr;
    files[0].content.len = b.len;
    ret.is_err = 0;
    ret.val.ok.is_some = 1;
    ret.val.ok.files.ptr = files;
    ret.val.ok.files.len = 1;
    return &ret;
}

AK_EXPORT("cabi_post_" AK_HANDLER "generate-index")
void generate_index_post(void *ret) { ak_reset(); }
