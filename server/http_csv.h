// Lists as CSV (RFC 4180) for the HTTP API's downloads: the columns are the JSON objects'
// top-level fields, in the first object's order; a nested value is its JSON text.

#ifndef SECONDMENT_SERVER_HTTP_CSV_H_
#define SECONDMENT_SERVER_HTTP_CSV_H_

#include <string>
#include <vector>

#include "ledger/base/status.h"

namespace secondment::server {

// A header row and one row per object of `objects` (each a JSON object, as the views write
// them); empty text for an empty list. Corruption when an object does not parse.
Result<std::string> JsonObjectsToCsv(const std::vector<std::string>& objects);

}  // namespace secondment::server

#endif  // SECONDMENT_SERVER_HTTP_CSV_H_
