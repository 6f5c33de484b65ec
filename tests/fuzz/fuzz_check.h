// What the fuzz targets share: a check that stops the run on a broken property (libFuzzer
// saves the input that broke it), and the input as a string_view.

#ifndef SECONDMENT_TESTS_FUZZ_FUZZ_CHECK_H_
#define SECONDMENT_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

// Stops the process, naming the broken property, when `condition` does not hold.
#define FUZZ_CHECK(condition, what)                                                       \
  do {                                                                                    \
    if (!(condition)) {                                                                   \
      std::fprintf(stderr, "%s:%d: property broken: %s (%s)\n", __FILE__, __LINE__, what, \
                   #condition);                                                           \
      std::abort();                                                                       \
    }                                                                                     \
  } while (false)

namespace secondment::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace secondment::fuzz

#endif  // SECONDMENT_TESTS_FUZZ_FUZZ_CHECK_H_
