// The layering rules of ../shared/ARCHITECTURE.md, checked over a source tree and the link
// lines CMake generated for it (tests/layering/CMakeLists.txt writes them to modules.txt):
//
//   direction  a module's files include only headers of the module itself and of the modules
//              it links (directly or through them)
//   rocksdb    <rocksdb/...> only in ledger/log/internal/ (and the benchmark's bare-RocksDB
//              baseline, bench/raw_baseline.cc)
//   integrity  ledger_integrity links neither ledger_log nor RocksDB
//   internal   a header in M/internal/ includes none of M's public headers, and nothing outside
//              M includes M/internal/
//
// Tests and fuzz targets may reach anything: they are not modules.

#ifndef SECONDMENT_TESTS_LAYERING_LAYERING_H_
#define SECONDMENT_TESTS_LAYERING_LAYERING_H_

#include <map>
#include <set>
#include <string>
#include <vector>

namespace secondment::testing {

// One CMake target of the project: its folder (from the source root), what it links directly
// (module targets and outside libraries alike), and its sources (from the source root).
struct Module {
  std::string name;
  std::string dir;
  std::vector<std::string> links;
  std::vector<std::string> sources;
};

// Reads modules.txt: one line per target,
//   name<TAB>dir<TAB>link;link<TAB>the target's source folder<TAB>source;source
// with sources relative to that folder or absolute; their paths are given from `source_root`.
std::vector<Module> ReadModules(const std::string& path, const std::string& source_root);

// Every target `name` links, directly or through others (outside libraries included).
std::set<std::string> LinkClosure(const std::vector<Module>& modules, const std::string& name);

// The breaches of the rules above in the tree at `source_root`, one line each, e.g.
// "ledger/integrity/x.cc includes ledger/log/event_log.h, but ledger_integrity does not link
// ledger_log". Empty when the tree keeps them.
std::vector<std::string> FindBreaches(const std::vector<Module>& modules,
                                      const std::string& source_root);

}  // namespace secondment::testing

#endif  // SECONDMENT_TESTS_LAYERING_LAYERING_H_
