#ifndef EVIDENT_CMEMORY_H
#define EVIDENT_CMEMORY_H

/// Returns the memory that the C allocator holds freed, in every thread's arena, to the system.
/// glibc's malloc_trim, which Swift's Glibc module does not export; a no-op elsewhere.
void evident_release_free_memory(void);

/// Lets the C allocator keep at most `count` arenas (glibc makes up to eight per core, one per thread that
/// allocates while another holds an arena): memory one arena frees is not reused by another. A no-op
/// elsewhere.
void evident_limit_arenas(int count);

#endif
