#include "server/render_jobs.h"

#include <algorithm>
#include <chrono>

#include <malloc.h>

#include "render/render_file.h"

namespace vocalmix::server {

using nlohmann::json;

namespace {
double nowSeconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}
}  // namespace

RenderJobs::RenderJobs(Store& store, int workers, size_t maxQueued)
    : store_(store), maxQueued_(maxQueued) {
  // Jobs a previous process left queued or running are pure functions of their stored
  // request: run them again rather than lose them.
  std::vector<json> pending;
  for (auto& r : store_.allRenders()) {
    const std::string status = r.value("status", "");
    if (status == "queued" || status == "running") pending.push_back(r);
  }
  std::sort(pending.begin(), pending.end(), [](const json& a, const json& b) {
    return a.value("created_at", 0.0) < b.value("created_at", 0.0);
  });
  for (auto& r : pending) {
    r["status"] = "queued";
    r["progress"] = 0.0;
    r["resumed_after_restart"] = true;
    store_.saveRender(r);
    queue_.push_back(r["id"].get<std::string>());
  }
  for (int i = 0; i < std::max(1, workers); ++i) workers_.emplace_back([this] { work(); });
}

RenderJobs::~RenderJobs() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

std::optional<json> RenderJobs::submit(json job) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (queue_.size() >= maxQueued_) return std::nullopt;
  job["id"] = randomId();
  job["status"] = "queued";
  job["progress"] = 0.0;
  job["created_at"] = nowSeconds();
  store_.saveRender(job);
  queue_.push_back(job["id"].get<std::string>());
  wake_.notify_one();
  return job;
}

std::optional<json> RenderJobs::status(const std::string& id) const {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = unsaved_.find(id); it != unsaved_.end()) return it->second;
  }
  auto record = store_.render(id);
  if (!record) return std::nullopt;
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = progress_.find(id); it != progress_.end() && (*record)["status"] == "running") {
    (*record)["progress"] = it->second;
  }
  return record;
}

void RenderJobs::work() {
  for (;;) {
    std::string id;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      id = queue_.front();
      queue_.pop_front();
      progress_[id] = 0.0;
    }
    if (auto record = store_.render(id)) run(*record);
    std::lock_guard<std::mutex> lock(mutex_);
    progress_.erase(id);
    // When the queue runs dry, hand the memory of the burst (upload bodies, render buffers
    // spread over many threads' malloc arenas) back to the system.
    if (queue_.empty() && progress_.empty()) malloc_trim(0);
  }
}

// A record that cannot be written (disk full) must not take the worker thread, and with it the
// server, down: the job's state is kept in memory instead (after a restart the stored record
// still says queued/running, so the job runs again).
void RenderJobs::save(const json& record) {
  try {
    store_.saveRender(record);
    std::lock_guard<std::mutex> lock(mutex_);
    unsaved_.erase(record["id"].get<std::string>());
  } catch (const std::exception&) {
    std::lock_guard<std::mutex> lock(mutex_);
    unsaved_[record["id"].get<std::string>()] = record;
  }
}

void RenderJobs::run(json record) {
  const std::string id = record["id"];
  record["status"] = "running";
  record["started_at"] = nowSeconds();
  save(record);
  try {
    const auto upload = store_.upload(record["upload"].get<std::string>());
    if (!upload) throw std::runtime_error("the upload no longer exists");
    render::RenderRequest req;
    req.inputPath = store_.blobPath((*upload)["sha256"].get<std::string>()).string();
    if (record.contains("beat")) {
      const auto beat = store_.upload(record["beat"].get<std::string>());
      if (!beat) throw std::runtime_error("the beat's upload no longer exists");
      req.beatPath = store_.blobPath((*beat)["sha256"].get<std::string>()).string();
    }
    req.preset = Preset::fromJson(record["preset"], "render " + id);
    if (record.contains("target_lufs")) req.targetLufs = record["target_lufs"].get<double>();
    if (record.contains("ceiling_dbtp")) req.ceilingDbtp = record["ceiling_dbtp"].get<double>();
    req.format = io::parseOutputFormat(record["format"].get<std::string>());
    req.detectTempo = record.value("detect_tempo", false);
    const std::string ext = req.format == io::OutputFormat::Flac ? "flac" : "wav";
    req.outputPath = store_.renderFile(id, ext).string();
    req.progress = [this, id](double fraction, const std::string&) {
      std::lock_guard<std::mutex> lock(mutex_);
      progress_[id] = fraction;
    };
    json report = render::renderFile(req);
    report.erase("input_file");  // server paths are not the client's business
    report.erase("output_file");
    record["report"] = report;
    record["file"] = id + "." + ext;
    record["status"] = "done";
    record["progress"] = 1.0;
  } catch (const std::exception& e) {
    record["status"] = "failed";
    record["error"] = {{"code", "render_failed"}, {"message", e.what()}};
  }
  record["finished_at"] = nowSeconds();
  save(record);
}

}  // namespace vocalmix::server
