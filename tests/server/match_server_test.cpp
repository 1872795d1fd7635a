// POST /api/matches over real HTTP on loopback: the preset and report are exactly what the native
// match (the CLI's) gives for the same files, and every bad request gets its status and JSON error.
#include <httplib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "render/match_file.h"
#include "server/server.h"
#include "support/server_harness.h"
#include "support/test_vocal.h"

namespace fs = std::filesystem;
using nlohmann::json;
using vocalmix::server::Server;
using vocalmix::server::ServerOptions;

namespace {

std::string tmp(const std::string& name) {
  const std::string d = std::string(VOCALMIX_TEST_TMP) + "/match_server_" + std::to_string(getpid());
  fs::create_directories(d);
  return d + "/" + name;
}

constexpr auto bytesOf = vocalmix::testing::readBytes;

using vocalmix::testing::expectError;

}  // namespace

TEST_CASE("server: POST /api/matches returns the native match's preset and report", "[server][match]") {
  const std::string vocal = tmp("take.wav"), reference = tmp("reference.wav"), silent = tmp("silent.wav");
  vocalmix::testing::TestVocalOptions o;
  o.seconds = 6.0;
  vocalmix::testing::writeTestVocal(vocal, o);
  o.seed = 11;
  o.sampleRate = 44100;
  o.noiseDbfs = -70.0;
  o.rightGainDb = 0.0;
  vocalmix::testing::writeTestVocal(reference, o);
  vocalmix::testing::writeSilentWav(silent, 1, 3.0);

  ServerOptions options;
  options.dataDir = tmp("data");
  options.port = 0;
  Server server(options);
  const int port = server.startInBackground();
  REQUIRE(port > 0);
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(120, 0);
  auto upload = [&](const std::string& path, const std::string& name) {
    const auto res = c.Post(("/api/uploads?name=" + name).c_str(), bytesOf(path), "application/octet-stream");
    REQUIRE(res);
    REQUIRE(res->status == 201);
    return json::parse(res->body)["id"].get<std::string>();
  };
  const std::string vocalId = upload(vocal, "take.wav"), refId = upload(reference, "song.wav"),
                    silentId = upload(silent, "silence.wav");

  const json amount = {{"tone", 100}, {"dynamics", 80}, {"space", 50}};
  const auto res = c.Post("/api/matches", json{{"upload", vocalId}, {"reference", refId}, {"amount", amount}}.dump(),
                          "application/json");
  REQUIRE(res);
  INFO(res->body.substr(0, 2000));
  REQUIRE(res->status == 200);
  const json j = json::parse(res->body);
  const auto native = vocalmix::render::matchFiles(vocal, reference, vocalmix::render::matchAmountsFromJson(amount),
                                                   "take.wav", "song.wav");
  CHECK(j["preset"] == native.preset.toJson());
  CHECK(j["report"] == native.report);
  CHECK(j["report"]["amounts"]["space"] == 50.0);
  CHECK(j["preset"]["name"] == "matched");

  expectError(c.Post("/api/matches", "{\"upload\": ", "application/json"), 400, "bad_json");
  expectError(c.Post("/api/matches", "[1, 2]", "application/json"), 400, "bad_request", "JSON object");
  expectError(c.Post("/api/matches", json{{"upload", vocalId}}.dump(), "application/json"), 400, "bad_request",
              "'reference'");
  expectError(c.Post("/api/matches", json{{"upload", vocalId}, {"reference", refId}, {"style", "pop"}}.dump(),
                     "application/json"),
              400, "bad_request", "unknown field 'style'");
  expectError(c.Post("/api/matches", json{{"upload", vocalId}, {"reference", std::string(32, 'a')}}.dump(),
                     "application/json"),
              404, "upload_not_found", "(the reference)");
  expectError(c.Post("/api/matches", json{{"upload", vocalId}, {"reference", refId}, {"amount", {{"warmth", 20}}}}.dump(),
                     "application/json"),
              400, "invalid_amount", "unknown amount 'warmth'");
  expectError(c.Post("/api/matches", json{{"upload", vocalId}, {"reference", refId}, {"amount", {{"tone", 101}}}}.dump(),
                     "application/json"),
              400, "invalid_amount", "outside 0–100");
  expectError(c.Post("/api/matches", json{{"upload", vocalId}, {"reference", silentId}}.dump(), "application/json"),
              422, "unmatchable", "reference 'silence.wav' is silent");
  server.stop();
}
