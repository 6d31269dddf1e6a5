#ifndef EVIDENT_CMEMORY_H
#define EVIDENT_CMEMORY_H

/// Returns the memory that the C allocator holds freed, in every thread's arena, to the system.
/// glibc's malloc_trim, which Swift's Glibc module does not export; a no-op elsewhere.
void evident_release_free_memory(void);

/// Has glibc serve blocks of 1 MiB and more with their own mappings, returned to the system when freed.
/// By default the threshold rises (up to 32 MiB) each time such a block is freed, after which the large
/// temporary arrays of evaluating a big cluster sit in the heap between long-lived objects and keep its
/// pages resident: about 70 MB more at the peak of a 150,000-pod audit. A no-op elsewhere.
void evident_configure_allocator(void);

#endif
