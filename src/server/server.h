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

namespace httplib {
class Server;
}

namespace vocalmix::server {

class Store;
class RenderJobs;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;          // 0 picks a free port (tests)
  std::string dataDir = "data";
  int workers = 1;
  size_t maxQueued = 16;
  size_t maxUploadMb = 500;
  std::string webRoot;      // served at / when set
  std::string wasmRoot;     // served at /wasm when set (the Emscripten build output)
};

class Server {
 public:
  // Opens the store (throws StoreError naming the data directory if it is unusable).
  explicit Server(ServerOptions options);
  ~Server();

  // Binds and serves until stop(); returns false if the address cannot be bound.
  bool listen();
  // Binds, then serves on a background thread; returns the bound port (or -1).
  int startInBackground();
  void stop();

 private:
  void routes();
  ServerOptions options_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<RenderJobs> jobs_;
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
};

}  // namespace vocalmix::server
