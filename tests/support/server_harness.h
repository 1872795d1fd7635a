// An in-process vocalmix-server on a free loopback port, the check every JSON error answer
// must pass, and small file helpers, shared by the server test files.
#pragma once

#include <httplib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "server/server.h"

namespace vocalmix::testing {

// An empty directory VOCALMIX_TEST_TMP/name (whatever a previous run left there is removed).
inline std::string freshTestDir(const std::string& name) {
  const std::string d = std::string(VOCALMIX_TEST_TMP) + "/" + name;
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

inline std::string readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct RunningServer {
  std::unique_ptr<server::Server> server;
  int port;
  httplib::Client client(int readTimeoutSeconds = 60) const {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(readTimeoutSeconds, 0);
    return c;
  }
};

inline RunningServer startServer(server::ServerOptions o) {
  o.port = 0;
  RunningServer r{std::make_unique<server::Server>(o), 0};
  r.port = r.server->startInBackground();
  REQUIRE(r.port > 0);
  return r;
}

// A JSON error: the status, {"error": {"code", "message"}} with a non-empty message that
// mentions `mention`, and the JSON content type.
inline void expectError(const httplib::Result& res, int status, const std::string& code,
                        const std::string& mention = "") {
  REQUIRE(res);
  INFO(res->body);
  CHECK(res->status == status);
  const nlohmann::json j = nlohmann::json::parse(res->body);
  CHECK(j["error"]["code"] == code);
  const std::string message = j["error"]["message"].get<std::string>();
  CHECK_FALSE(message.empty());
  CHECK(message.find(mention) != std::string::npos);
  CHECK(res->get_header_value("Content-Type") == "application/json");
}

}  // namespace vocalmix::testing
