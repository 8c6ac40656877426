#ifndef CEXPORTZLIB_SHIM_H
#define CEXPORTZLIB_SHIM_H
#include <zlib.h>

/// `inflateInit2` is a function-like macro, which Swift cannot import.
static inline int CExportZlib_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}

/// `deflateInit2` is a function-like macro, which Swift cannot import.
static inline int CExportZlib_deflateInit2(z_streamp strm, int level, int method, int windowBits,
                                           int memLevel, int strategy) {
    return deflateInit2(strm, level, method, windowBits, memLevel, strategy);
}
#endif
