// Routes of the HTTP API. Requests are validated completely before anything is queued or
// stored; ids are checked against their format before any path is built from them.
#include "server/server.h"

#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "engine/preset.h"
#include "io/audio_file.h"
#include "render/render_file.h"
#include "server/access.h"
#include "server/guarded_http_server.h"
#include "server/match_request.h"
#include "server/render_jobs.h"
#include "server/store.h"

namespace vocalmix::server {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void sendJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  // Requests may carry invalid UTF-8 (a path, a file name) that ends up in a message: replace
  // it rather than throw — a throw here, in the error handler, would terminate the server.
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void sendError(httplib::Response& res, int status, const std::string& code,
               const std::string& message) {
  sendJson(res, status, {{"error", {{"code", code}, {"message", message}}}});
}

// Streams a file from disk without holding it in memory.
void sendFile(httplib::Response& res, const fs::path& path, const std::string& contentType) {
  const auto size = static_cast<size_t>(fs::file_size(path));
  auto in = std::make_shared<std::ifstream>(path, std::ios::binary);
  res.set_content_provider(size, contentType,
                           [in](size_t offset, size_t length, httplib::DataSink& sink) {
                             std::vector<char> buf(std::min<size_t>(length, 1 << 16));
                             in->seekg(static_cast<std::streamoff>(offset));
                             in->read(buf.data(), static_cast<std::streamsize>(buf.size()));
                             const auto n = static_cast<size_t>(in->gcount());
                             if (n == 0) return false;
                             sink.write(buf.data(), n);
                             return true;
                           });
}

// A file name safe for Content-Disposition: letters, digits, '-', '_', '.'.
std::string safeName(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    out += ok ? c : '_';
  }
  return out.empty() ? "vocal" : out.substr(0, 80);
}

// Builds the job from a POST /api/renders body; throws ParamError / io::IoError / the
// messages below, all turned into 400s by the caller.
struct BadRequest : std::runtime_error {
  std::string code;
  int status;
  BadRequest(int s, std::string c, const std::string& m)
      : std::runtime_error(m), code(std::move(c)), status(s) {}
};

json buildJob(const json& body, const Store& store) {
  if (!body.is_object()) throw BadRequest(400, "bad_request", "the request body must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    static const char* kKnown[] = {"upload", "beat", "preset", "params", "target_lufs", "ceiling_dbtp", "format"};
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
      throw BadRequest(400, "bad_request", "unknown field '" + key + "' (expected upload, beat, preset, params, target_lufs, ceiling_dbtp, format)");
    }
  }
  if (!body.contains("upload") || !body["upload"].is_string()) {
    throw BadRequest(400, "bad_request", "'upload' (an upload id) is required");
  }
  const std::string uploadId = body["upload"];
  const auto upload = store.upload(uploadId);
  if (!upload) throw BadRequest(404, "upload_not_found", "no upload with id '" + uploadId + "'");

  Preset preset;
  const json presetArg = body.value("preset", json("modern_clean"));
  if (presetArg.is_string()) {
    try {
      preset = bundledPreset(presetArg.get<std::string>());
    } catch (const ParamError& e) {
      throw BadRequest(400, "unknown_preset", e.what());
    }
  } else if (presetArg.is_object()) {
    preset = Preset::fromJson(presetArg, "preset");
  } else {
    throw BadRequest(400, "bad_request", "'preset' must be a preset name or a preset object");
  }
  if (body.contains("params")) {
    if (!body["params"].is_object()) throw BadRequest(400, "bad_request", "'params' must be an object of id: value");
    for (const auto& [id, value] : body["params"].items()) {
      setParamFromJson(preset.params, id, value, "params");
    }
  }
  json job = {{"upload", uploadId}, {"format", body.value("format", std::string("wav24"))}};
  if (body.contains("beat")) {
    if (!body["beat"].is_string()) throw BadRequest(400, "bad_request", "'beat' must be an upload id");
    if (!store.upload(body["beat"].get<std::string>())) {
      throw BadRequest(404, "upload_not_found", "no upload with id '" + body["beat"].get<std::string>() + "' (the beat)");
    }
    job["beat"] = body["beat"];
  }
  if (!job["format"].is_string()) throw BadRequest(400, "bad_request", "'format' must be a string");
  const io::OutputFormat format = io::parseOutputFormat(job["format"]);
  for (const char* key : {"target_lufs", "ceiling_dbtp"}) {
    if (!body.contains(key)) continue;
    if (!body[key].is_number()) throw BadRequest(400, "bad_request", std::string("'") + key + "' must be a number");
    // Validated against the schema's range now, not when the job runs.
    ParamSet probe = preset.params;
    probe.set(key == std::string("target_lufs") ? ParamId::OutputTarget : ParamId::OutputCeiling, body[key].get<double>());
    job[key] = body[key];
  }
  job["preset"] = preset.toJson();
  // The delay follows the music's tempo unless the request chose one (the web app sends the
  // tempo it detected with the same code, so preview and delivery agree either way).
  job["detect_tempo"] = !job["preset"]["params"].contains("delay.bpm");
  const std::string stem = fs::path(upload->value("name", std::string("vocal"))).stem().string();
  job["filename"] = safeName(stem + "-" + preset.name) + (format == io::OutputFormat::Flac ? ".flac" : ".wav");
  return job;
}

}  // namespace

