// matchFiles — the native side of "Match a reference" (CLI and server): read the vocal and the
// reference with libsndfile (streamed, rewound between passes) and run the same fit the WASM
// build runs (render/reference_match.h).
#pragma once

#include <string>

#include "render/reference_match.h"

namespace vocalmix::render {

// The report names the files by their file names only (no directories), as the browser does.
// Throws MatchError / io::IoError with a message naming the file and the problem.
MatchResult matchFiles(const std::string& vocalPath, const std::string& referencePath,
                       const MatchAmounts& amounts, const std::string& vocalName = "",
                       const std::string& referenceName = "");

}  // namespace vocalmix::render
