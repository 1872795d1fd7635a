#include "server/guarded_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace vocalmix::server {

namespace {

using Clock = std::chrono::steady_clock;

thread_local bool tCloseAfterResponse = false;

void addressOf(const sockaddr_storage& addr, std::string& ip, int& port) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(addr);
    inet_ntop(AF_INET, &a.sin_addr, buf, sizeof buf);
    port = ntohs(a.sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(addr);
    inet_ntop(AF_INET6, &a.sin6_addr, buf, sizeof buf);
    port = ntohs(a.sin6_port);
  }
  ip = buf;
}

// Tracks where a request's head ends (the first CRLF CRLF handed to httplib) and enforces the
// head's byte cap and deadline, then the body's minimum rate. Shared by both streams below.
class RequestClock {
 public:
  explicit RequestClock(const ConnectionLimits& limits) : limits_(limits) { start(); }
  void start() {
    inHead_ = true;
    last4_ = 0;
    headBytes_ = 0;
    bodyBytes_ = 0;
    begun_ = Clock::now();
  }
  // Milliseconds the next read may wait (<= 0: the request is out of time).
  long long budgetMs() const {
    const auto now = Clock::now();
    Clock::time_point deadline;
    if (inHead_) {
      deadline = begun_ + std::chrono::seconds(limits_.headTimeoutS);
    } else {
      const double allowed = limits_.bodyGraceS + bodyBytes_ / limits_.minBodyBytesPerSecond;
      deadline = begun_ + std::chrono::milliseconds(static_cast<long long>(allowed * 1000));
    }
    const long long left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    return std::min<long long>(left, limits_.idleTimeoutS * 1000LL);
  }
  // Accounts bytes handed to httplib; false when the head or the body grew past its cap.
  bool consumed(const char* data, size_t n) {
    if (!inHead_) {
      bodyBytes_ += n;
      return bodyBytes_ <= limits_.maxBodyBytes;
    }
    for (size_t i = 0; i < n; ++i) {
      last4_ = (last4_ << 8) | static_cast<unsigned char>(data[i]);
      if (++headBytes_ > limits_.maxHeadBytes) return false;
      if (last4_ == 0x0d0a0d0a) {  // "\r\n\r\n": the head is complete, the body's clock starts
        inHead_ = false;
        begun_ = Clock::now();
        bodyBytes_ = n - i - 1;
        return bodyBytes_ <= limits_.maxBodyBytes;
      }
    }
    return true;
  }

 private:
  const ConnectionLimits& limits_;
  bool inHead_ = true;
  uint32_t last4_ = 0;
  size_t headBytes_ = 0;
  size_t bodyBytes_ = 0;
  Clock::time_point begun_;
};

class GuardedSocketStream final : public httplib::Stream {
 public:
  GuardedSocketStream(socket_t sock, const ConnectionLimits& limits) : sock_(sock), clock_(limits), limits_(limits) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) addressOf(addr, remoteIp_, remotePort_);
    len = sizeof addr;
    if (getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) addressOf(addr, localIp_, localPort_);
  }
  void startRequest() {
    clock_.start();
    lastStatus_ = 0;
  }
  // The status of the response written last (0 before any).
  int lastStatus() const { return lastStatus_; }

  bool is_readable() const override { return begin_ < end_ || waitFor(POLLIN, clock_.budgetMs()); }
  bool is_writable() const override { return waitFor(POLLOUT, limits_.idleTimeoutS * 1000LL); }

  ssize_t read(char* ptr, size_t size) override {
    if (begin_ == end_) {
      if (!waitFor(POLLIN, clock_.budgetMs())) return -1;
      const ssize_t n = ::recv(sock_, buffer_, sizeof buffer_, 0);
      if (n <= 0) return n;
      begin_ = 0;
      end_ = static_cast<size_t>(n);
    }
    const size_t n = std::min(size, end_ - begin_);
    std::memcpy(ptr, buffer_ + begin_, n);
    begin_ += n;
    if (!clock_.consumed(ptr, n)) return -1;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable()) return -1;
    if (size >= 12 && std::memcmp(ptr, "HTTP/1.", 7) == 0) lastStatus_ = std::atoi(ptr + 9);
    return ::send(sock_, ptr, size, MSG_NOSIGNAL);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = remoteIp_;
    port = remotePort_;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = localIp_;
    port = localPort_;
  }
  socket_t socket() const override { return sock_; }

 private:
  bool waitFor(short events, long long ms) const {
    if (ms <= 0) return false;
    pollfd p{sock_, events, 0};
    int r;
    do {
      r = ::poll(&p, 1, static_cast<int>(ms));
    } while (r < 0 && errno == EINTR);
    return r > 0 && (p.revents & (events | POLLHUP | POLLERR));
  }

  socket_t sock_;
  RequestClock clock_;
  const ConnectionLimits& limits_;
  std::string remoteIp_, localIp_;
  int remotePort_ = 0, localPort_ = 0;
  char buffer_[4096];
  size_t begin_ = 0, end_ = 0;
  int lastStatus_ = 0;
};

