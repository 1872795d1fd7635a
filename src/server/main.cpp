// vocalmix-server — the HTTP API and the web app, with embedded local storage.
#include <csignal>
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "server/server.h"
#include "server/store.h"

namespace {
vocalmix::server::Server* gServer = nullptr;
void onSignal(int) {
  if (gServer) gServer->stop();
}
}  // namespace

int main(int argc, char** argv) {
  vocalmix::server::ServerOptions o;
  o.webRoot = VOCALMIX_WEB_DIR;
  o.wasmRoot = VOCALMIX_WASM_DIR;
  CLI::App app{"vocalmix-server — upload, preview, render and download vocal mixes"};
  app.add_option("--host", o.host, "Address to listen on")->capture_default_str();
  app.add_option("--port", o.port, "Port")->capture_default_str()->check(CLI::Range(0, 65535));
  app.add_option("--data", o.dataDir, "Data directory (uploads, renders, job records)")->capture_default_str();
  app.add_option("--workers", o.workers, "Render worker threads")->capture_default_str()->check(CLI::Range(1, 64));
  app.add_option("--max-queue", o.maxQueued, "Queued renders before 429")->capture_default_str();
  app.add_option("--max-upload-mb", o.maxUploadMb, "Largest upload accepted (413 above)")->capture_default_str()->check(CLI::Range(1, 4096));
  app.add_option("--web-root", o.webRoot, "Static web app directory")->capture_default_str();
  app.add_option("--wasm-root", o.wasmRoot, "Built WASM engine directory (served at /wasm)")->capture_default_str();
  app.add_option("--max-duration", o.maxDurationS, "Longest upload accepted, in seconds (413 above)")->capture_default_str()->check(CLI::Range(1.0, 86400.0));
  app.add_option("--max-uploads-per-client", o.maxUploadsPerClient, "Uploads in progress from one client address (429 above)")->capture_default_str()->check(CLI::Range(1, 1024));
  app.add_option("--timeout", o.timeoutS, "Seconds a request's headers, or any single read/write, may take")->capture_default_str()->check(CLI::Range(1, 3600));
  app.add_option("--token", o.token, "API token required on write requests (POST/DELETE); or set VOCALMIX_TOKEN");
  CLI11_PARSE(app, argc, argv);
  if (o.token.empty()) {
    if (const char* t = std::getenv("VOCALMIX_TOKEN")) o.token = t;
  }
  // A file-size limit (or quota) must fail a write with EFBIG, not kill the server.
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    vocalmix::server::Server server(o);
    gServer = &server;
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    if (!std::filesystem::exists(std::filesystem::path(o.wasmRoot) / "vocalmix_worklet.mjs")) {
      std::cerr << "vocalmix-server: note: no WASM engine in '" << o.wasmRoot
                << "' (run scripts/build-wasm.sh); the browser preview will not work\n";
    }
    // Bound before "listening" is printed: whoever waits for that line can connect at once.
    if (!server.bind()) {
      std::cerr << "vocalmix-server: error: cannot listen on " << o.host << ":" << o.port
                << " (address in use?)\n";
      return 1;
    }
    std::cout << "vocalmix-server listening on http://" << o.host << ":" << o.port
              << "  (data: " << std::filesystem::absolute(o.dataDir).string() << ")"
              << (o.token.empty() ? "" : "  [API token required for writes]") << std::endl;
    server.listen();
  } catch (const std::exception& e) {
    std::cerr << "vocalmix-server: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
