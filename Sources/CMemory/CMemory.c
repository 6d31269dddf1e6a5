#include "CMemory.h"

// Defines __GLIBC__ on glibc (nothing C-library specific is visible before a libc header).
#include <stdlib.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

void evident_release_free_memory(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

void evident_limit_arenas(int count) {
#if defined(__GLIBC__)
    mallopt(M_ARENA_MAX, count);
#endif
}
