// Server — the vocalmix HTTP API (cpp-httplib) and the web app's static files.
//   GET  /api/health                 {"status":"ok","version"}
//   GET  /api/params                 the parameter schema
//   GET  /api/presets                [{"name","description","params"}]
//   POST /api/uploads                raw bytes or multipart field "file" → 201 upload record
//   GET  /api/uploads/{id}           the original bytes
//   POST /api/renders                JSON request → 202 {"id","status":"queued"}
//   GET  /api/renders/{id}           the job: status, progress, report, error
//   GET  /api/renders/{id}/file      the delivered file
// Every error is JSON {"error":{"code","message"}} with a 4xx/5xx status.
#pragma once

#include <memory>
#include <string>
#include <thread>

namespace vocalmix::server {

class Store;
class RenderJobs;
class GuardedHttpServer;
class UploadSlots;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;          // 0 picks a free port (tests)
  std::string dataDir = "data";
  int workers = 1;
  size_t maxQueued = 16;
  size_t maxUploadMb = 500;
  std::string webRoot;      // served at / when set
  std::string wasmRoot;     // served at /wasm when set (the Emscripten build output)
  double maxDurationS = 1200;      // longest upload accepted, in seconds (413 above)
  size_t maxUploadsPerClient = 4;  // uploads in progress from one client address (429 above)
  int timeoutS = 15;               // idle read/write timeout; also the time a request's headers may take
  // When set, write requests (POST/PUT/PATCH/DELETE under /api/) need
  // "Authorization: Bearer <token>" (401 otherwise); reads stay open.
  std::string token;
};

class Server {
 public:
  // Opens the store (throws StoreError naming the data directory if it is unusable).
  explicit Server(ServerOptions options);
  ~Server();

  // Binds the address (false if it cannot be bound); connections wait in the backlog until
  // listen() serves them, so "listening" can be announced truthfully in between.
  bool bind();
  // Binds (unless bind() did) and serves until stop(); returns false if the address cannot be bound.
  bool listen();
  // Binds, then serves on a background thread; returns the bound port (or -1).
  int startInBackground();
  void stop();

  // One raw HTTP/1.1 request through the same routes, without a socket (tests, fuzzing):
  // returns the raw response.
  std::string handleRawRequest(const std::string& request, const std::string& remoteIp = "127.0.0.1");

 private:
  void routes();
  ServerOptions options_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<RenderJobs> jobs_;
  std::unique_ptr<UploadSlots> uploadSlots_;
  std::unique_ptr<GuardedHttpServer> http_;
  std::thread thread_;
  bool bound_ = false;
};

}  // namespace vocalmix::server
