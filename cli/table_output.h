// Lists for people (aligned columns) or spreadsheets (--csv, RFC 4180).

#ifndef SECONDMENT_CLI_TABLE_OUTPUT_H_
#define SECONDMENT_CLI_TABLE_OUTPUT_H_

#include <string>
#include <vector>

namespace secondment::cli {

using Row = std::vector<std::string>;

// Prints `header` and `rows`: aligned columns, or CSV with a header line when `csv`.
void PrintTable(const Row& header, const std::vector<Row>& rows, bool csv);

// One CSV field, quoted when it holds a comma, a quote or a line break.
std::string CsvField(const std::string& text);

}  // namespace secondment::cli

#endif  // SECONDMENT_CLI_TABLE_OUTPUT_H_
