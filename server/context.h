// What every object of one server shares, whichever door a client came through (the Cap'n
// Proto RPC of server/rpc.h, the HTTP API of server/http.h). Loop-thread objects: used on the
// server's event loop only.

#ifndef SECONDMENT_SERVER_CONTEXT_H_
#define SECONDMENT_SERVER_CONTEXT_H_

#include <kj/async.h>
#include <kj/timer.h>

#include <algorithm>
#include <vector>

#include "server/tokens.h"
#include "server/workers.h"
#include "service/ledger_service.h"

namespace secondment::server {

// Wakes the feeds waiting on the loop once an append through this server is acknowledged.
// (The server holds the ledger open for writing: every append comes through it.)
class AppendSignal {
 public:
  kj::Promise<void> Next() {
    // Forget the waiters that gave up (their feed woke on its timer, or ended).
    waiting_.erase(std::remove_if(waiting_.begin(), waiting_.end(),
                                  [](auto& waiter) { return !waiter->isWaiting(); }),
                   waiting_.end());
    auto paf = kj::newPromiseAndFulfiller<void>();
    waiting_.push_back(kj::mv(paf.fulfiller));
    return kj::mv(paf.promise);
  }

  void Notify() {
    auto waiting = kj::mv(waiting_);
    waiting_.clear();
    for (auto& waiter : waiting) waiter->fulfill();
  }

 private:
  std::vector<kj::Own<kj::PromiseFulfiller<void>>> waiting_;
};

// What every object of one server shares.
struct ServerContext {
  service::LedgerService& ledger;
  Workers& workers;
  TokenSource& tokens;
  kj::Timer& timer;
  AppendSignal& appended;
};

}  // namespace secondment::server

#endif  // SECONDMENT_SERVER_CONTEXT_H_
