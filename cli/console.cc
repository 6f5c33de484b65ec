#include "cli/console.h"

#include <cstdlib>

namespace secondment::cli {
namespace {

thread_local FILE* current_out = nullptr;
thread_local FILE* current_err = nullptr;

}  // namespace

FILE* Out() { return current_out ? current_out : stdout; }
FILE* Err() { return current_err ? current_err : stderr; }

CapturedOutput::CapturedOutput() {
  out_ = open_memstream(&out_data_, &out_size_);
  err_ = open_memstream(&err_data_, &err_size_);
  current_out = out_;
  current_err = err_;
}

CapturedOutput::~CapturedOutput() {
  current_out = nullptr;
  current_err = nullptr;
  if (out_) std::fclose(out_);
  if (err_) std::fclose(err_);
  std::free(out_data_);
  std::free(err_data_);
}

std::string CapturedOutput::out() {
  std::fflush(out_);
  return std::string(out_data_ ? out_data_ : "", out_size_);
}

std::string CapturedOutput::err() {
  std::fflush(err_);
  return std::string(err_data_ ? err_data_ : "", err_size_);
}

}  // namespace secondment::cli
