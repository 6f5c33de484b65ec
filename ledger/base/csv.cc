#include "ledger/base/csv.h"

#include <fmt/format.h>

#include "ledger/base/json_input.h"

namespace secondment {

CsvReader::CsvReader(std::istream& in) : in_(in) {}

int CsvReader::Get() {
  int c = in_.get();
  if (c == '\n') ++line_;
  return c;
}

Status CsvReader::Error(const std::string& what) const { return InvalidArgument(what); }

Result<bool> CsvReader::Next(std::vector<std::string>* fields) {
  if (!started_) {
    started_ = true;
    if (in_.peek() == 0xEF) {  // a byte order mark: EF BB BF
      char bom[3] = {};
      in_.read(bom, 3);
      if (in_.gcount() != 3 || bom[1] != '\xBB' || bom[2] != '\xBF') {
        record_line_ = line_;
        return Error("the file starts with bytes that are not UTF-8");
      }
    }
  }
  fields->clear();
  // Skip blank lines.
  for (;;) {
    int c = in_.peek();
    if (c == '\r' || c == '\n') {
      Get();
      continue;
    }
    if (c == std::char_traits<char>::eof()) return false;
    break;
  }
  record_line_ = line_;
  std::string field;
  size_t bytes = 0;
  bool quoted = false;      // inside a quoted field
  bool was_quoted = false;  // the current field was quoted (only its closing may follow)
  for (;;) {
    int c = Get();
    if (c != std::char_traits<char>::eof() && ++bytes > kMaxCsvRecordBytes) {
      return Error(fmt::format("the record is over the limit of {} bytes", kMaxCsvRecordBytes));
    }
    if (c == 0) return Error("the record holds a NUL byte");
    if (quoted) {
      if (c == std::char_traits<char>::eof()) return Error("a quoted field is never closed");
      if (c == '"') {
        if (in_.peek() == '"') {
          Get();
          field += '"';
        } else {
          quoted = false;
        }
        continue;
      }
      field += static_cast<char>(c);
      continue;
    }
    bool end_of_record = c == '\n' || c == std::char_traits<char>::eof();
    if (c == '\r' && (in_.peek() == '\n' || in_.peek() == std::char_traits<char>::eof())) {
      continue;  // CRLF: the LF ends the record
    }
    if (c == ',' || end_of_record) {
      if (!IsValidUtf8(field)) {
        return Error(fmt::format("field {} is not valid UTF-8", fields->size() + 1));
      }
      fields->push_back(std::move(field));
      field.clear();
      was_quoted = false;
      if (fields->size() > kMaxCsvFields) {
        return Error(fmt::format("the record has more than {} fields", kMaxCsvFields));
      }
      if (end_of_record) return true;
      continue;
    }
    if (was_quoted) return Error("text after the closing quote of a field");
    if (c == '"') {
      if (!field.empty()) return Error("a quote inside an unquoted field (quote the whole field)");
      quoted = true;
      was_quoted = true;
      continue;
    }
    field += static_cast<char>(c);
  }
}

}  // namespace secondment
