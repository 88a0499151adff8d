/*
 * Example plugin of world format-plugin-v2: Python wheels and sdists behind a PEP 503 simple
 * index, so that pip installs from /ext/wheelhouse/{repo}/simple/. Uploads go through the
 * artifacts API; handle-request serves the index pages and links each file to the server's
 * download URL with its sha256.
 */
#include "ak_plugin.h"

static ak_string KEY = { "wheelhouse", 10 };

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

static int is_wheel(ak_string p) { return ak_ends_with(p, ".whl"); }
static int is_sdist(ak_string p) { return ak_ends_with(p, ".tar.gz"); }

/* wheel: {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl; sdist: {name}-{version}.tar.gz */
static int split_dist(ak_string file, ak_string *name, ak_string *version) {
    size_t stem;
    if (ak_ends_with(file, ".whl")) stem = file.len - 4;
    else if (ak_ends_with(file, ".tar.gz")) stem = file.len - 7;
    else return 0;
    if (ak_ends_with(file, ".whl")) {
        size_t a = 0;
        while (a < stem && file.ptr[a] != '-') a++;
        size_t b = a + 1;
        while (b < stem && file.ptr[b] != '-') b++;
        if (a == 0 || a >= stem || b >= stem || b == a + 1) return 0;
        name->ptr = file.ptr; name->len = a;
        version->ptr = file.ptr + a + 1; version->len = b - a - 1;
        return 1;
    }
    for (size_t i = stem; i > 0; i--) {
        if (file.ptr[i - 1] == '-' && i < stem) {
            name->ptr = file.ptr; name->len = i - 1;
            version->ptr = file.ptr + i; version->len = stem - i;
            return name->len > 0;
        }
    }
    return 0;
}

