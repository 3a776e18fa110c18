#pragma once
// Reading a daily load profile: CSV with a header `hour,qps` (hours 0-23, whole or not) or
// `time,qps` (HH:MM), one period per row in increasing time order.
#include <string>

#include "llmhw/load_profile.hpp"

namespace llmhw::io {

// A data error (exit 1) naming the file and line: "day.csv:4: qps '-3' is negative".
LoadProfile parse_load_profile(const std::string& text, const std::string& path);
LoadProfile load_load_profile(const std::string& path);

}  // namespace llmhw::io
