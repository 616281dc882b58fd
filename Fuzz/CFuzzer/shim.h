// libFuzzer's driver, as compiler-rt declares it: the fuzz build links libFuzzer (-sanitize=fuzzer),
// and SwiftPM gives an executable its own main, which hands over to this.
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
