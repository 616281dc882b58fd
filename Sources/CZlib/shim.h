#include <zlib.h>

// inflateInit2 is a macro, which does not import into Swift: the function it expands to, wrapped.
static inline int vigil_inflate_init_gzip(z_stream *stream) {
    // 16 + MAX_WBITS: a gzip wrapper (header, CRC-32 and length checked by zlib).
    return inflateInit2_(stream, 16 + MAX_WBITS, ZLIB_VERSION, (int)sizeof(z_stream));
}
