// The layers hold: checked over this very source tree and its link lines, and the checker
// itself tried on small trees that break each rule once.

#include "tests/layering/layering.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/ledger/test_util.h"

namespace secondment::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(LayeringTest, TheTreeKeepsEveryRule) {
  std::vector<Module> modules = ReadModules(MODULES_FILE, SOURCE_DIR);
  ASSERT_GE(modules.size(), 10u) << "modules.txt lists too few targets";
  std::vector<std::string> breaches = FindBreaches(modules, SOURCE_DIR);
  EXPECT_THAT(breaches, IsEmpty()) << ::testing::PrintToString(breaches);
}

TEST(LayeringTest, TheLedgerShowsItsLayersAndIntegrityStandsApartFromTheLog) {
  std::vector<Module> modules = ReadModules(MODULES_FILE, SOURCE_DIR);
  std::set<std::string> names;
  for (const Module& m : modules) names.insert(m.name);
  for (const char* layer : {"ledger_base", "ledger_event", "ledger_integrity", "ledger_log",
                            "ledger_audit", "ledger_lifecycle", "projections", "service"}) {
    EXPECT_TRUE(names.count(layer)) << layer;
  }
  std::set<std::string> integrity = LinkClosure(modules, "ledger_integrity");
  EXPECT_FALSE(integrity.count("ledger_log"));
  EXPECT_TRUE(integrity.count("ledger_base"));
  std::set<std::string> lifecycle = LinkClosure(modules, "ledger_lifecycle");
  EXPECT_FALSE(lifecycle.count("ledger_log")) << "the rules are pure: no log";
}

// A small tree of four modules on disk: base <- integrity, base <- log <- app.
class SmallTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    modules_ = {{"ledger_base", "ledger/base", {}, {}},
                {"ledger_integrity", "ledger/integrity", {"ledger_base"}, {}},
                {"ledger_log", "ledger/log", {"ledger_base", "RocksDB::rocksdb"}, {}},
                {"app", "app", {"ledger_log"}, {}}};
    Write("ledger/base/status.h", "#include <string>\n");
    Write("ledger/integrity/proof.h", "#include \"ledger/base/status.h\"\n");
    Write("ledger/log/log.h", "#include \"ledger/base/status.h\"\n");
    Write("ledger/log/internal/store.h", "#include <vector>\n");
    Write("ledger/log/internal/store.cc",
          "#include \"ledger/log/internal/store.h\"\n#include <rocksdb/db.h>\n");
    Write("app/main.cc", "#include \"ledger/log/log.h\"\n#include \"ledger/base/status.h\"\n");
  }
  void Write(const std::string& path, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(dir_.Sub(path)).parent_path());
    std::ofstream(dir_.Sub(path)) << text;
  }
  std::vector<std::string> Breaches() { return FindBreaches(modules_, dir_.path()); }

  TempDir dir_;
  std::vector<Module> modules_;
};

TEST_F(SmallTreeTest, AWellLayeredTreeHasNoBreach) { EXPECT_THAT(Breaches(), IsEmpty()); }

TEST_F(SmallTreeTest, AnIncludeOfAModuleNotLinkedIsABreach) {
  Write("ledger/base/clock.cc", "#include \"ledger/log/log.h\"\n");
  EXPECT_THAT(Breaches(),
              ElementsAre("ledger/base/clock.cc:1 includes ledger/log/log.h, but ledger_base "
                          "does not link ledger_log"));
}

TEST_F(SmallTreeTest, RocksDbOutsideTheLogsInternalFolderIsABreach) {
  Write("ledger/log/log.cc", "#include <rocksdb/db.h>\n");
  EXPECT_THAT(Breaches(), ElementsAre(HasSubstr("ledger/log/log.cc:1 includes <rocksdb/db.h>")));
}

TEST_F(SmallTreeTest, IntegrityLinkingTheLogIsABreachEvenWithoutAnInclude) {
  modules_[1].links.push_back("ledger_log");
  EXPECT_THAT(Breaches(), ElementsAre(HasSubstr("ledger_integrity links RocksDB::rocksdb"),
                                      HasSubstr("ledger_integrity links ledger_log")));
}

TEST_F(SmallTreeTest, AnInternalHeaderIncludingItsModulesPublicHeaderIsABreach) {
  Write("ledger/log/internal/writer.h", "#include \"ledger/log/log.h\"\n");
  EXPECT_THAT(Breaches(), ElementsAre(HasSubstr("an internal/ header includes its own module's "
                                                "public header")));
}

TEST_F(SmallTreeTest, ReachingIntoAnotherModulesInternalFolderIsABreach) {
  Write("app/tool.cc", "#include \"ledger/log/internal/store.h\"\n");
  EXPECT_THAT(Breaches(),
              ElementsAre("app/tool.cc:1 includes ledger/log/internal/store.h, internal "
                          "to ledger/log"));
}

}  // namespace
}  // namespace secondment::testing