Server::Server(ServerOptions options) : options_(std::move(options)) {
  store_ = std::make_unique<Store>(options_.dataDir);
  jobs_ = std::make_unique<RenderJobs>(*store_, options_.workers, options_.maxQueued);
  uploadSlots_ = std::make_unique<UploadSlots>(options_.maxUploadsPerClient);
  ConnectionLimits limits;
  limits.idleTimeoutS = options_.timeoutS;
  limits.headTimeoutS = options_.timeoutS;
  limits.bodyGraceS = options_.timeoutS;
  limits.maxBodyBytes = (options_.maxUploadMb + 1) * 1024 * 1024;  // + multipart/chunk framing
  http_ = std::make_unique<GuardedHttpServer>(limits);
  // More connection threads than httplib's default (8 here): a few slow clients, each bounded
  // by the connection limits above, cannot occupy every thread.
  http_->new_task_queue = [] { return new httplib::ThreadPool(32); };
  routes();
}

Server::~Server() { stop(); }

void Server::routes() {
  auto& http = *http_;
  const size_t maxUpload = options_.maxUploadMb * 1024 * 1024;
  http.set_payload_max_length(maxUpload);
  http.set_default_headers({{"X-Content-Type-Options", "nosniff"}});
  // The optional API token guards every write (reads stay open, so downloads work as links).
  // Checked before the body is read: a refused upload costs the server nothing.
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    const bool write = req.method == "POST" || req.method == "PUT" || req.method == "PATCH" || req.method == "DELETE";
    if (options_.token.empty() || !write || req.path.rfind("/api/", 0) != 0) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    if (bearerTokenMatches(options_.token, req.get_header_value("Authorization"))) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    GuardedHttpServer::closeConnectionAfterResponse();
    res.set_header("WWW-Authenticate", "Bearer");
    sendError(res, 401, "unauthorized",
              req.has_header("Authorization") ? "the API token is wrong (send 'Authorization: Bearer <token>')"
                                              : "this server requires an API token for " + req.method +
                                                    " requests: send 'Authorization: Bearer <token>'");
    return httplib::Server::HandlerResponse::Handled;
  });

  http.Get("/api/health", [](const httplib::Request&, httplib::Response& res) {
    sendJson(res, 200, {{"status", "ok"}, {"version", VOCALMIX_VERSION}});
  });
  http.Get("/api/params", [](const httplib::Request&, httplib::Response& res) {
    sendJson(res, 200, schemaJson());
  });
  http.Get("/api/presets", [](const httplib::Request&, httplib::Response& res) {
    json out = json::array();
    for (const auto& p : bundledPresets()) out.push_back(p.toJson());
    sendJson(res, 200, out);
  });

  // Reads its own body (a content-reader handler), so that the per-client cap is counted while
  // the bytes arrive, not after.
  http.Post("/api/uploads", [this](const httplib::Request& req, httplib::Response& res,
                                   const httplib::ContentReader& content) {
    const auto slot = uploadSlots_->acquire(req.remote_addr);
    if (!slot) {
      GuardedHttpServer::closeConnectionAfterResponse();
      res.set_header("Retry-After", "5");
      return sendError(res, 429, "too_many_uploads",
                       "this client already has " + std::to_string(uploadSlots_->perClient()) +
                           " uploads in progress (the server's limit per client); retry when one has finished");
    }
    std::string name = req.has_param("name") ? req.get_param_value("name") : "upload";
    std::string body;
    bool received = false, multipartFile = false, tooLarge = false;
    const size_t maxBytes = options_.maxUploadMb * 1024 * 1024;
    // httplib enforces the limit on Content-Length only; a chunked body is counted here.
    auto keep = [&](const char* data, size_t n) {
      if (body.size() + n > maxBytes) {
        tooLarge = true;
        return false;
      }
      body.append(data, n);
      return true;
    };
    if (req.is_multipart_form_data()) {
      int fileParts = 0;
      bool inFile = false;
      received = content(
          [&](const httplib::MultipartFormData& part) {
            inFile = part.name == "file" && ++fileParts == 1;  // the first 'file' field only
            if (inFile && !part.filename.empty()) name = part.filename;
            return true;
          },
          [&](const char* data, size_t n) { return !inFile || keep(data, n); });
      multipartFile = fileParts > 0;
    } else {
      received = content(keep);
    }
    if (!received) {
      GuardedHttpServer::closeConnectionAfterResponse();
      if (res.status == 413 || tooLarge) {
        return sendError(res, 413, "too_large", "the upload is larger than the server's limit of " +
                                                    std::to_string(options_.maxUploadMb) + " MB");
      }
      return sendError(res, 400, "incomplete_upload", "the upload did not arrive completely (or its multipart body is malformed)");
    }
    if (req.is_multipart_form_data() && !multipartFile) {
      return sendError(res, 400, "bad_request", "multipart upload without a 'file' field");
    }
    const std::string* bytes = &body;
    if (bytes->empty()) return sendError(res, 400, "empty_upload", "the upload is empty");
    json info;
    try {
      auto reader = io::AudioReader::fromMemory(std::vector<uint8_t>(bytes->begin(), bytes->end()), name);
      const auto& i = reader.info();
      if (i.sampleRate < render::kMinSampleRate || i.sampleRate > render::kMaxSampleRate) {
        return sendError(res, 400, "unsupported_rate",
                         "'" + name + "': sample rate " + std::to_string(i.sampleRate) +
                             " Hz is outside the supported 22050–192000 Hz");
      }
      if (i.durationSeconds() > options_.maxDurationS) {
        char limit[64];
        std::snprintf(limit, sizeof limit, "%.1f s long; the server's limit is %g s", i.durationSeconds(), options_.maxDurationS);
        return sendError(res, 413, "too_long", "'" + name + "' is " + limit + " (--max-duration)");
      }
      info = {{"name", fs::path(name).filename().string()}, {"sample_rate", i.sampleRate},
              {"channels", i.channels}, {"frames", i.frames}, {"duration_s", i.durationSeconds()},
              {"format", i.container + " " + i.encoding}};
    } catch (const io::IoError& e) {
      return sendError(res, 400, "not_audio", e.what());
    }
    json record;
    try {
      record = store_->putUpload(*bytes, info);
    } catch (const std::exception& e) {  // StoreError, std::filesystem::filesystem_error
      // The details name server paths: they go to the log, not to the client.
      std::cerr << "vocalmix-server: storing an upload failed: " << e.what() << std::endl;
      return sendError(res, 507, "storage_error", "the server could not store the upload: its disk is full or not writable");
    }
    record.erase("sha256");
    sendJson(res, 201, record);
  });

  http.Get(R"(/api/uploads/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    const auto upload = store_->upload(req.matches[1]);
    if (!upload) return sendError(res, 404, "not_found", "no upload with that id");
    sendFile(res, store_->blobPath((*upload)["sha256"]), "application/octet-stream");
  });

  http.Post("/api/renders", [this](const httplib::Request& req, httplib::Response& res) {
    json body;
    try {
      body = json::parse(req.body);
    } catch (const json::parse_error& e) {
      return sendError(res, 400, "bad_json", std::string("malformed JSON: ") + e.what());
    }
    json job;
    try {
      job = buildJob(body, *store_);
    } catch (const BadRequest& e) {
      return sendError(res, e.status, e.code, e.what());
    } catch (const ParamError& e) {
      return sendError(res, 400, "invalid_param", e.what());
    } catch (const io::IoError& e) {
      return sendError(res, 400, "bad_format", e.what());
    }
    std::optional<json> queued;
    try {
      queued = jobs_->submit(job);
    } catch (const StoreError& e) {
      std::cerr << "vocalmix-server: storing a render request failed: " << e.what() << std::endl;
      return sendError(res, 507, "storage_error", "the server could not store the render request: its disk is full or not writable");
    }
    if (!queued) {
      res.set_header("Retry-After", "10");
      return sendError(res, 429, "queue_full", "the render queue is full; try again shortly");
    }
    sendJson(res, 202, {{"id", (*queued)["id"]}, {"status", "queued"}});
  });

  // Match a reference (beta): the fitted preset and the report (server/match_request.h).
  http.Post("/api/matches", [this](const httplib::Request& req, httplib::Response& res) {
    const MatchResponse r = matchRequest(req.body, *store_);
    sendJson(res, r.status, r.body);
  });

  http.Get(R"(/api/renders/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    const auto record = jobs_->status(req.matches[1]);
    if (!record) return sendError(res, 404, "not_found", "no render with that id");
    json out = {{"id", (*record)["id"]}, {"status", (*record)["status"]},
                {"progress", record->value("progress", 0.0)}, {"upload", (*record)["upload"]},
                {"preset", (*record)["preset"]["name"]}, {"format", (*record)["format"]},
                {"filename", (*record)["filename"]}};
    for (const char* key : {"report", "error", "resumed_after_restart"}) {
      if (record->contains(key)) out[key] = (*record)[key];
    }
    sendJson(res, 200, out);
  });

  http.Get(R"(/api/renders/([^/]+)/file)", [this](const httplib::Request& req, httplib::Response& res) {
    const auto record = jobs_->status(req.matches[1]);
    if (!record) return sendError(res, 404, "not_found", "no render with that id");
    if ((*record)["status"] != "done") {
      return sendError(res, 409, "not_ready", "the render is " + (*record)["status"].get<std::string>());
    }
    const fs::path file = store_->root() / "renders" / (*record)["file"].get<std::string>();
    if (!fs::exists(file)) return sendError(res, 410, "gone", "the rendered file is missing on the server");
    const bool flac = file.extension() == ".flac";
    res.set_header("Content-Disposition",
                   "attachment; filename=\"" + (*record)["filename"].get<std::string>() + "\"");
    sendFile(res, file, flac ? "audio/flac" : "audio/wav");
  });

  if (!options_.wasmRoot.empty() && fs::is_directory(options_.wasmRoot)) {
    http.set_mount_point("/wasm", options_.wasmRoot);
  }
  if (!options_.webRoot.empty() && fs::is_directory(options_.webRoot)) {
    http.set_mount_point("/", options_.webRoot);
  }
  http.set_file_extension_and_mimetype_mapping("mjs", "text/javascript");
  http.set_file_extension_and_mimetype_mapping("wasm", "application/wasm");

  http.set_error_handler([maxUpload](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;  // a route already wrote its JSON error
    if (res.status == 413) {
      sendError(res, 413, "too_large", "the upload is larger than the server's limit of " +
                                           std::to_string(maxUpload / (1024 * 1024)) + " MB");
    } else if (res.status == 404) {
      sendError(res, 404, "not_found", "nothing at " + req.path);
    } else {
      sendError(res, res.status, "http_error", "request failed with status " + std::to_string(res.status));
    }
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string message = "internal error";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      message = e.what();
    } catch (...) {
    }
    sendError(res, 500, "internal", message);
  });
}

bool Server::bind() {
  if (bound_) return true;
  if (!http_->bind_to_port(options_.host, options_.port)) return false;
  http_->widenListenBacklog(256);
  bound_ = true;
  return true;
}

bool Server::listen() { return bind() && http_->listen_after_bind(); }

int Server::startInBackground() {
  int port = options_.port;
  if (port == 0) {
    port = http_->bind_to_any_port(options_.host);
  } else if (!http_->bind_to_port(options_.host, port)) {
    return -1;
  }
  if (port < 0) return -1;
  http_->widenListenBacklog(256);
  thread_ = std::thread([this] { http_->listen_after_bind(); });
  while (!http_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return port;
}

std::string Server::handleRawRequest(const std::string& request, const std::string& remoteIp) {
  return http_->processRaw(request, remoteIp);
}

void Server::stop() {
  if (http_) http_->stop();
  if (thread_.joinable()) thread_.join();
  jobs_.reset();
}

}  // namespace vocalmix::server
