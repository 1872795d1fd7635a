// Fuzz target: the HTTP API's request handling, without sockets — the same routes, validation
// and store as the real server (Server::handleRawRequest runs httplib's request parsing and our
// handlers on a request held in memory). The first byte picks the shape, so that mutations land
// in the bodies our code parses rather than only in the request line:
//   0: the input is a complete raw request (request line, headers, body — anything)
//   1: POST /api/uploads with the input as the raw body
//   2: POST /api/uploads as multipart/form-data with the input as the body (boundary "vmfz")
//   3: POST /api/renders with the input as the JSON body; "@U" becomes a real upload id
//   4: GET of the input as the path (traversal, ids, encodings)
// Every response must be well-formed HTTP, and every error a JSON body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <unistd.h>

#include "server/server.h"

namespace {

namespace fs = std::filesystem;
using vocalmix::server::Server;

std::string gDataDir;

// A 0.05 s mono 16-bit WAV: the upload that "@U" names.
std::string tinyWav() {
  const int frames = 1102, rate = 22050;
  std::string w = "RIFF";
  auto u32 = [&](uint32_t v) { for (int i = 0; i < 4; ++i) w += static_cast<char>((v >> (8 * i)) & 255); };
  auto u16 = [&](uint16_t v) { for (int i = 0; i < 2; ++i) w += static_cast<char>((v >> (8 * i)) & 255); };
  u32(36 + frames * 2);
  w += "WAVEfmt ";
  u32(16); u16(1); u16(1); u32(rate); u32(rate * 2); u16(2); u16(16);
  w += "data";
  u32(frames * 2);
  for (int i = 0; i < frames; ++i) u16(static_cast<uint16_t>(static_cast<int16_t>((i * 37 % 2000) - 1000)));
  return w;
}

std::string request(const std::string& method, const std::string& path, const std::string& type, const std::string& body) {
  return method + " " + path + " HTTP/1.1\r\nHost: fuzz\r\nContent-Type: " + type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

struct Fixture {
  Server* server = nullptr;  // never destroyed: render workers may still run at exit
  std::string uploadId;
  Fixture() {
    gDataDir = (fs::temp_directory_path() / ("vocalmix-fuzz-server-" + std::to_string(getpid()))).string();
    fs::remove_all(gDataDir);
    vocalmix::server::ServerOptions o;
    o.dataDir = gDataDir;
    o.maxUploadMb = 1;
    o.maxQueued = 4;
    o.maxDurationS = 60;
    server = new Server(o);
    const std::string res = server->handleRawRequest(request("POST", "/api/uploads?name=seed.wav", "audio/wav", tinyWav()));
    const size_t body = res.find("\r\n\r\n");
    if (res.rfind("HTTP/1.1 201", 0) != 0 || body == std::string::npos) std::abort();
    uploadId = nlohmann::json::parse(res.substr(body + 4))["id"];
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(gDataDir, ec);
    });
  }
};

Fixture& fixture() {
  static Fixture* f = new Fixture();
  return *f;
}

void checkResponse(const std::string& res, bool head) {
  if (res.empty()) return;  // httplib gave up on the request (unreadable): nothing was sent
  if (res.rfind("HTTP/1.1 ", 0) != 0 || res.size() < 12) std::abort();
  const int status = std::atoi(res.c_str() + 9);
  if (status < 100 || status > 599) std::abort();
  const size_t end = res.find("\r\n\r\n");
  if (end == std::string::npos) std::abort();
  if (status >= 400) {
    // Every error is JSON, whoever produced it (our routes, or httplib through the error handler).
    if (res.find("Content-Type: application/json", 0) > end) std::abort();
    if (head) return;  // HEAD: the headers of the JSON error, and no body
    const auto j = nlohmann::json::parse(res.substr(end + 4), nullptr, false);
    if (j.is_discarded() || !j.contains("error")) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Fixture& f = fixture();
  if (size == 0) return 0;
  const int shape = data[0] % 5;
  std::string in(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string req;
  switch (shape) {
    case 0:
      req = in;
      break;
    case 1:
      req = request("POST", "/api/uploads?name=f.wav", "application/octet-stream", in);
      break;
    case 2:
      req = request("POST", "/api/uploads", "multipart/form-data; boundary=vmfz", in);
      break;
    case 3:
      for (size_t at; (at = in.find("@U")) != std::string::npos;) in.replace(at, 2, f.uploadId);
      req = request("POST", "/api/renders", "application/json", in);
      break;
    default: {
      std::string path = in.substr(0, in.find_first_of("\r\n "));
      if (path.empty() || path[0] != '/') path = "/" + path;
      req = "GET " + path + " HTTP/1.1\r\nHost: fuzz\r\n\r\n";
      break;
    }
  }
  // httplib reads "HEAD" followed by a space or a line end as HEAD (a malformed "HEAD\r\n" gets
  // its 400 headers without a body, like any HEAD answer).
  const bool head = req.rfind("HEAD", 0) == 0 && (req.size() == 4 || req[4] == ' ' || req[4] == '\r' || req[4] == '\n');
  checkResponse(f.server->handleRawRequest(req, "10.0.0." + std::to_string(size % 7)), head);
  return 0;
}
