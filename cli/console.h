// Where commands print. Normally stdout and stderr; a server that runs commands for a remote
// client points them, for the running thread only, at buffers it sends back.

#ifndef SECONDMENT_CLI_CONSOLE_H_
#define SECONDMENT_CLI_CONSOLE_H_

#include <cstdio>
#include <string>

namespace secondment::cli {

FILE* Out();
FILE* Err();

// Captures what the current thread's commands print until destroyed. Not nestable.
class CapturedOutput {
 public:
  CapturedOutput();
  ~CapturedOutput();
  CapturedOutput(const CapturedOutput&) = delete;
  CapturedOutput& operator=(const CapturedOutput&) = delete;

  // What was printed so far (flushes the buffers).
  std::string out();
  std::string err();

 private:
  char* out_data_ = nullptr;
  size_t out_size_ = 0;
  char* err_data_ = nullptr;
  size_t err_size_ = 0;
  FILE* out_ = nullptr;
  FILE* err_ = nullptr;
};

}  // namespace secondment::cli

#endif  // SECONDMENT_CLI_CONSOLE_H_
