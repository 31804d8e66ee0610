// The RapidJSON writer the analyses' JSON reports are written with, and the one helper they all
// need: a string_view as a JSON string (RapidJSON takes a pointer and a 32-bit length).
// Internal to analysis/.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string_view>

namespace policysim::analysis::internal {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

inline void writeString(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

}  // namespace policysim::analysis::internal
