// The stored form of a folded secondment (schema::SecondmentRow) and of a placement.

#ifndef SECONDMENT_PROJECTIONS_ROW_H_
#define SECONDMENT_PROJECTIONS_ROW_H_

#include <string>
#include <string_view>

#include "ledger/base/status.h"
#include "ledger/lifecycle/lifecycle.h"
#include "schemas/projection.capnp.h"

namespace secondment::projections {

// A secondment with where its stream stands.
struct Folded {
  Secondment state;
  Position last_position = 0;
  StreamVersion version = 0;
};

std::string EncodeSecondment(const Folded& folded);
// Corruption when `bytes` is not a SecondmentRow.
Result<Folded> DecodeSecondment(std::string_view bytes);

// The same, in and out of a SecondmentRow inside another message (the RPC API's results).
// Reading is bounds-checked: Corruption when the row does not decode.
void WriteSecondmentRow(schema::SecondmentRow::Builder row, const Folded& folded);
Result<Folded> ReadSecondmentRow(schema::SecondmentRow::Reader row);

}  // namespace secondment::projections

#endif  // SECONDMENT_PROJECTIONS_ROW_H_
