// GuardedHttpServer — cpp-httplib's Server with connections that a slow or hostile client
// cannot hold open: every read waits at most the idle timeout, a request's head (request line
// and headers) must arrive completely within the head timeout and stay under a byte cap, and a
// body must keep arriving at a minimum average rate (slow-loris and slow-POST). httplib itself
// only bounds each single read. Also processes a raw request held in memory, through exactly the
// same routing, without a socket (tests and fuzzing).
// Cost: one poll() per socket read; reads are buffered 4 KiB at a time as httplib's own are.
#pragma once

#include <httplib.h>

#include <string>

namespace vocalmix::server {

struct ConnectionLimits {
  int idleTimeoutS = 15;                 // longest wait for any single read or write
  int headTimeoutS = 15;                 // request line + headers must arrive within this
  size_t maxHeadBytes = 64 * 1024;       // request line + headers, all of them together
  int bodyGraceS = 15;                   // a body may take this long plus size / rate below
  double minBodyBytesPerSecond = 16 * 1024;
  // Bytes of body (with any chunked or multipart framing) one request may send. httplib checks
  // its payload limit against Content-Length only: a chunked body would otherwise be unbounded.
  size_t maxBodyBytes = 512u << 20;
  int keepAliveTimeoutS = 5;             // idle time between requests on one connection
  size_t keepAliveMaxRequests = 100;
};

class GuardedHttpServer : public httplib::Server {
 public:
  explicit GuardedHttpServer(ConnectionLimits limits);

  // One complete raw HTTP/1.1 request in, the raw response out (status line, headers, body),
  // as if it had arrived from `remoteIp`; the connection counts as closing after it.
  std::string processRaw(const std::string& request, const std::string& remoteIp);

  // From inside a handler: close this connection once the response is written (used when a
  // request is refused before its body was read, so the unread body is never parsed as the
  // next request).
  static void closeConnectionAfterResponse();

  const ConnectionLimits& limits() const { return limits_; }

  // httplib listens with a backlog of 5: a burst of more simultaneous connects overflows it and
  // the surplus clients wait for a SYN retransmit (1 s, then 3 s). Call after binding.
  void widenListenBacklog(int backlog);

 private:
  bool process_and_close_socket(socket_t sock) override;
  bool waitForNextRequest(socket_t sock) const;
  ConnectionLimits limits_;
};

}  // namespace vocalmix::server
