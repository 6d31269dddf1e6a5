// libFuzzer's entry for programs that keep their own `main` (see Fuzz/Package.swift for why ours do).
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
