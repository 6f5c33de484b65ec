// Reading CSV as spreadsheets write it (RFC 4180): fields separated by commas, records by CRLF
// or LF; a field in double quotes may hold commas, quotes (doubled) and line breaks. A UTF-8
// byte order mark before the first record is skipped.
//
//   CsvReader reader(input);
//   std::vector<std::string> fields;
//   while (true) {
//     ASSIGN_OR_RETURN(bool more, reader.Next(&fields));
//     if (!more) break;
//     ... reader.line() is the line the record began on
//   }

#ifndef SECONDMENT_LEDGER_BASE_CSV_H_
#define SECONDMENT_LEDGER_BASE_CSV_H_

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "ledger/base/status.h"

namespace secondment {

inline constexpr size_t kMaxCsvRecordBytes = 64 * 1024;
inline constexpr size_t kMaxCsvFields = 200;

class CsvReader {
 public:
  // `in` is borrowed and must outlive the reader.
  explicit CsvReader(std::istream& in);

  // The next record's fields into `fields`: true, or false at the end of the input. Blank
  // lines are skipped. InvalidArgument (about the record that begins on line()) for a quote that
  // never closes, text after a closing quote, a record over kMaxCsvRecordBytes or kMaxCsvFields, a
  // NUL byte or invalid UTF-8; the reader cannot go on after one.
  Result<bool> Next(std::vector<std::string>* fields);

  // The line (from 1) the last record read began on.
  uint64_t line() const { return record_line_; }

 private:
  int Get();
  Status Error(const std::string& what) const;

  std::istream& in_;
  uint64_t line_ = 1;  // the line the next character is on
  uint64_t record_line_ = 0;
  bool started_ = false;
};

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_BASE_CSV_H_
