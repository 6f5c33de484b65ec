// Import files for tests: JSON Lines of the commands that take a secondment from proposal to
// return, as `secondment import` reads them (docs/import.md).

#ifndef SECONDMENT_TESTS_COMMON_IMPORT_LINES_H_
#define SECONDMENT_TESTS_COMMON_IMPORT_LINES_H_

#include <fmt/format.h>

#include <string>

namespace secondment::testing {

// The seven lines of secondment SEC-<n> (employee E-<n>): proposed, approved by its home and
// host managers and by hr, signed, started in 2024 and returned, each dated.
inline std::string SecondmentLines(int n) {
  std::string id = fmt::format("SEC-{:06d}", n);
  std::string out;
  out += fmt::format(
      R"({{"key":"{0}/1","command":"propose","secondment":"{0}","employee":"E-{1}",)"
      R"("homeOrg":"Acme","homeUnit":"Finance","homeManager":"mgr-h{1}","hostOrg":"Globex",)"
      R"("hostUnit":"Ops","hostManager":"mgr-x{1}","kind":"external","roleTitle":"Analyst",)"
      R"("start":"2024-02-01","end":"2024-11-30","objectives":["learn the ledger"],)"
      R"("date":"2024-01-08"}})"
      "\n",
      id, n);
  out += fmt::format(R"({{"key":"{0}/2","command":"approve","secondment":"{0}","actor":"mgr-h{1}",)"
                     R"("as":"home_manager","scope":"placement","date":"2024-01-09"}})"
                     "\n",
                     id, n);
  out += fmt::format(R"({{"key":"{0}/3","command":"approve","secondment":"{0}","actor":"mgr-x{1}",)"
                     R"("as":"host_manager","scope":"placement","date":"2024-01-10"}})"
                     "\n",
                     id, n);
  out += fmt::format(
      R"({{"key":"{0}/4","command":"approve","secondment":"{0}","actor":"hr-2","as":"hr",)"
      R"("scope":"placement","date":"2024-01-11"}})"
      "\n",
      id);
  out += fmt::format(R"({{"key":"{0}/5","command":"sign","secondment":"{0}","agreement":"AG-{1}",)"
                     R"("date":"2024-01-20"}})"
                     "\n",
                     id, n);
  out += fmt::format(R"({{"key":"{0}/6","command":"start","secondment":"{0}","date":"2024-02-01"}})"
                     "\n",
                     id);
  out +=
      fmt::format(R"({{"key":"{0}/7","command":"return","secondment":"{0}","date":"2024-11-30"}})"
                  "\n",
                  id);
  return out;
}

// SecondmentLines of SEC-<first> to SEC-<first + count - 1>.
inline std::string ImportFile(int first, int count) {
  std::string out;
  for (int n = first; n < first + count; ++n) out += SecondmentLines(n);
  return out;
}

}  // namespace secondment::testing

#endif  // SECONDMENT_TESTS_COMMON_IMPORT_LINES_H_
