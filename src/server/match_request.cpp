// POST /api/matches: validate the request completely, then run the same match as the CLI.
#include "server/match_request.h"

#include <algorithm>
#include <filesystem>
#include <iterator>

#include "io/audio_file.h"
#include "render/match_file.h"
#include "server/store.h"

namespace vocalmix::server {

using nlohmann::json;

namespace {

MatchResponse error(int status, const std::string& code, const std::string& message) {
  return {status, {{"error", {{"code", code}, {"message", message}}}}};
}

}  // namespace

MatchResponse matchRequest(const std::string& requestBody, const Store& store) {
  json body;
  try {
    body = json::parse(requestBody);
  } catch (const json::parse_error& e) {
    return error(400, "bad_json", std::string("malformed JSON: ") + e.what());
  }
  if (!body.is_object()) return error(400, "bad_request", "the request body must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    static const char* kKnown[] = {"upload", "reference", "amount"};
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
      return error(400, "bad_request", "unknown field '" + key + "' (expected upload, reference, amount)");
    }
  }
  std::optional<json> uploads[2];
  const char* fields[2] = {"upload", "reference"};
  for (int i = 0; i < 2; ++i) {
    if (!body.contains(fields[i]) || !body[fields[i]].is_string()) {
      return error(400, "bad_request", std::string("'") + fields[i] + "' (an upload id) is required");
    }
    const std::string id = body[fields[i]];
    uploads[i] = store.upload(id);
    if (!uploads[i]) {
      return error(404, "upload_not_found", "no upload with id '" + id + "'" + (i == 1 ? " (the reference)" : ""));
    }
  }
  render::MatchAmounts amounts;
  try {
    amounts = render::matchAmountsFromJson(body.value("amount", json()));
  } catch (const render::MatchError& e) {
    return error(400, "invalid_amount", e.what());
  }
  const auto path = [&](int i) { return store.blobPath((*uploads[i])["sha256"].get<std::string>()).string(); };
  const auto name = [&](int i) {
    return std::filesystem::path(uploads[i]->value("name", std::string(fields[i]))).filename().string();
  };
  try {
    const render::MatchResult m = render::matchFiles(path(0), path(1), amounts, name(0), name(1));
    return {200, {{"preset", m.preset.toJson()}, {"report", m.report}}};
  } catch (const render::MatchError& e) {
    return error(422, "unmatchable", e.what());
  } catch (const io::IoError& e) {
    return error(400, "bad_format", e.what());
  }
}

}  // namespace vocalmix::server
