// The schema table expanded from VOCALMIX_PARAMS, lookups and validation with messages that
// name the parameter, the value and what would have been accepted.
#include "engine/params.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace vocalmix {

namespace {

constexpr std::array<ParamSpec, kParamCount> kSpecs = {{
#define VOCALMIX_PARAM_SPEC(name, id, label, unit, mn, mx, def, scale, choices, smooth, stage) \
  ParamSpec{id, label, unit, mn, mx, def, Scale::scale, choices, smooth, stage},
    VOCALMIX_PARAMS(VOCALMIX_PARAM_SPEC)
#undef VOCALMIX_PARAM_SPEC
}};

std::string formatNumber(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

// Edit distance, to suggest the id the user probably meant.
size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::vector<std::string> ParamSpec::choices() const {
  std::vector<std::string> out;
  std::string_view rest = choiceList;
  while (!rest.empty()) {
    const size_t bar = rest.find('|');
    out.emplace_back(rest.substr(0, bar));
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 1);
  }
  return out;
}

const std::array<ParamSpec, kParamCount>& paramSpecs() { return kSpecs; }

const ParamSpec& spec(ParamId id) { return kSpecs[static_cast<int>(id)]; }

bool isKnownParam(std::string_view id) {
  return std::any_of(kSpecs.begin(), kSpecs.end(), [&](const ParamSpec& s) { return s.id == id; });
}

ParamId findParam(std::string_view id) {
  for (int i = 0; i < kParamCount; ++i) {
    if (kSpecs[i].id == id) return static_cast<ParamId>(i);
  }
  std::vector<std::pair<size_t, std::string_view>> near;
  for (const auto& s : kSpecs) near.emplace_back(editDistance(id, s.id), s.id);
  std::sort(near.begin(), near.end());
  std::string msg = "unknown parameter '" + std::string(id) + "'";
  if (!near.empty() && near[0].first <= std::max<size_t>(3, id.size() / 3)) {
    msg += " (did you mean '" + std::string(near[0].second) + "'?)";
  }
  msg += "; 'vocalmix params' lists all parameters";
  throw ParamError(msg);
}

ParamSet::ParamSet() {
  for (int i = 0; i < kParamCount; ++i) values_[i] = kSpecs[i].defaultValue;
}

void ParamSet::set(ParamId id, double value) {
  const ParamSpec& s = spec(id);
  if (!std::isfinite(value)) {
    throw ParamError("parameter '" + std::string(s.id) + "': value is not a finite number");
  }
  if (value < s.min || value > s.max) {
    throw ParamError("parameter '" + std::string(s.id) + "': " + formatNumber(value) +
                     (s.unit.empty() ? "" : " " + std::string(s.unit)) + " is out of range [" +
                     formatNumber(s.min) + ", " + formatNumber(s.max) + "]");
  }
  if (s.isChoice() && value != std::floor(value)) {
    throw ParamError("parameter '" + std::string(s.id) + "': choice index " + formatNumber(value) +
                     " is not a whole number");
  }
  values_[static_cast<int>(id)] = value;
}

std::string describeValue(ParamId id, double value) {
  const ParamSpec& s = spec(id);
  if (s.isChoice()) {
    const auto names = s.choices();
    const int i = static_cast<int>(value);
    if (i >= 0 && i < static_cast<int>(names.size())) return names[i];
  }
  return formatNumber(value) + (s.unit.empty() ? "" : " " + std::string(s.unit));
}

}  // namespace vocalmix
