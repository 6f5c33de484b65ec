// Projection tables: rows and checkpoints written atomically, read back, cleared.

#include "ledger/log/tables.h"

#include <gtest/gtest.h>

#include "tests/ledger/test_util.h"

namespace secondment {
namespace {

class TablesTest : public testing::LedgerTest {
 protected:
  void SetUp() override {
    Options options;
    options.tables = {"people", "places"};
    Reopen(options);
  }
  std::vector<std::string> Keys(std::string_view table, std::string_view from = "",
                                std::string_view to = "") {
    std::vector<std::string> keys;
    EXPECT_TRUE(Tables(*log_)
                    .Scan(table, from, to,
                          [&](std::string_view k, std::string_view) {
                            keys.emplace_back(k);
                            return true;
                          })
                    .ok());
    return keys;
  }
};

TEST_F(TablesTest, RowsAndCheckpointLandTogether) {
  TableBatch batch;
  batch.Put("people", "p/ann", "1");
  batch.Put("people", "p/bob", "2");
  batch.Put("places", "x", "y");
  batch.SetCheckpoint("people-projection", 42);
  ASSERT_TRUE(Tables(*log_).Write(batch).ok());
  EXPECT_EQ(*Tables(*log_).Get("people", "p/bob"), std::optional<std::string>("2"));
  EXPECT_EQ(*Tables(*log_).Checkpoint("people-projection"), 42u);
  EXPECT_EQ(*Tables(*log_).Checkpoint("never-written"), 0u);
  EXPECT_EQ(Keys("people"), (std::vector<std::string>{"p/ann", "p/bob"}));
  EXPECT_EQ(Keys("people", "p/b"), (std::vector<std::string>{"p/bob"}));
  EXPECT_EQ(Keys("people", "", "p/b"), (std::vector<std::string>{"p/ann"}));
}

TEST_F(TablesTest, DeleteAndClear) {
  TableBatch batch;
  batch.Put("people", "a", "1");
  batch.Put("people", "b", "2");
  batch.Delete("people", "a");
  ASSERT_TRUE(Tables(*log_).Write(batch).ok());
  EXPECT_EQ(Keys("people"), std::vector<std::string>{"b"});
  ASSERT_TRUE(Tables(*log_).Clear("people").ok());
  EXPECT_TRUE(Keys("people").empty());
}

TEST_F(TablesTest, AnUnknownTableIsRefusedAndNothingIsWritten) {
  TableBatch batch;
  batch.Put("people", "a", "1");
  batch.Put("nowhere", "a", "1");
  batch.SetCheckpoint("people-projection", 7);
  EXPECT_EQ(Tables(*log_).Write(batch).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Keys("people").empty());
  EXPECT_EQ(*Tables(*log_).Checkpoint("people-projection"), 0u);
  EXPECT_FALSE(Tables(*log_).Get("nowhere", "a")->has_value());
}

TEST_F(TablesTest, TablesSurviveReopenAndReadOnlyOpensSeeThem) {
  TableBatch batch;
  batch.Put("people", "a", "1");
  ASSERT_TRUE(Tables(*log_).Write(batch).ok());
  log_.reset();
  Options read_only;
  read_only.read_only = true;
  read_only.tables = {"people", "places", "not-created-yet"};
  auto reader = EventLog::Open(dir_.Sub("ledger"), read_only);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(*Tables(**reader).Get("people", "a"), std::optional<std::string>("1"));
  EXPECT_FALSE(Tables(**reader).Get("not-created-yet", "a")->has_value());
  EXPECT_EQ(Tables(**reader).Write(batch).code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace secondment
