// vocalmix-server — the HTTP API and the web app, with embedded local storage.
#include <csignal>
#include <CLI/CLI.hpp>
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
  CLI11_PARSE(app, argc, argv);
  try {
    vocalmix::server::Server server(o);
    gServer = &server;
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    if (!std::filesystem::exists(std::filesystem::path(o.wasmRoot) / "vocalmix_worklet.mjs")) {
      std::cerr << "vocalmix-server: note: no WASM engine in '" << o.wasmRoot
                << "' (run scripts/build-wasm.sh); the browser preview will not work\n";
    }
    std::cout << "vocalmix-server listening on http://" << o.host << ":" << o.port
              << "  (data: " << std::filesystem::absolute(o.dataDir).string() << ")" << std::endl;
    if (!server.listen()) {
      std::cerr << "vocalmix-server: error: cannot listen on " << o.host << ":" << o.port
                << " (address in use?)\n";
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "vocalmix-server: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
