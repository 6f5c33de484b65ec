// Lists as CSV (RFC 4180) for the HTTP API's downloads: the columns are the JSON objects'
// top-level fields, `header` first, then any other field in the order first seen; a missing
// field is an empty cell, a nested value its JSON text.

#ifndef SECONDMENT_SERVER_HTTP_CSV_H_
#define SECONDMENT_SERVER_HTTP_CSV_H_

#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"

namespace secondment::server {

// A header row and one row per object of `objects` (each a JSON object, as the views write
// them): an empty list is the header row alone. Corruption when an object does not parse.
Result<std::string> JsonObjectsToCsv(const std::vector<std::string>& objects,
                                     const std::vector<std::string_view>& header);

}  // namespace secondment::server

#endif  // SECONDMENT_SERVER_HTTP_CSV_H_
