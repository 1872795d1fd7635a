// Access rules of the HTTP API that are not about the content of a request: the optional API
// token (write endpoints) and the cap on one client's concurrent uploads.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace vocalmix::server {

// True when `authorization` is exactly "Bearer <token>". The comparison takes the same time
// wherever the first difference is (no early exit), so the token cannot be guessed byte by byte
// from response times.
bool bearerTokenMatches(const std::string& token, const std::string& authorization);

// Counts the uploads in progress per client address; acquire() refuses above the cap.
class UploadSlots {
 public:
  explicit UploadSlots(size_t perClient) : perClient_(perClient) {}

  // Holds one slot until destroyed.
  class Slot {
   public:
    Slot(UploadSlots& owner, std::string client) : owner_(&owner), client_(std::move(client)) {}
    Slot(Slot&& o) noexcept : owner_(o.owner_), client_(std::move(o.client_)) { o.owner_ = nullptr; }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    Slot& operator=(Slot&&) = delete;
    ~Slot();

   private:
    UploadSlots* owner_;
    std::string client_;
  };

  std::optional<Slot> acquire(const std::string& client);
  size_t inUse(const std::string& client) const;
  size_t perClient() const { return perClient_; }

 private:
  size_t perClient_;
  mutable std::mutex mutex_;
  std::map<std::string, size_t> active_;
};

}  // namespace vocalmix::server
