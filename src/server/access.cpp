#include "server/access.h"

#include <openssl/crypto.h>

namespace vocalmix::server {

bool bearerTokenMatches(const std::string& token, const std::string& authorization) {
  static const std::string kScheme = "Bearer ";
  if (token.empty()) return false;
  if (authorization.size() != kScheme.size() + token.size()) return false;  // length is not secret
  const bool scheme = authorization.compare(0, kScheme.size(), kScheme) == 0;
  const bool same = CRYPTO_memcmp(authorization.data() + kScheme.size(), token.data(), token.size()) == 0;
  return scheme && same;
}

UploadSlots::Slot::~Slot() {
  if (!owner_) return;
  std::lock_guard<std::mutex> lock(owner_->mutex_);
  auto it = owner_->active_.find(client_);
  if (it != owner_->active_.end() && --it->second == 0) owner_->active_.erase(it);
}

std::optional<UploadSlots::Slot> UploadSlots::acquire(const std::string& client) {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t& n = active_[client];
  if (n >= perClient_) {
    if (n == 0) active_.erase(client);
    return std::nullopt;
  }
  ++n;
  return Slot(*this, client);
}

size_t UploadSlots::inUse(const std::string& client) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = active_.find(client);
  return it == active_.end() ? 0 : it->second;
}

}  // namespace vocalmix::server
