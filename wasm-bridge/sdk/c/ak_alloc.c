/* The allocator and the few libc functions a -nostdlib plugin needs. See ak_plugin.h. */
#include "ak_plugin.h"

extern unsigned char __heap_base;

static size_t heap_top;   /* next free byte */
static size_t heap_end;   /* end of memory we may use */
static size_t call_mark;  /* heap_top when the current call began */

static void heap_init(void) {
    if (heap_top == 0) {
        heap_top = (size_t)&__heap_base;
        heap_end = __builtin_wasm_memory_size(0) * 65536;
        call_mark = heap_top;
    }
}

void *ak_alloc(size_t size, size_t align) {
    heap_init();
    if (align == 0) align = 1;
    size_t p = (heap_top + align - 1) & ~(align - 1);
    if (p + size < p) __builtin_trap();
    if (p + size > heap_end) {
        size_t need = p + size - heap_end;
        size_t pages = (need + 65535) / 65536;
        if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) {
            __builtin_trap(); /* out of memory: the host reports the memory limit */
        }
        heap_end += pages * 65536;
    }
    heap_top = p + size;
    return (void *)p;
}

void ak_reset(void) {
    heap_init();
    heap_top = call_mark;
}

/* canonical ABI allocator: the host allocates parameters with it before each call */
AK_EXPORT("cabi_realloc")
void *cabi_realloc(void *old, size_t old_size, size_t align, size_t new_size) {
    void *p = ak_alloc(new_size, align);
    if (old && old_size) memcpy(p, old, old_size < new_size ? old_size : new_size);
    return p;
}

void *memcpy(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--) *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, size_t n) {
    unsigned char *d = dst;
    while (n--) *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

int ak_str_eq(ak_string a, const char *b) {
    ak_string s = ak_str(b);
    return a.len == s.len && memcmp(a.ptr, s.ptr, s.len) == 0;
}

int ak_ends_with(ak_string s, const char *suffix) {
    ak_string x = ak_str(suffix);
    return s.len >= x.len && memcmp(s.ptr + s.len - x.len, x.ptr, x.len) == 0;
}

int ak_starts_with(ak_string s, const char *prefix) {
    ak_string x = ak_str(prefix);
    return s.len >= x.len && memcmp(s.ptr, x.ptr, x.len) == 0;
}

void ak_buf_put(ak_buf *b, const char *p, size_t n) {
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n) cap *= 2;
        char *np = ak_alloc(cap, 1);
        if (b->len) memcpy(np, b->ptr, b->len);
        b->ptr = np;
        b->cap = cap;
    }
    memcpy(b->ptr + b->len, p, n);
    b->len += n;
}

void ak_buf_puts(ak_buf *b, const char *s) {
    ak_string x = ak_str(s);
    ak_buf_put(b, x.ptr, x.len);
}

void ak_buf_str(ak_buf *b, ak_string s) {
    ak_buf_put(b, s.ptr, s.len);
}

void ak_buf_u64(ak_buf *b, uint64_t v) {
    char tmp[24];
    int n = 0;
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) ak_buf_put(b, &tmp[--n], 1);
}

void ak_buf_json(ak_buf *b, ak_string s) {
    static const char hex[] = "0123456789abcdef";
    ak_buf_put(b, "\"", 1);
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (c == '"' || c == '\\') { char e[2] = { '\\', (char)c }; ak_buf_put(b, e, 2); }
        else if (c < 0x20) { char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] }; ak_buf_put(b, e, 6); }
        else ak_buf_put(b, (const char *)&c, 1);
    }
    ak_buf_put(b, "\"", 1);
}

void ak_buf_html(ak_buf *b, ak_string s) {
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (c == '&') ak_buf_puts(b, "&amp;");
        else if (c == '<') ak_buf_puts(b, "&lt;");
        else if (c == '>') ak_buf_puts(b, "&gt;");
        else if (c == '"') ak_buf_puts(b, "&quot;");
        else ak_buf_put(b, &c, 1);
    }
}

ak_string ak_copy(ak_string s) {
    char *p = ak_alloc(s.len ? s.len : 1, 1);
    memcpy(p, s.ptr, s.len);
    ak_string r = { p, s.len };
    return r;
}

static ak_result_unit unit_ret;

ak_result_unit *ak_ok_unit(void) {
    unit_ret.is_err = 0;
    return &unit_ret;
}

ak_result_unit *ak_err_unit(const char *message) {
    unit_ret.is_err = 1;
    unit_ret.err = ak_str(message);
    return &unit_ret;
}
