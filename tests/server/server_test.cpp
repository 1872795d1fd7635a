// The HTTP API over real HTTP on loopback (an in-process server on a free port): the happy path
// with a byte-identical comparison against `vocalmix render`, every error's status and JSON
// body, the queue limit, and a restart that keeps finished renders and resumes interrupted ones.
#include <httplib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "server/server.h"
#include "engine/preset.h"
#include "server/store.h"
#include "support/server_harness.h"
#include "support/test_vocal.h"

namespace fs = std::filesystem;
using nlohmann::json;
using vocalmix::server::Server;
using vocalmix::server::ServerOptions;

namespace {

std::string tmpDir(const std::string& name) { return vocalmix::testing::freshTestDir("server_" + name); }
constexpr auto readFile = vocalmix::testing::readBytes;

const std::string& vocalPath() {
  static const std::string path = [] {
    // Per process: CTest runs the test cases in parallel processes.
    const std::string p = std::string(VOCALMIX_TEST_TMP) + "/server_vocal_" + std::to_string(getpid()) + ".wav";
    vocalmix::testing::TestVocalOptions o;
    o.seconds = 4.0;
    vocalmix::testing::writeTestVocal(p, o);
    return p;
  }();
  return path;
}

using Running = vocalmix::testing::RunningServer;
using vocalmix::testing::expectError;
constexpr auto start = vocalmix::testing::startServer;

json waitForRender(httplib::Client& c, const std::string& id) {
  for (int i = 0; i < 600; ++i) {
    auto res = c.Get("/api/renders/" + id);
    REQUIRE(res);
    REQUIRE(res->status == 200);
    json j = json::parse(res->body);
    if (j["status"] == "done" || j["status"] == "failed") return j;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("render did not finish in 30 s");
  return {};
}

std::string upload(httplib::Client& c) {
  auto res = c.Post("/api/uploads?name=take1.wav", readFile(vocalPath()), "audio/wav");
  REQUIRE(res);
  REQUIRE(res->status == 201);
  return json::parse(res->body)["id"];
}

}  // namespace

TEST_CASE("server: health, schema, presets, upload and download of the original", "[server]") {
  ServerOptions o;
  o.dataDir = tmpDir("basic");
  auto s = start(o);
  auto c = s.client();
  auto health = c.Get("/api/health");
  REQUIRE(health);
  CHECK(json::parse(health->body)["status"] == "ok");
  CHECK(health->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(json::parse(c.Get("/api/params")->body).size() > 40);
  const json presets = json::parse(c.Get("/api/presets")->body);
  REQUIRE(presets.size() == 3);
  CHECK(presets[0].contains("description"));

  auto res = c.Post("/api/uploads?name=take1.wav", readFile(vocalPath()), "audio/wav");
  REQUIRE(res);
  REQUIRE(res->status == 201);
  const json up = json::parse(res->body);
  CHECK(up["sample_rate"] == 48000);
  CHECK(up["channels"] == 2);
  CHECK(up["duration_s"].get<double>() == Approx(4.0).margin(1e-3));
  CHECK(up["id"].get<std::string>().size() == 32);
  auto back = c.Get("/api/uploads/" + up["id"].get<std::string>());
  REQUIRE(back);
  CHECK(back->body == readFile(vocalPath()));

  // Multipart, as a browser form sends it; the same bytes dedupe to one blob.
  httplib::MultipartFormDataItems items = {{"file", readFile(vocalPath()), "take1.wav", "audio/wav"}};
  auto multi = c.Post("/api/uploads", items);
  REQUIRE(multi);
  INFO(multi->body);
  CHECK(multi->status == 201);
  CHECK(json::parse(multi->body)["name"] == "take1.wav");
  size_t blobs = 0;
  for (const auto& e : fs::directory_iterator(o.dataDir + "/blobs")) blobs += e.path().extension() == ".bin";
  CHECK(blobs == 1);
}

TEST_CASE("server: every bad request gets the right status and a JSON error", "[server]") {
  ServerOptions o;
  o.dataDir = tmpDir("errors");
  o.maxUploadMb = 2;
  auto s = start(o);
  auto c = s.client();
  expectError(c.Post("/api/uploads", "this is a shopping list, not audio", "audio/wav"), 400, "not_audio");
  expectError(c.Post("/api/uploads", "", "audio/wav"), 400, "empty_upload");
  expectError(c.Post("/api/uploads", std::string(3 * 1024 * 1024, 'x'), "application/octet-stream"), 413, "too_large");
  const std::string id = upload(c);
  expectError(c.Post("/api/renders", "{\"upload\": ", "application/json"), 400, "bad_json");
  expectError(c.Post("/api/renders", json{{"upload", id}, {"preset", "lofi"}}.dump(), "application/json"), 400, "unknown_preset");
  expectError(c.Post("/api/renders", json{{"upload", id}, {"params", {{"eq.presense.gain_db", 3}}}}.dump(), "application/json"), 400, "invalid_param");
  expectError(c.Post("/api/renders", json{{"upload", id}, {"params", {{"comp.ratio", 99}}}}.dump(), "application/json"), 400, "invalid_param");
  expectError(c.Post("/api/renders", json{{"upload", id}, {"target_lufs", 3}}.dump(), "application/json"), 400, "invalid_param");
  expectError(c.Post("/api/renders", json{{"upload", id}, {"format", "mp4"}}.dump(), "application/json"), 400, "bad_format");
  expectError(c.Post("/api/renders", json{{"upload", id}, {"colour", "blue"}}.dump(), "application/json"), 400, "bad_request");
  expectError(c.Post("/api/renders", json{{"upload", std::string(32, 'a')}}.dump(), "application/json"), 404, "upload_not_found");
  expectError(c.Post("/api/renders", json{{"preset", "modern_clean"}}.dump(), "application/json"), 400, "bad_request");
  expectError(c.Get("/api/renders/" + std::string(32, 'b')), 404, "not_found");
  expectError(c.Get("/api/renders/not-an-id"), 404, "not_found");
  expectError(c.Get("/api/uploads/..%2F..%2Fetc%2Fpasswd"), 404, "not_found");
  expectError(c.Get("/api/uploads/" + std::string(32, 'c')), 404, "not_found");
  expectError(c.Get("/api/nothing-here"), 404, "not_found");
}

TEST_CASE("server: a render is byte-identical to vocalmix render and survives a restart", "[server]") {
  ServerOptions o;
  o.dataDir = tmpDir("render");
  std::string renderId, firstBytes;
  {
    auto s = start(o);
    auto c = s.client();
    const std::string id = upload(c);
    const json request = {{"upload", id}, {"preset", "smooth_rnb"}, {"params", {{"reverb.decay_s", 2.0}}},
                          {"target_lufs", -15.0}, {"ceiling_dbtp", -1.5}, {"format", "wav16"}};
    auto res = c.Post("/api/renders", request.dump(), "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 202);
    renderId = json::parse(res->body)["id"];
    const json done = waitForRender(c, renderId);
    INFO(done.dump(1));
    REQUIRE(done["status"] == "done");
    CHECK(done["report"]["output"]["integrated_lufs"].get<double>() == Approx(-15.0).margin(0.5));
    auto file = c.Get("/api/renders/" + renderId + "/file");
    REQUIRE(file);
    REQUIRE(file->status == 200);
    CHECK(file->get_header_value("Content-Type") == "audio/wav");
    CHECK(file->get_header_value("Content-Disposition") == "attachment; filename=\"take1-smooth_rnb.wav\"");
    firstBytes = file->body;

    const std::string cliOut = o.dataDir + "/cli.wav";
    const std::string cmd = std::string(VOCALMIX_CLI) + " render " + vocalPath() +
                            " -p smooth_rnb --set reverb.decay_s=2 --target-lufs -15 --ceiling -1.5 --format wav16 -o " +
                            cliOut + " > /dev/null 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    CHECK(firstBytes == readFile(cliOut));
  }
  // A new process on the same data directory still serves the finished render.
  auto s = start(o);
  auto c = s.client();
  auto again = c.Get("/api/renders/" + renderId);
  REQUIRE(again);
  CHECK(json::parse(again->body)["status"] == "done");
  auto file = c.Get("/api/renders/" + renderId + "/file");
  REQUIRE(file);
  CHECK(file->body == firstBytes);
}

TEST_CASE("server: vocal over a beat upload equals vocalmix render --beat", "[server]") {
  ServerOptions o;
  o.dataDir = tmpDir("beat");
  auto s = start(o);
  auto c = s.client();
  const std::string vocal = upload(c);
  // The beat: the same test material at 44.1 kHz stands in for an instrumental here.
  const std::string beatPath = o.dataDir + "/beat44.wav";
  vocalmix::testing::TestVocalOptions bo;
  bo.seconds = 5.0;
  bo.sampleRate = 44100;
  vocalmix::testing::writeTestVocal(beatPath, bo);
  auto b = c.Post("/api/uploads?name=beat.wav", readFile(beatPath), "audio/wav");
  REQUIRE(b);
  REQUIRE(b->status == 201);
  const std::string beat = json::parse(b->body)["id"];
  expectError(c.Post("/api/renders", json{{"upload", vocal}, {"beat", std::string(32, 'd')}}.dump(), "application/json"), 404, "upload_not_found");
  auto res = c.Post("/api/renders", json{{"upload", vocal}, {"beat", beat}, {"preset", "trap_aggressive"}}.dump(), "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 202);
  const std::string id = json::parse(res->body)["id"];
  const json done = waitForRender(c, id);
  REQUIRE(done["status"] == "done");
  CHECK(done["report"]["duration_s"].get<double>() == Approx(5.0).margin(1e-3));  // the longer input
  auto file = c.Get("/api/renders/" + id + "/file");
  REQUIRE(file);
  const std::string cliOut = o.dataDir + "/cli_beat.wav";
  const std::string cmd = std::string(VOCALMIX_CLI) + " render " + vocalPath() + " --beat " + beatPath +
                          " -p trap_aggressive -o " + cliOut + " > /dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  CHECK(file->body == readFile(cliOut));
}

TEST_CASE("server: a render interrupted by a crash is run again at start-up", "[server]") {
  ServerOptions o;
  o.dataDir = tmpDir("crash");
  std::string uploadId;
  {
    auto s = start(o);
    auto c = s.client();
    uploadId = upload(c);
  }
  // What a killed process leaves: a record saying "running", and a temp file, never a final one.
  vocalmix::server::Store store(o.dataDir);
  const std::string id = vocalmix::server::randomId();
  store.saveRender(json{{"id", id}, {"status", "running"}, {"progress", 0.4}, {"upload", uploadId},
                    {"format", "wav24"}, {"filename", "take1-modern_clean.wav"}, {"created_at", 1.0},
                    {"preset", vocalmix::bundledPreset("modern_clean").toJson()}});
  std::ofstream(o.dataDir + "/renders/" + id + ".wav.tmp-deadbeef") << "half-written";
  auto s = start(o);
  auto c = s.client();
  CHECK_FALSE(fs::exists(o.dataDir + "/renders/" + id + ".wav.tmp-deadbeef"));
  const json done = waitForRender(c, id);
  CHECK(done["status"] == "done");
  CHECK(done["resumed_after_restart"] == true);
  auto file = c.Get("/api/renders/" + id + "/file");
  REQUIRE(file);
  CHECK(file->status == 200);
  CHECK(file->body.size() > 4 * 48000 * 2 * 3);
}

TEST_CASE("server: a full queue answers 429 and a bad data directory fails at start", "[server]") {
  ServerOptions o;
  o.dataDir = tmpDir("queue");
  o.workers = 1;
  o.maxQueued = 1;
  auto s = start(o);
  auto c = s.client();
  const std::string id = upload(c);
  int accepted = 0, rejected = 0;
  for (int i = 0; i < 6; ++i) {
    auto res = c.Post("/api/renders", json{{"upload", id}}.dump(), "application/json");
    REQUIRE(res);
    if (res->status == 202) ++accepted;
    if (res->status == 429) {
      ++rejected;
      expectError(res, 429, "queue_full");
    }
  }
  CHECK(accepted >= 1);
  CHECK(rejected >= 1);
  CHECK(accepted + rejected == 6);

  ServerOptions bad;
  bad.dataDir = "/proc/vocalmix-no-such-dir";
  CHECK_THROWS_WITH(Server(bad), Catch::Matchers::Contains("/proc/vocalmix-no-such-dir"));
}
