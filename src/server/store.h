// Store — the server's embedded local storage under one data directory:
//   blobs/<sha256>.bin     uploaded bytes, content-addressed (the same file uploaded twice is kept once)
//   uploads/<id>.json      an upload: its random id, the blob it points to, what the file is
//   renders/<id>.json      a render job record; renders/<id>.<ext> its delivered file
// Every file is written to a temp name and renamed, so a crash never leaves a half-written
// file under a final name. Ids are 128-bit random hex and are validated before any path is
// built from them.
#pragma once

#include <nlohmann/json.hpp>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace vocalmix::server {

struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// 32 lowercase hex characters from a cryptographic random source.
std::string randomId();
bool isValidId(const std::string& id);
std::string sha256Hex(const std::string& bytes);

class Store {
 public:
  // Creates the layout; throws StoreError naming the directory if it cannot be written.
  explicit Store(std::filesystem::path root);

  // Saves bytes (deduplicated by hash) and an upload record with `info` merged in; returns the
  // record, which includes "id".
  nlohmann::json putUpload(const std::string& bytes, const nlohmann::json& info);
  std::optional<nlohmann::json> upload(const std::string& id) const;
  std::filesystem::path blobPath(const std::string& sha256) const;

  void saveRender(const nlohmann::json& record);  // atomically; record["id"] names it
  std::optional<nlohmann::json> render(const std::string& id) const;
  std::vector<nlohmann::json> allRenders() const;
  std::filesystem::path renderFile(const std::string& id, const std::string& extension) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  void writeAtomically(const std::filesystem::path& path, const std::string& bytes) const;
  std::filesystem::path root_;
};

}  // namespace vocalmix::server
