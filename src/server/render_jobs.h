// RenderJobs — renders as background jobs: a bounded queue feeding a fixed pool of worker
// threads, each running the same renderFile() as `vocalmix render` (so a server render and a
// CLI render of the same request are byte-identical). Job records live in the Store and
// survive a restart: finished renders stay downloadable, and jobs that were queued or running
// when the server died are run again from their stored request.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <vector>

#include "server/store.h"

namespace vocalmix::server {

class RenderJobs {
 public:
  RenderJobs(Store& store, int workers, size_t maxQueued);
  ~RenderJobs();  // finishes running jobs, leaves queued ones queued (they resume at restart)
  RenderJobs(const RenderJobs&) = delete;
  RenderJobs& operator=(const RenderJobs&) = delete;

  // `job` holds a validated request: "upload", "preset" (a full preset object), "format",
  // optional "target_lufs" / "ceiling_dbtp", and "filename". Returns the queued record, or
  // nullopt when the queue is full.
  std::optional<nlohmann::json> submit(nlohmann::json job);
  // The record with live progress, or nullopt for an unknown id.
  std::optional<nlohmann::json> status(const std::string& id) const;

 private:
  void work();
  void run(nlohmann::json record);
  void save(const nlohmann::json& record);

  Store& store_;
  size_t maxQueued_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> queue_;
  std::map<std::string, double> progress_;  // running jobs
  std::map<std::string, nlohmann::json> unsaved_;  // records the store could not write
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace vocalmix::server
