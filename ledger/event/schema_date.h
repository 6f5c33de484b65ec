// Business dates (ledger/base/date.h) in and out of the schema's Date struct, where all zero
// means "no date".

#ifndef SECONDMENT_LEDGER_EVENT_SCHEMA_DATE_H_
#define SECONDMENT_LEDGER_EVENT_SCHEMA_DATE_H_

#include <cstdint>

#include "ledger/base/date.h"
#include "schemas/event.capnp.h"

namespace secondment {

inline void SetDate(schema::Date::Builder out, const CivilDate& date) {
  out.setYear(static_cast<uint16_t>(date.year));
  out.setMonth(static_cast<uint8_t>(date.month));
  out.setDay(static_cast<uint8_t>(date.day));
}

inline CivilDate DateOf(schema::Date::Reader date) {
  return {date.getYear(), date.getMonth(), date.getDay()};
}

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_EVENT_SCHEMA_DATE_H_
