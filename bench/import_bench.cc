#include "bench/import_bench.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "bench/bench_util.h"
#include "ledger/base/date.h"
#include "ledger/event/event_json.h"

namespace secondment::bench {
namespace {

// The commands' dates run from 2022-01-01 (the workload's 2024-01-01 two years earlier), so
// that every step lies in the past, as an import of history does.
std::string Date(int days) {
  static const int64_t kBase = DaysFromCivil(CivilDate{2022, 1, 1});
  return FormatDate(CivilFromDays(kBase + days));
}

std::string Manager(uint32_t v) { return fmt::format("mgr-{:05d}", v); }

// What the workload's steps need of the lifecycle: the two managers approve placements and
// conversions, the home manager extensions; no agreement before the start; and one manager may
// be both (the workload draws the two independently).
constexpr char kPolicy[] =
    R"({"approvers":{"placement":["home_manager","host_manager"],"extension":["home_manager"],)"
    R"("conversion":["home_manager","host_manager"]},"agreementBeforeStart":false,)"
    R"("oneApprovalPerPerson":false})";

// The commands of one workload event, as JSON lines. Each secondment has its own employee (the
// workload's employee draws overlap in time, which the no-overlap rule refuses).
void AppendCommands(std::string& out, const workload::Workload& w, const workload::Event& e) {
  const workload::Secondment& s = w.secondment(e.stream);
  std::string id = fmt::format("SEC-{:06d}", e.stream);
  std::string key = fmt::format("w/{}/{}", e.stream, e.version);
  std::string hm = Manager(s.home_mgr), hh = Manager(s.host_mgr);
  auto line = [&](std::string_view command, const std::string& key_suffix, const std::string& by,
                  std::string_view as, const std::string& fields) {
    out += fmt::format(R"({{"key":"{}{}","command":"{}","secondment":"{}","actor":"{}",)"
                       R"("as":"{}"{}}})",
                       key, key_suffix, command, id, by, as, fields);
    out += '\n';
  };
  using T = workload::EventType;
  switch (e.type) {
    case T::kProposed:
      line(
          "propose", "", fmt::format("user-{:05d}", e.actor), "hr",
          fmt::format(R"(,"employee":"emp-{:06d}","homeOrg":"org-{:02d}","homeUnit":"dept-{:02d}",)"
                      R"("homeManager":"{}","hostOrg":"org-{:02d}","hostUnit":"dept-{:02d}",)"
                      R"("hostManager":"{}","kind":"external","roleTitle":"Analyst",)"
                      R"("start":"{}","end":"{}","objectives":[{}],"date":"{}")",
                      e.stream, s.home_org, s.home_dept, hm, s.host_org, s.host_dept, hh,
                      Date(s.start), Date(s.end), JsonString(e.text), Date(s.start - 30)));
      break;
    case T::kApprovedByHome:
    case T::kApprovedByHost: {
      bool home = e.type == T::kApprovedByHome;
      line("approve", "", home ? hm : hh, home ? "home_manager" : "host_manager",
           fmt::format(R"(,"scope":"placement","conditions":{},"date":"{}")", JsonString(e.text),
                       Date(s.start - (home ? 20 : 10))));
      break;
    }
    case T::kStarted:
      line("start", "", fmt::format("user-{:05d}", e.actor), "hr",
           fmt::format(R"(,"date":"{}")", Date(s.start)));
      break;
    case T::kHandoverRecorded:
      line("handover", "", hh, "host_manager",
           fmt::format(R"(,"direction":"inbound","from":"{}","to":"{}","notes":{},"date":"{}")", hm,
                       hh, JsonString(e.text), Date(s.start + 3)));
      break;
    case T::kFeedbackRecorded:
      line("feedback", "", hh, "host_manager",
           fmt::format(R"(,"rating":{},"text":{},"date":"{}")", e.extra + 1, JsonString(e.text),
                       Date(s.start + 30 * e.round)));
      break;
    case T::kExtended:
      line("request-extension", "", fmt::format("user-{:05d}", e.actor), "hr",
           fmt::format(R"(,"until":"{}","rationale":{},"date":"{}")", Date(s.end + s.ext),
                       JsonString(e.text), Date(s.end - 5)));
      line("approve", "/a", hm, "home_manager",
           fmt::format(R"(,"scope":"extension","date":"{}")", Date(s.end - 4)));
      break;
    case T::kReturned:
      line("return", "", fmt::format("user-{:05d}", e.actor), "hr",
           fmt::format(R"(,"date":"{}")", Date(s.FinalEnd())));
      break;
    case T::kConvertedToPermanent:
      line("propose-conversion", "", fmt::format("user-{:05d}", e.actor), "hr",
           fmt::format(R"(,"effective":"{}","newRole":"Analyst II","date":"{}")",
                       Date(s.FinalEnd()), Date(s.FinalEnd() - 10)));
      line("approve", "/h", hm, "home_manager",
           fmt::format(R"(,"scope":"conversion","date":"{}")", Date(s.FinalEnd() - 9)));
      line("approve", "/x", hh, "host_manager",
           fmt::format(R"(,"scope":"conversion","date":"{}")", Date(s.FinalEnd() - 8)));
      break;
  }
}

// Runs `command`; its stdout, or dies naming it.
std::string Shell(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) Die(6, "cannot run " + command);
  std::string out;
  char buffer[4096];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  if (pclose(pipe) != 0) Die(6, fmt::format("{} failed: {}", command, out));
  return out;
}

}  // namespace

ImportFigures ImportExport(const std::string& dir, const workload::Workload& w) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string policy = dir + "/policy.json";
  std::ofstream(policy) << kPolicy;
  // One file per 2,000,000 workload events (about 2.8 million ledger events): an import takes
  // at most 5,000,000 (docs/import.md), so the 10x workload goes in as several files, in order.
  constexpr size_t kPerFile = 2'000'000;
  std::vector<std::string> files;
  for (size_t begin = 0; begin < w.events().size(); begin += kPerFile) {
    files.push_back(fmt::format("{}/workload-{}.jsonl", dir, files.size() + 1));
    std::ofstream commands(files.back(), std::ios::binary);
    std::string chunk;
    for (size_t i = begin; i < std::min(w.events().size(), begin + kPerFile); ++i) {
      AppendCommands(chunk, w, w.events()[i]);
      if (chunk.size() > (1 << 20)) {
        commands << chunk;
        chunk.clear();
      }
    }
    commands << chunk;
  }
  std::string bin = SECONDMENT_BIN;
  std::string data = " --data " + dir + "/ledger --policy " + policy + " ";
  Shell(bin + data + "init");
  ImportFigures figures;
  double import_seconds = 0;
  for (const std::string& file : files) {
    auto start = std::chrono::steady_clock::now();
    std::string report = Shell(bin + data + "--json import " + file);
    import_seconds += Seconds(start);
    auto at = report.find("\"events\":");
    if (at == std::string::npos) Die(6, "import printed no event count: " + report);
    figures.events += std::stoull(report.substr(at + 9));
  }
  figures.import_eps = static_cast<double>(figures.events) / import_seconds;
  auto start = std::chrono::steady_clock::now();
  Shell(bin + data + "export log --out " + dir + "/log.jsonl");
  figures.export_eps = static_cast<double>(figures.events) / Seconds(start);
  figures.cli = CliCommands(bin, {"--data", dir + "/ledger", "--policy", policy}, dir, 50);
  if (std::getenv("LEDGER_BENCH_KEEP") == nullptr) std::filesystem::remove_all(dir);
  return figures;
}

}  // namespace secondment::bench
