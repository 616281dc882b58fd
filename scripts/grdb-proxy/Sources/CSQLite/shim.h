#ifndef VIGIL_CSQLITE_SHIM_H
#define VIGIL_CSQLITE_SHIM_H
#include <sqlite3.h>

/// SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which does not import into Swift.
static inline sqlite3_destructor_type vigil_sqlite_transient(void) { return SQLITE_TRANSIENT; }
#endif
