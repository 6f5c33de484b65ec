#include "ledger/log/tables.h"

#include "ledger/log/internal/keys.h"

namespace secondment {

void TableBatch::Put(std::string_view table, std::string_view key, std::string_view value) {
  ops_.push_back({Op::kPut, std::string(table), std::string(key), std::string(value)});
}

void TableBatch::Delete(std::string_view table, std::string_view key) {
  ops_.push_back({Op::kDelete, std::string(table), std::string(key), {}});
}

void TableBatch::SetCheckpoint(std::string_view name, Position position) {
  ops_.push_back({Op::kCheckpoint, std::string(name), {}, internal::EventKey(position)});
}

}  // namespace secondment
