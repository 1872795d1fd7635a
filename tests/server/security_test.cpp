// Hostile and careless requests against the HTTP API, over real sockets on loopback: the API
// token, the upload duration limit, the per-client cap on uploads in progress, slow-loris and
// slow bodies, oversized heads, path traversal (plain and percent-encoded), nosniff and content
// types, and CORS staying closed. Every refusal must be a JSON error with its status.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "server/access.h"
#include "server/server.h"
#include "support/server_harness.h"
#include "support/test_vocal.h"

namespace fs = std::filesystem;
using nlohmann::json;
using vocalmix::server::Server;
using vocalmix::server::ServerOptions;
using Clock = std::chrono::steady_clock;

namespace {

std::string tmpDir(const std::string& name) { return vocalmix::testing::freshTestDir("security_" + name); }
constexpr auto readFile = vocalmix::testing::readBytes;

const std::string& vocalBytes() {
  static const std::string bytes = [] {
    const std::string p = std::string(VOCALMIX_TEST_TMP) + "/security_vocal_" + std::to_string(getpid()) + ".wav";
    vocalmix::testing::TestVocalOptions o;
    o.seconds = 4.0;
    vocalmix::testing::writeTestVocal(p, o);
    return readFile(p);
  }();
  return bytes;
}

// Shorter client read timeout than the functional tests: the limits under test answer fast.
struct Running : vocalmix::testing::RunningServer {
  httplib::Client client() const { return RunningServer::client(30); }
};
Running start(ServerOptions o) { return Running{vocalmix::testing::startServer(std::move(o))}; }
using vocalmix::testing::expectError;

int connectTo(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  timeval tv{20, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

void sendAll(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = ::send(fd, s.data() + done, s.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return;  // the server may already have closed: the caller checks the answer
    done += static_cast<size_t>(n);
  }
}

std::string readAll(int fd) {
  std::string out;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// One raw request on its own connection ("Connection: close" is the caller's business).
std::string rawRequest(int port, const std::string& request) {
  const int fd = connectTo(port);
  sendAll(fd, request);
  std::string out = readAll(fd);
  ::close(fd);
  return out;
}

int statusOf(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return 0;
  return std::stoi(response.substr(9, 3));
}

std::string headerOf(const std::string& response, const std::string& name) {
  const size_t end = response.find("\r\n\r\n");
  std::string head = response.substr(0, end);
  std::string lower = head;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string key = "\r\n" + name + ":";
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const size_t at = lower.find(key);
  if (at == std::string::npos) return "";
  size_t v = at + key.size();
  while (v < head.size() && head[v] == ' ') ++v;
  return head.substr(v, head.find("\r\n", v) - v);
}

std::string bodyOf(const std::string& response) {
  const size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

}  // namespace

TEST_CASE("security: the bearer token comparison", "[security]") {
  using vocalmix::server::bearerTokenMatches;
  CHECK(bearerTokenMatches("s3cret-token", "Bearer s3cret-token"));
  CHECK_FALSE(bearerTokenMatches("s3cret-token", "Bearer s3cret-tokeN"));
  CHECK_FALSE(bearerTokenMatches("s3cret-token", "Bearer s3cret-token "));
  CHECK_FALSE(bearerTokenMatches("s3cret-token", "Bearer s3cret-toke"));
  CHECK_FALSE(bearerTokenMatches("s3cret-token", "Basic  s3cret-token"));
  CHECK_FALSE(bearerTokenMatches("s3cret-token", "s3cret-token"));
  CHECK_FALSE(bearerTokenMatches("s3cret-token", ""));
  CHECK_FALSE(bearerTokenMatches("", "Bearer "));  // no token configured never matches
}

TEST_CASE("security: upload slots are counted per client and given back", "[security]") {
  vocalmix::server::UploadSlots slots(2);
  {
    auto a = slots.acquire("10.0.0.1");
    auto b = slots.acquire("10.0.0.1");
    CHECK(a.has_value());
    CHECK(b.has_value());
    CHECK_FALSE(slots.acquire("10.0.0.1").has_value());  // a third from the same address
    CHECK(slots.acquire("10.0.0.2").has_value());        // another address is not affected
    CHECK(slots.inUse("10.0.0.1") == 2);
    CHECK(slots.inUse("10.0.0.2") == 0);                  // that one was given back at once
  }
  CHECK(slots.inUse("10.0.0.1") == 0);
  CHECK(slots.acquire("10.0.0.1").has_value());
}

TEST_CASE("security: with a token, writes need it and reads stay open", "[security]") {
  ServerOptions o;
  o.dataDir = tmpDir("token");
  o.token = "correct horse battery staple";
  auto s = start(o);
  auto c = s.client();

  auto none = c.Post("/api/uploads?name=take.wav", vocalBytes(), "audio/wav");
  expectError(none, 401, "unauthorized");
  CHECK(none->get_header_value("WWW-Authenticate") == "Bearer");
  expectError(c.Post("/api/uploads?name=take.wav", httplib::Headers{{"Authorization", "Bearer wrong"}}, vocalBytes(), "audio/wav"),
              401, "unauthorized");
  expectError(c.Post("/api/uploads", httplib::Headers{{"Authorization", "Bearer correct horse battery stapl"}}, vocalBytes(), "audio/wav"),
              401, "unauthorized");
  expectError(c.Post("/api/renders", json{{"upload", std::string(32, 'a')}}.dump(), "application/json"), 401, "unauthorized");
  expectError(c.Delete("/api/renders/" + std::string(32, 'a')), 401, "unauthorized");
  // Nothing was stored by the refused uploads.
  CHECK(fs::is_empty(o.dataDir + "/uploads"));

  const httplib::Headers auth{{"Authorization", "Bearer " + o.token}};
  auto ok = c.Post("/api/uploads?name=take.wav", auth, vocalBytes(), "audio/wav");
  REQUIRE(ok);
  CHECK(ok->status == 201);
  const std::string id = json::parse(ok->body)["id"];
  // Reads need no token (the web app downloads through a plain link).
  auto health = c.Get("/api/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  auto back = c.Get("/api/uploads/" + id);
  REQUIRE(back);
  CHECK(back->status == 200);
  auto render = c.Post("/api/renders", auth, json{{"upload", id}}.dump(), "application/json");
  REQUIRE(render);
  CHECK(render->status == 202);
}

TEST_CASE("security: uploads longer than --max-duration are refused, naming the limit", "[security]") {
  ServerOptions o;
  o.dataDir = tmpDir("duration");
  o.maxDurationS = 2.5;
  auto s = start(o);
  auto c = s.client();
  auto res = c.Post("/api/uploads?name=long.wav", vocalBytes(), "audio/wav");  // 4 s
  expectError(res, 413, "too_long");
  const std::string message = json::parse(res->body)["error"]["message"];
  CHECK_THAT(message, Catch::Matchers::Contains("4.0 s") && Catch::Matchers::Contains("2.5 s") &&
                          Catch::Matchers::Contains("--max-duration") && Catch::Matchers::Contains("long.wav"));
  CHECK(fs::is_empty(o.dataDir + "/uploads"));
}

TEST_CASE("security: one client cannot hold more than its share of uploads open", "[security]") {
  ServerOptions o;
  o.dataDir = tmpDir("per_client");
  o.maxUploadsPerClient = 2;
  auto s = start(o);
  // Two uploads that never finish sending their bodies.
  std::vector<int> slow;
  for (int i = 0; i < 2; ++i) {
    const int fd = connectTo(s.port);
    sendAll(fd, "POST /api/uploads?name=slow.wav HTTP/1.1\r\nHost: x\r\nContent-Type: audio/wav\r\n"
                "Content-Length: 1000000\r\n\r\n" + vocalBytes().substr(0, 50000));
    slow.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // both handlers hold their slot
  auto c = s.client();
  auto third = c.Post("/api/uploads?name=take.wav", vocalBytes(), "audio/wav");
  expectError(third, 429, "too_many_uploads");
  CHECK(third->get_header_value("Retry-After") == "5");
  // Reads are not uploads: still served.
  auto health = c.Get("/api/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  // Clients that vanish mid-upload give their slots back.
  for (int fd : slow) ::close(fd);
  const auto until = Clock::now() + std::chrono::seconds(5);
  int status = 0;
  while (Clock::now() < until) {
    auto again = c.Post("/api/uploads?name=take.wav", vocalBytes(), "audio/wav");
    REQUIRE(again);
    status = again->status;
    if (status == 201) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(status == 201);
}

TEST_CASE("security: slow-loris heads and trickling bodies are cut off", "[security]") {
  ServerOptions o;
  o.dataDir = tmpDir("slow");
  o.timeoutS = 2;
  auto s = start(o);

  // Headers, a byte every 400 ms: each read is quick, but the head never completes in time.
  {
    const int fd = connectTo(s.port);
    const std::string head = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + std::string(40, 'a');
    const auto begun = Clock::now();
    bool closed = false;
    for (char ch : head) {
      if (::send(fd, &ch, 1, MSG_NOSIGNAL) <= 0) {
        closed = true;
        break;
      }
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 400) > 0) {  // the server answered or closed
        closed = true;
        break;
      }
    }
    const double took = std::chrono::duration<double>(Clock::now() - begun).count();
    const std::string rest = readAll(fd);
    ::close(fd);
    CHECK(closed);
    CHECK(took < 5.0);
    CHECK(statusOf(rest) != 200);
  }
  // A body that trickles: 1 byte per 200 ms of a promised 2000.
  {
    const int fd = connectTo(s.port);
    sendAll(fd, "POST /api/renders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n\r\n");
    const auto begun = Clock::now();
    bool closed = false;
    for (int i = 0; i < 100 && !closed; ++i) {
      if (::send(fd, "{", 1, MSG_NOSIGNAL) <= 0) closed = true;
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 200) > 0) closed = true;
    }
    const double took = std::chrono::duration<double>(Clock::now() - begun).count();
    const std::string rest = readAll(fd);
    ::close(fd);
    CHECK(closed);
    CHECK(took < 6.0);
    CHECK(statusOf(rest) != 202);
  }
  auto c = s.client();
  auto health = c.Get("/api/health");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("security: oversized request lines and header blocks are refused", "[security]") {
  ServerOptions o;
  o.dataDir = tmpDir("heads");
  auto s = start(o);
  const std::string longUri = rawRequest(s.port, "GET /api/health?x=" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(statusOf(longUri) != 200);
  std::string many = "GET /api/health HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 200; ++i) many += "X-Filler-" + std::to_string(i) + ": " + std::string(1000, 'b') + "\r\n";
  many += "Connection: close\r\n\r\n";
  CHECK(statusOf(rawRequest(s.port, many)) != 200);  // 200 KB of headers: over the 64 KiB cap
  // A normal request still works.
  CHECK(statusOf(rawRequest(s.port, "GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) == 200);
}

TEST_CASE("security: no path reaches outside the web root or the store", "[security]") {
  ServerOptions o;
  o.dataDir = tmpDir("traversal");
  o.webRoot = std::string(VOCALMIX_SOURCE_DIR) + "/web";
  auto s = start(o);
  auto c = s.client();
  auto up = c.Post("/api/uploads?name=take.wav", vocalBytes(), "audio/wav");
  REQUIRE(up);
  REQUIRE(up->status == 201);
  const char* attempts[] = {
      "/../../../../etc/passwd",
      "/..%2f..%2f..%2f..%2fetc%2fpasswd",
      "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
      "/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
      "/%252e%252e/%252e%252e/etc/passwd",
      "/..\\..\\..\\etc\\passwd",
      "/engine/../../CMakeLists.txt",
      "/engine/%2e%2e/%2e%2e/CMakeLists.txt",
      "/./../README.md",
      "/wasm/../../../etc/passwd",
      "/api/uploads/../../../../etc/passwd",
      "/api/uploads/..%2F..%2F..%2Fetc%2Fpasswd",
      "/api/uploads/%2e%2e%2fblobs",
      "/api/renders/..%2Fuploads/file",
      "/api/renders/../../etc/passwd/file",
  };
  for (const char* path : attempts) {
    INFO(path);
    const std::string res = rawRequest(s.port, std::string("GET ") + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const int status = statusOf(res);
    CHECK((status == 404 || status == 400));
    CHECK(bodyOf(res).find("root:") == std::string::npos);
    CHECK(bodyOf(res).find("cmake_minimum_required") == std::string::npos);
    CHECK(bodyOf(res).find("RIFF") == std::string::npos);
  }
  // Ids are validated by format: uppercase hex, too short or too long never build a path.
  for (const std::string& id : {std::string(32, 'A'), std::string(31, 'a'), std::string(33, 'a'), std::string("blobs")}) {
    auto res = c.Get("/api/uploads/" + id);
    REQUIRE(res);
    CHECK(res->status == 404);
  }
}

TEST_CASE("security: nosniff and the right Content-Type everywhere, and CORS stays closed", "[security]") {
  ServerOptions o;
  o.dataDir = tmpDir("headers");
  o.webRoot = std::string(VOCALMIX_SOURCE_DIR) + "/web";
  auto s = start(o);
  struct Expect {
    std::string path, contentType;
  };
  for (const Expect& e : {Expect{"/api/health", "application/json"}, Expect{"/api/params", "application/json"},
                          Expect{"/", "text/html"}, Expect{"/app.mjs", "text/javascript"},
                          Expect{"/styles.css", "text/css"}, Expect{"/api/nothing", "application/json"}}) {
    INFO(e.path);
    const std::string res = rawRequest(s.port, "GET " + e.path + " HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example\r\nConnection: close\r\n\r\n");
    CHECK(statusOf(res) != 0);
    CHECK(headerOf(res, "X-Content-Type-Options") == "nosniff");
    CHECK(headerOf(res, "Content-Type") == e.contentType);
    CHECK(headerOf(res, "Access-Control-Allow-Origin").empty());
    CHECK(headerOf(res, "Access-Control-Allow-Credentials").empty());
  }
  // A preflight from another origin gets no permission to send anything.
  const std::string preflight = rawRequest(
      s.port, "OPTIONS /api/uploads HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example\r\n"
              "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: authorization\r\nConnection: close\r\n\r\n");
  INFO(preflight);
  CHECK(statusOf(preflight) != 0);
  for (const char* h : {"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers",
                        "Access-Control-Allow-Credentials"}) {
    CHECK(headerOf(preflight, h).empty());
  }
}

TEST_CASE("security: malformed multipart uploads get JSON errors", "[security]") {
  ServerOptions o;
  o.dataDir = tmpDir("multipart");
  auto s = start(o);
  auto c = s.client();
  httplib::MultipartFormDataItems noFile = {{"other", "x", "", "text/plain"}};
  expectError(c.Post("/api/uploads", noFile), 400, "bad_request");
  const std::string broken = "--abc\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\nRIFF....";
  expectError(c.Post("/api/uploads", broken, "multipart/form-data; boundary=abc"), 400, "incomplete_upload");
  expectError(c.Post("/api/uploads", "--x\r\n", "multipart/form-data"), 400, "incomplete_upload");  // no boundary
  // The same routes without a socket (what the fuzzer drives).
  const std::string raw = s.server->handleRawRequest("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(statusOf(raw) == 200);
  CHECK(bodyOf(raw).find("\"status\":\"ok\"") != std::string::npos);
}

TEST_CASE("security: a second process cannot bind the server's port and take a share of it", "[security]") {
  // httplib's default SO_REUSEPORT would let it: the kernel would then split the connections.
  ServerOptions o;
  o.dataDir = tmpDir("port_a");
  auto s = start(o);
  ServerOptions other;
  other.dataDir = tmpDir("port_b");
  other.port = s.port;
  Server second(other);
  CHECK(second.startInBackground() == -1);
  auto c = s.client();
  auto health = c.Get("/api/health");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("security: invalid UTF-8 in a path, a file name or a preset name is answered, not fatal", "[security]") {
  // Found by the fuzzer (tests/fuzz/corpus/server_request/crash-invalid-utf8-path): the 404
  // message quoting such a path threw while being serialised, inside httplib's error handler,
  // and terminated the server.
  ServerOptions o;
  o.dataDir = tmpDir("utf8");
  auto s = start(o);
  const std::string res = rawRequest(s.port, "GET /%FA%FF/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(statusOf(res) == 404);
  CHECK(json::parse(bodyOf(res))["error"]["code"] == "not_found");
  auto c = s.client();
  auto up = c.Post("/api/uploads?name=%FAtake%FE.wav", vocalBytes(), "audio/wav");
  REQUIRE(up);
  CHECK(up->status == 201);
  const std::string id = json::parse(up->body)["id"];
  const std::string badName = std::string("{\"upload\":\"") + id + "\",\"preset\":{\"name\":\"n\xfa\xfb\",\"params\":{}}}";
  auto r = c.Post("/api/renders", badName, "application/json");
  REQUIRE(r);
  CHECK((r->status == 202 || r->status == 400));
  auto health = c.Get("/api/health");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("security: chunked bodies are held to the size limit too", "[security]") {
  // httplib checks its payload limit against Content-Length only: 3 MB sent chunked to a 1 MB
  // server used to be read (and kept in memory) in full.
  ServerOptions o;
  o.dataDir = tmpDir("chunked");
  o.maxUploadMb = 1;
  auto s = start(o);
  auto chunked = [](const std::string& path) {
    std::string req = "POST " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n";
    const std::string chunk(65536, 'x');
    for (int i = 0; i < 48; ++i) req += "10000\r\n" + chunk + "\r\n";
    return req + "0\r\n\r\n";
  };
  const std::string upload = rawRequest(s.port, chunked("/api/uploads"));
  INFO(upload.substr(0, 300));
  CHECK(statusOf(upload) == 413);
  CHECK(json::parse(bodyOf(upload))["error"]["code"] == "too_large");
  const std::string render = rawRequest(s.port, chunked("/api/renders"));
  INFO(render.substr(0, 300));
  CHECK(statusOf(render) >= 400);
  CHECK(statusOf(render) != 202);
  auto c = s.client();
  auto health = c.Get("/api/health");
  REQUIRE(health);
  CHECK(health->status == 200);
}
