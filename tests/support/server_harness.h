// An in-process vocalmix-server on a free loopback port, and the check every JSON error answer
// must pass, shared by the server test files.
#pragma once

#include <httplib.h>

#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "server/server.h"

namespace vocalmix::testing {

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
