#include "server/store.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace vocalmix::server {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string hex(const unsigned char* data, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out(2 * n, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[data[i] >> 4];
    out[2 * i + 1] = digits[data[i] & 15];
  }
  return out;
}

std::optional<json> readJson(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  try {
    return json::parse(in);
  } catch (const json::exception&) {
    return std::nullopt;  // a damaged record is treated as absent
  }
}

// Records hold client-chosen strings (file and preset names) that may be invalid UTF-8.
std::string dumpRecord(const json& record) {
  return record.dump(2, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string randomId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw StoreError("no secure random source available");
  return hex(bytes, sizeof bytes);
}

bool isValidId(const std::string& id) {
  if (id.size() != 32) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string sha256Hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr) != 1) {
    throw StoreError("SHA-256 failed");
  }
  return hex(digest, len);
}

Store::Store(fs::path root) : root_(std::move(root)) {
  std::error_code ec;
  for (const char* sub : {"blobs", "uploads", "renders"}) {
    fs::create_directories(root_ / sub, ec);
    if (ec) {
      throw StoreError("data directory '" + (root_ / sub).string() + "': " + ec.message());
    }
  }
  // Prove it is writable now rather than on the first upload.
  const fs::path probe = root_ / ".write-test";
  {
    std::ofstream out(probe);
    out << "ok";
    out.flush();  // the write itself (a full disk, a file-size limit) must fail here, not later
    if (!out) throw StoreError("data directory '" + root_.string() + "' is not writable (or the disk is full)");
  }
  fs::remove(probe, ec);
  // Temp files left by a crash are never under a final name; clear them out.
  for (const char* sub : {"blobs", "uploads", "renders"}) {
    for (const auto& e : fs::directory_iterator(root_ / sub, ec)) {
      if (e.path().filename().string().find(".tmp") != std::string::npos) fs::remove(e.path(), ec);
    }
  }
}

void Store::writeAtomically(const fs::path& path, const std::string& bytes) const {
  const fs::path tmp = path.string() + ".tmp-" + randomId().substr(0, 8);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) throw StoreError("cannot write '" + tmp.string() + "'");
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      std::error_code ec;
      fs::remove(tmp, ec);
      throw StoreError("writing '" + path.string() + "' failed: " + std::strerror(err) + " (disk full?)");
    }
    done += static_cast<size_t>(n);
  }
  // A full disk may only show at fsync/close (delayed allocation): never rename such a file.
  const bool synced = ::fsync(fd) == 0;
  const bool closed = ::close(fd) == 0;
  std::error_code ec;
  if (!synced || !closed) {
    fs::remove(tmp, ec);
    throw StoreError("writing '" + path.string() + "' failed (disk full?)");
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw StoreError("cannot rename '" + tmp.string() + "' to '" + path.string() + "': " + ec.message());
  }
}

json Store::putUpload(const std::string& bytes, const json& info) {
  const std::string sha = sha256Hex(bytes);
  const fs::path blob = blobPath(sha);
  if (!fs::exists(blob)) writeAtomically(blob, bytes);
  json record = info;
  record["id"] = randomId();
  record["sha256"] = sha;
  record["bytes"] = bytes.size();
  writeAtomically(root_ / "uploads" / (record["id"].get<std::string>() + ".json"), dumpRecord(record));
  return record;
}

std::optional<json> Store::upload(const std::string& id) const {
  if (!isValidId(id)) return std::nullopt;
  return readJson(root_ / "uploads" / (id + ".json"));
}

fs::path Store::blobPath(const std::string& sha256) const {
  return root_ / "blobs" / (sha256 + ".bin");
}

void Store::saveRender(const json& record) {
  writeAtomically(root_ / "renders" / (record.at("id").get<std::string>() + ".json"),
                  dumpRecord(record));
}

std::optional<json> Store::render(const std::string& id) const {
  if (!isValidId(id)) return std::nullopt;
  return readJson(root_ / "renders" / (id + ".json"));
}

std::vector<json> Store::allRenders() const {
  std::vector<json> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root_ / "renders", ec)) {
    if (e.path().extension() != ".json") continue;
    if (auto j = readJson(e.path()); j && j->contains("id")) out.push_back(*j);
  }
  return out;
}

fs::path Store::renderFile(const std::string& id, const std::string& extension) const {
  return root_ / "renders" / (id + "." + extension);
}

}  // namespace vocalmix::server