/* PEP 503 normalized name: lower case, runs of '-', '_', '.' become one '-' */
static ak_string normalize(ak_string s) {
    char *out = ak_alloc(s.len + 1, 1);
    size_t n = 0;
    int sep = 0;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (c == '-' || c == '_' || c == '.') { sep = 1; continue; }
        if (sep && n > 0) out[n++] = '-';
        sep = 0;
        out[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    ak_string r = { out, n };
    return r;
}

static int str_eq(ak_string a, ak_string b) { return a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0; }

AK_EXPORT(AK_HANDLER "validate")
ak_result_unit *validate(const char *path, size_t path_len, const uint8_t *data, size_t data_len) {
    ak_string p = { path, path_len };
    ak_string name, version;
    if (!split_dist(file_name(p), &name, &version)) {
        return ak_err_unit("not a Python distribution: expected {name}-{version}-{tags}.whl or {name}-{version}.tar.gz");
    }
    if (is_wheel(p) && (data_len < 4 || data[0] != 'P' || data[1] != 'K' || data[2] != 3 || data[3] != 4)) {
        return ak_err_unit("not a wheel: the content is not a zip archive");
    }
    if (is_sdist(p) && (data_len < 2 || data[0] != 0x1f || data[1] != 0x8b)) {
        return ak_err_unit("not an sdist: the content is not gzip-compressed");
    }
    return ak_ok_unit();
}

AK_EXPORT("cabi_post_" AK_HANDLER "validate")
void validate_post(void *ret) { ak_reset(); }

AK_EXPORT(AK_HANDLER "parse-metadata")
ak_result_metadata *parse_metadata(const char *path, size_t path_len, const uint8_t *data, size_t data_len) {
    static ak_result_metadata ret;
    memset(&ret, 0, sizeof ret);
    ak_string p = { path, path_len };
    ak_string name, version;
    if (!split_dist(file_name(p), &name, &version)) {
        ret.is_err = 1;
        ret.val.err = ak_str("not a Python distribution file name");
        return &ret;
    }
    ret.val.ok.path = p;
    ret.val.ok.version.is_some = 1;
    ret.val.ok.version.val = version;
    ret.val.ok.content_type = is_wheel(p) ? ak_str("application/zip") : ak_str("application/gzip");
    ret.val.ok.size_bytes = data_len;
    return &ret;
}

AK_EXPORT("cabi_post_" AK_HANDLER "parse-metadata")
void parse_metadata_post(void *ret) { ak_reset(); }

AK_EXPORT(AK_HANDLER "generate-index")
ak_result_index *generate_index(const ak_metadata *artifacts, size_t count) {
    static ak_result_index ret;
    memset(&ret, 0, sizeof ret); /* ok(none): the index is served by handle-request */
    return &ret;
}

AK_EXPORT("cabi_post_" AK_HANDLER "generate-index")
void generate_index_post(void *ret) { ak_reset(); }

static ak_result_http_response http_ret;

static ak_result_http_response *respond(uint16_t status, const char *content_type, ak_buf *body) {
    ak_header *h = ak_alloc(sizeof(ak_header), 4);
    h[0].name = ak_str("Content-Type");
    h[0].value = ak_str(content_type);
    http_ret.is_err = 0;
    http_ret.val.ok.status = status;
    http_ret.val.ok.headers.ptr = h;
    http_ret.val.ok.headers.len = 1;
    http_ret.val.ok.body.ptr = (const uint8_t *)body->ptr;
    http_ret.val.ok.body.len = body->len;
    return &http_ret;
}

static ak_result_http_response *not_found(ak_string what) {
    ak_buf b = { 0 };
    ak_buf_puts(&b, "not found: ");
    ak_buf_str(&b, what);
    ak_buf_puts(&b, "\n");
    return respond(404, "text/plain; charset=utf-8", &b);
}

static ak_result_http_response *redirect(ak_string base, ak_string path) {
    ak_header *h = ak_alloc(sizeof(ak_header), 4);
    ak_buf loc = { 0 };
    ak_buf_str(&loc, base);
    ak_buf_str(&loc, path);
    ak_buf_puts(&loc, "/");
    h[0].name = ak_str("Location");
    h[0].value = ak_buf_string(&loc);
    http_ret.is_err = 0;
    http_ret.val.ok.status = 301;
    http_ret.val.ok.headers.ptr = h;
    http_ret.val.ok.headers.len = 1;
    http_ret.val.ok.body.ptr = 0;
    http_ret.val.ok.body.len = 0;
    return &http_ret;
}

/* GET /simple/ lists the projects; GET /simple/{project}/ lists its files (PEP 503). */
AK_EXPORT(AK_REQUEST_HANDLER "handle-request")
ak_result_http_response *handle_request(const ak_handle_request_args *args) {
    ak_string method = args->request.method;
    ak_string path = args->request.path;
    if (path.len && path.ptr[0] == '/') { path.ptr++; path.len--; }
    if (!ak_str_eq(method, "GET") && !ak_str_eq(method, "HEAD")) {
        ak_buf b = { 0 };
        ak_buf_puts(&b, "this index is read-only; upload with PUT /api/v1/repositories/{key}/artifacts/{file}\n");
        return respond(405, "text/plain; charset=utf-8", &b);
    }
    if (!ak_starts_with(path, "simple")) return not_found(args->request.path);
    ak_string rest = { path.ptr + 6, path.len - 6 };
    const ak_metadata *arts = args->artifacts.ptr;
    size_t n = args->artifacts.len;
    ak_buf b = { 0 };
    if (rest.len == 0) return redirect(args->context.base_url, ak_str("/simple"));
    if (ak_str_eq(rest, "/")) {
        ak_buf_puts(&b, "<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.0\">"
                        "<title>Simple index</title></head><body>\n");
        /* each project once: normalized names computed once, then compared */
        ak_string *norms = ak_alloc(sizeof(ak_string) * (n ? n : 1), 4);
        for (size_t i = 0; i < n; i++) {
            ak_string name, version;
            norms[i].ptr = 0;
            norms[i].len = 0;
            if (split_dist(file_name(arts[i].path), &name, &version)) norms[i] = normalize(name);
        }
        for (size_t i = 0; i < n; i++) {
            if (norms[i].len == 0) continue;
            int seen = 0;
            for (size_t j = 0; j < i && !seen; j++) seen = str_eq(norms[j], norms[i]);
            if (seen) continue;
            ak_buf_puts(&b, "<a href=\"");
            ak_buf_html(&b, norms[i]);
            ak_buf_puts(&b, "/\">");
            ak_buf_html(&b, norms[i]);
            ak_buf_puts(&b, "</a><br/>\n");
        }
        ak_buf_puts(&b, "</body></html>\n");
        return respond(200, "text/html; charset=utf-8", &b);
    }
    /* /{project} or /{project}/ */
    ak_string project = { rest.ptr + 1, rest.len - 1 };
    int slash = project.len && project.ptr[project.len - 1] == '/';
    if (slash) project.len--;
    for (size_t i = 0; i < project.len; i++) if (project.ptr[i] == '/') return not_found(args->request.path);
    if (!slash) {
        ak_buf p = { 0 };
        ak_buf_puts(&p, "/simple/");
        ak_buf_str(&p, normalize(project));
        return redirect(args->context.base_url, ak_buf_string(&p));
    }
    ak_string want = normalize(project);
    int found = 0;
    ak_buf_puts(&b, "<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.0\"><title>Links for ");
    ak_buf_html(&b, want);
    ak_buf_puts(&b, "</title></head><body>\n<h1>Links for ");
    ak_buf_html(&b, want);
    ak_buf_puts(&b, "</h1>\n");
    for (size_t i = 0; i < n; i++) {
        ak_string file = file_name(arts[i].path);
        ak_string name, version;
        if (!split_dist(file, &name, &version) || !str_eq(normalize(name), want)) continue;
        found = 1;
        ak_buf_puts(&b, "<a href=\"");
        ak_buf_html(&b, args->context.download_base_url);
        ak_buf_puts(&b, "/");
        ak_buf_html(&b, arts[i].path);
        if (arts[i].checksum_sha256.is_some) {
            ak_buf_puts(&b, "#sha256=");
            ak_buf_html(&b, arts[i].checksum_sha256.val);
        }
        ak_buf_puts(&b, "\">");
        ak_buf_html(&b, file);
        ak_buf_puts(&b, "</a><br/>\n");
    }
    ak_buf_puts(&b, "</body></html>\n");
    if (!found) return not_found(project);
    return respond(200, "text/html; charset=utf-8", &b);
}

AK_EXPORT("cabi_post_" AK_REQUEST_HANDLER "handle-request")
void handle_request_post(void *ret) { ak_reset(); }
