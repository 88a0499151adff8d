/*
 * Artifact Keeper format plugins in C: the canonical-ABI layout of the WIT world
 * artifact-keeper:format@1.0.0 (../wit/format-plugin.wit) as C structs, export-name macros,
 * and a small allocator (ak_alloc.c).
 *
 * Build a plugin as a core WebAssembly module, no libc:
 *   clang --target=wasm32 -O2 -nostdlib -fno-builtin -I sdk/c -Wl,--no-entry -Wl,--export-dynamic \
 *         -o plugin.wasm plugin.c sdk/c/ak_alloc.c
 *
 * Every struct below has exactly the size and field offsets the canonical ABI gives the WIT type
 * on wasm32 (checked by the static asserts), so the host reads and writes them directly.
 * Memory model: the host allocates parameters with cabi_realloc before a call; the plugin
 * allocates its results with ak_alloc; after the host has read the results it calls
 * cabi_post_<function>, which here releases everything allocated since the call began.
 */
#ifndef AK_PLUGIN_H
#define AK_PLUGIN_H

typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
typedef unsigned long size_t;
typedef int int32_t;

#define AK_HANDLER "artifact-keeper:format/handler@1.0.0#"
#define AK_REQUEST_HANDLER "artifact-keeper:format/request-handler@1.0.0#"
#define AK_EXPORT(name) __attribute__((export_name(name)))

/* string: UTF-8, not NUL-terminated */
typedef struct { const char *ptr; size_t len; } ak_string;
/* list<u8> */
typedef struct { const uint8_t *ptr; size_t len; } ak_bytes;
/* option<string> */
typedef struct { uint8_t is_some; ak_string val; } ak_option_string;

/* record metadata */
typedef struct {
    ak_string path;
    ak_option_string version;
    ak_string content_type;
    uint64_t size_bytes;
    ak_option_string checksum_sha256;
} ak_metadata;
typedef struct { const ak_metadata *ptr; size_t len; } ak_metadata_list;

/* result<metadata, string> */
typedef struct { uint8_t is_err; union { ak_metadata ok; ak_string err; } val; } ak_result_metadata;
/* result<_, string> */
typedef struct { uint8_t is_err; ak_string err; } ak_result_unit;
/* tuple<string, list<u8>> and result<option<list<tuple<string, list<u8>>>>, string> */
typedef struct { ak_string name; ak_bytes content; } ak_file;
typedef struct { const ak_file *ptr; size_t len; } ak_file_list;
typedef struct { uint8_t is_some; ak_file_list files; } ak_option_files;
typedef struct { uint8_t is_err; union { ak_option_files ok; ak_string err; } val; } ak_result_index;

/* request-handler */
typedef struct { ak_string name; ak_string value; } ak_header;
typedef struct { const ak_header *ptr; size_t len; } ak_header_list;
typedef struct { ak_string method; ak_string path; ak_string query; ak_header_list headers; ak_bytes body; } ak_http_request;
typedef struct { ak_string repo_key; ak_string base_url; ak_string download_base_url; } ak_repo_context;
typedef struct { uint16_t status; ak_header_list headers; ak_bytes body; } ak_http_response;
typedef struct { uint8_t is_err; union { ak_http_response ok; ak_string err; } val; } ak_result_http_response;
/* handle-request has more than 16 flat parameters: they arrive as one pointer to this tuple */
typedef struct { ak_http_request request; ak_repo_context context; ak_metadata_list artifacts; } ak_handle_request_args;

_Static_assert(sizeof(ak_metadata) == 56, "metadata layout");
_Static_assert(__builtin_offsetof(ak_metadata, size_bytes) == 32, "metadata layout");
_Static_assert(sizeof(ak_result_metadata) == 64, "result<metadata,string> layout");
_Static_assert(sizeof(ak_result_unit) == 12, "result<_,string> layout");
_Static_assert(sizeof(ak_result_index) == 16, "generate-index result layout");
_Static_assert(sizeof(ak_http_request) == 40, "http-request layout");
_Static_assert(sizeof(ak_http_response) == 20, "http-response layout");
_Static_assert(sizeof(ak_result_http_response) == 24, "handle-request result layout");
_Static_assert(sizeof(ak_handle_request_args) == 72, "handle-request params layout");

/* --- allocator and helpers (ak_alloc.c) --- */

/* Bump allocation from the heap; traps (unreachable) when memory cannot grow. */
void *ak_alloc(size_t size, size_t align);
/* Releases everything allocated since the current call began (called by the cabi_post_* exports). */
void ak_reset(void);

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

static inline ak_string ak_str(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    ak_string r = { s, n };
    return r;
}
int ak_str_eq(ak_string a, const char *b);
int ak_ends_with(ak_string s, const char *suffix);
int ak_starts_with(ak_string s, const char *prefix);

/* A growable byte buffer for building output (JSON, HTML). */
typedef struct { char *ptr; size_t len; size_t cap; } ak_buf;
void ak_buf_put(ak_buf *b, const char *p, size_t n);
void ak_buf_puts(ak_buf *b, const char *s);
void ak_buf_str(ak_buf *b, ak_string s);
void ak_buf_u64(ak_buf *b, uint64_t v);
/* s as a JSON string literal, with quotes */
void ak_buf_json(ak_buf *b, ak_string s);
/* s with &, <, >, " escaped for HTML */
void ak_buf_html(ak_buf *b, ak_string s);
static inline ak_string ak_buf_string(const ak_buf *b) { ak_string r = { b->ptr, b->len }; return r; }
/* A copy of s in plugin memory. */
ak_string ak_copy(ak_string s);

/* Result builders (the returned pointers are static return areas, valid until cabi_post_*). */
ak_result_unit *ak_ok_unit(void);
ak_result_unit *ak_err_unit(const char *message);

#endif
