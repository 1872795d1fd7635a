// POST /api/matches — "Match a reference (beta)" over HTTP:
//   {"upload": ID, "reference": UPLOAD_ID, "amount": {"tone": 100, "dynamics": 80, …}}
//   → 200 {"preset": {name, description, params}, "report": {…}}
// Runs synchronously (a few seconds: the fit listens to at most render::kMatchFitSeconds of the
// vocal). Every error is the API's JSON error: 400 bad_json / bad_request / invalid_amount /
// bad_format, 404 upload_not_found, 422 unmatchable (a silent or corrupt reference or vocal).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace vocalmix::server {

class Store;

struct MatchResponse {
  int status = 200;
  nlohmann::json body;  // the result, or {"error": {"code", "message"}}
};

MatchResponse matchRequest(const std::string& requestBody, const Store& store);

}  // namespace vocalmix::server