// A request held in memory; the response accumulates in out.
class MemoryStream final : public httplib::Stream {
 public:
  MemoryStream(const std::string& in, std::string remoteIp, const ConnectionLimits& limits)
      : in_(in), remoteIp_(std::move(remoteIp)), clock_(limits) {}
  bool is_readable() const override { return pos_ < in_.size(); }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, in_.size() - pos_);
    if (n == 0) return 0;
    std::memcpy(ptr, in_.data() + pos_, n);
    pos_ += n;
    if (!clock_.consumed(ptr, n)) return -1;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    out.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = remoteIp_;
    port = 40000;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 8080;
  }
  socket_t socket() const override { return INVALID_SOCKET; }
  std::string out;

 private:
  const std::string& in_;
  size_t pos_ = 0;
  std::string remoteIp_;
  RequestClock clock_;
};

}  // namespace

GuardedHttpServer::GuardedHttpServer(ConnectionLimits limits) : limits_(limits) {
  set_read_timeout(limits_.idleTimeoutS, 0);
  set_write_timeout(limits_.idleTimeoutS, 0);
  set_keep_alive_timeout(limits_.keepAliveTimeoutS);
  set_keep_alive_max_count(limits_.keepAliveMaxRequests);
  // httplib's default also sets SO_REUSEPORT, which lets a second process bind the same port
  // and silently take a share of the connections; keep only SO_REUSEADDR (fast restarts).
  set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
}

void GuardedHttpServer::closeConnectionAfterResponse() { tCloseAfterResponse = true; }

void GuardedHttpServer::widenListenBacklog(int backlog) {
  const socket_t sock = svr_sock_;
  if (sock != INVALID_SOCKET) ::listen(sock, backlog);  // Linux: re-listening updates the backlog
}

std::string GuardedHttpServer::processRaw(const std::string& request, const std::string& remoteIp) {
  MemoryStream stream(request, remoteIp, limits_);
  bool closed = false;
  tCloseAfterResponse = false;
  process_request(stream, true, closed, nullptr);
  tCloseAfterResponse = false;
  return std::move(stream.out);
}

// Waits for the next request on a kept-alive connection, giving up when the server stops.
bool GuardedHttpServer::waitForNextRequest(socket_t sock) const {
  const auto until = Clock::now() + std::chrono::seconds(limits_.keepAliveTimeoutS);
  while (svr_sock_ != INVALID_SOCKET && Clock::now() < until) {
    pollfd p{sock, POLLIN, 0};
    const int r = ::poll(&p, 1, 100);
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return false;
  }
  return false;
}

// httplib's own loop (process_server_socket), with the guarded stream.
bool GuardedHttpServer::process_and_close_socket(socket_t sock) {
  GuardedSocketStream stream(sock, limits_);
  bool ok = false, refusedUnread = false;
  for (size_t left = limits_.keepAliveMaxRequests; left > 0 && waitForNextRequest(sock); --left) {
    stream.startRequest();
    tCloseAfterResponse = false;
    bool closed = false;
    ok = process_request(stream, left == 1, closed, nullptr);
    refusedUnread = tCloseAfterResponse;
    if (!ok || closed || refusedUnread) break;
    // After a malformed request (bad request line or headers, URI too long) the rest of what the
    // client sent cannot be trusted to start a new request: close rather than wait for more.
    if (stream.lastStatus() == 400 || stream.lastStatus() == 414) break;
  }
  tCloseAfterResponse = false;
  if (refusedUnread) {
    // Closing with the refused body still unread would send a reset, which can destroy the
    // response before the client reads it: finish sending, then drain briefly (bounded).
    ::shutdown(sock, SHUT_WR);
    const auto until = Clock::now() + std::chrono::seconds(2);
    char sink[16384];
    size_t drained = 0;
    while (Clock::now() < until && drained < (64u << 20)) {
      pollfd p{sock, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const ssize_t n = ::recv(sock, sink, sizeof sink, 0);
      if (n <= 0) break;
      drained += static_cast<size_t>(n);
    }
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace vocalmix::server
