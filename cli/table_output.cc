#include "cli/table_output.h"

#include <algorithm>
#include <cstdio>

#include "cli/console.h"

namespace secondment::cli {

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void PrintTable(const Row& header, const std::vector<Row>& rows, bool csv) {
  if (csv) {
    auto line = [](const Row& row) {
      std::string out;
      for (size_t i = 0; i < row.size(); ++i) {
        if (i > 0) out += ',';
        out += CsvField(row[i]);
      }
      std::fprintf(Out(), "%s\r\n", out.c_str());
    };
    line(header);
    for (const auto& row : rows) line(row);
    return;
  }
  std::vector<size_t> width(header.size());
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], row[i].size());
  }
  auto line = [&](const Row& row) {
    std::string out;
    for (size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      if (i + 1 < row.size()) out += std::string(width[i] - row[i].size() + 2, ' ');
    }
    std::fprintf(Out(), "%s\n", out.c_str());
  };
  line(header);
  for (const auto& row : rows) line(row);
}

}  // namespace secondment::cli
