// The read models behind the Projector, and the placement index entries they share with the
// queries.

#ifndef SECONDMENT_PROJECTIONS_MODELS_H_
#define SECONDMENT_PROJECTIONS_MODELS_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "projections/projector.h"

namespace secondment::projections {

// status, placements, history, alerts, in that order.
std::vector<std::unique_ptr<Projection>> MakeProjections();

// A schema::PlacementRow for a started secondment.
std::string EncodePlacement(const Secondment& s);
// The placements table's entries for `s` (key -> PlacementRow): none before the start; the
// active indexes while active; one entry per month covered once it ended.
std::map<std::string, std::string> PlacementEntries(const Secondment& s);

}  // namespace secondment::projections

#endif  // SECONDMENT_PROJECTIONS_MODELS_H_
