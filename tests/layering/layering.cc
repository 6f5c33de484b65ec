#include "tests/layering/layering.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace secondment::testing {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, separator)) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

bool StartsWith(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

struct Include {
  int line;
  std::string path;
  bool angled;
};

std::vector<Include> IncludesOf(const fs::path& file) {
  static const std::regex kInclude(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
  std::vector<Include> includes;
  std::ifstream in(file);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::smatch m;
    if (std::regex_search(line, m, kInclude)) includes.push_back({number, m[2], m[1] == "<"});
  }
  return includes;
}

// The module folder that holds `path` (the longest module dir it lies in), or "".
std::string DirOf(const std::vector<Module>& modules, const std::string& path) {
  std::string best;
  for (const Module& m : modules) {
    if (StartsWith(path, m.dir + "/") && m.dir.size() > best.size()) best = m.dir;
  }
  return best;
}

// The targets a file belongs to: the one listing it among its sources, else every target of its
// folder (headers).
std::vector<const Module*> OwnersOf(const std::vector<Module>& modules, const std::string& file) {
  std::vector<const Module*> owners;
  for (const Module& m : modules) {
    if (std::find(m.sources.begin(), m.sources.end(), file) != m.sources.end()) {
      owners.push_back(&m);
    }
  }
  if (!owners.empty()) return owners;
  std::string dir = DirOf(modules, file);
  for (const Module& m : modules) {
    if (!dir.empty() && m.dir == dir) owners.push_back(&m);
  }
  return owners;
}

// The files of a module folder, not descending into the folders of other modules.
std::vector<std::string> FilesOf(const std::vector<Module>& modules, const std::string& dir,
                                 const fs::path& root) {
  std::vector<std::string> files;
  if (!fs::is_directory(root / dir)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(root / dir)) {
    if (!entry.is_regular_file()) continue;
    std::string ext = entry.path().extension();
    if (ext != ".h" && ext != ".cc") continue;
    std::string relative = fs::relative(entry.path(), root).generic_string();
    if (DirOf(modules, relative) == dir) files.push_back(relative);
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The part of `dir` before "/internal" and whether `path` lies in an internal/ folder.
bool IsInternal(const std::string& path) { return path.find("/internal/") != std::string::npos; }

}  // namespace

std::vector<Module> ReadModules(const std::string& path, const std::string& source_root) {
  std::vector<Module> modules;
  std::ifstream in(path);
  std::string line;
  std::string prefix = fs::path(source_root).generic_string() + "/";
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, '\t')) fields.push_back(cell);
    if (fields.size() < 2) continue;
    Module m{fields[0], fields[1], {}, {}};
    if (fields.size() > 2) m.links = Split(fields[2], ';');
    if (fields.size() > 4) {
      for (std::string source : Split(fields[4], ';')) {
        if (!fs::path(source).is_absolute()) source = fields[3] + "/" + source;
        source = fs::path(source).lexically_normal().generic_string();
        if (StartsWith(source, prefix)) source = source.substr(prefix.size());
        m.sources.push_back(source);
      }
    }
    modules.push_back(std::move(m));
  }
  return modules;
}

std::set<std::string> LinkClosure(const std::vector<Module>& modules, const std::string& name) {
  std::set<std::string> seen;
  std::vector<std::string> work = {name};
  while (!work.empty()) {
    std::string next = work.back();
    work.pop_back();
    for (const Module& m : modules) {
      if (m.name != next) continue;
      for (const std::string& link : m.links) {
        if (seen.insert(link).second) work.push_back(link);
      }
    }
  }
  return seen;
}

std::vector<std::string> FindBreaches(const std::vector<Module>& modules,
                                      const std::string& source_root) {
  std::vector<std::string> breaches;
  fs::path root(source_root);

  std::set<std::string> dirs;
  for (const Module& m : modules) dirs.insert(m.dir);
  for (const std::string& dir : dirs) {
    for (const std::string& file : FilesOf(modules, dir, root)) {
      std::vector<const Module*> owners = OwnersOf(modules, file);
      for (const Include& include : IncludesOf(root / file)) {
        std::string where = file + ":" + std::to_string(include.line) + " ";
        if (include.angled) {
          bool rocksdb_allowed =
              StartsWith(file, "ledger/log/internal/") || file == "bench/raw_baseline.cc";
          if (StartsWith(include.path, "rocksdb/") && !rocksdb_allowed) {
            breaches.push_back(where + "includes <" + include.path +
                               ">: RocksDB belongs to ledger/log/internal/ alone");
          }
          continue;
        }
        std::string target_dir = DirOf(modules, include.path);
        if (target_dir.empty()) continue;  // not a module's header (e.g. tests/)
        // internal/ headers are their module's own business.
        if (IsInternal(include.path) && target_dir != dir) {
          breaches.push_back(where + "includes " + include.path + ", internal to " + target_dir);
        }
        if (IsInternal(file) && file.size() > 2 && file.substr(file.size() - 2) == ".h" &&
            target_dir == dir && !IsInternal(include.path)) {
          breaches.push_back(where + "includes " + include.path +
                             ": an internal/ header includes its own module's public header");
        }
        if (target_dir == dir) continue;
        bool allowed = false;
        for (const Module* owner : owners) {
          std::set<std::string> closure = LinkClosure(modules, owner->name);
          for (const Module& m : modules) {
            if (m.dir == target_dir && closure.count(m.name)) allowed = true;
          }
        }
        if (!allowed) {
          std::string names;
          for (const Module* owner : owners) names += (names.empty() ? "" : "/") + owner->name;
          std::string target_names;
          for (const Module& m : modules) {
            if (m.dir == target_dir) {
              target_names += (target_names.empty() ? "" : "/") + m.name;
            }
          }
          breaches.push_back(where + "includes " + include.path + ", but " + names +
                             " does not link " + target_names);
        }
      }
    }
  }

  std::set<std::string> integrity = LinkClosure(modules, "ledger_integrity");
  for (const std::string& link : integrity) {
    if (link == "ledger_log" || link.find("rocksdb") != std::string::npos ||
        link.find("RocksDB") != std::string::npos) {
      breaches.push_back("ledger_integrity links " + link +
                         ": an auditor's code path shares nothing with the log");
    }
  }
  return breaches;
}

}  // namespace secondment::testing
