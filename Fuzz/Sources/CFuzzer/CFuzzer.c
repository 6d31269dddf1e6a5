// Empty: the target only carries CFuzzer.h; the function is in libFuzzer's runtime (-sanitize=fuzzer).
#include "CFuzzer.h"
