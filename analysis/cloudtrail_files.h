// Reading CloudTrail logs from disk: which files a run reads, and their bytes in chunks, gzip
// inflated (CloudTrail delivers .json.gz). The only I/O of the CloudTrail replay; the records
// themselves are read by CloudTrailReader (analysis/cloudtrail.h).
//
//   auto files = listCloudTrailFiles({"AWSLogs/", "extra.json"});
//   for (const std::string& file : files.value())
//     Status s = readCloudTrailChunks(file, [&](std::string_view chunk) { return
//     reader.feed(chunk); });
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace policysim::analysis {

using engine::Result;
using engine::Status;

// Bytes handed to the callback at a time (and the inflate buffer): memory stays bounded.
inline constexpr std::size_t kCloudTrailChunkBytes = std::size_t{1} << 20U;

// The files to read: each path in the order given ("-" is standard input); a directory is
// walked recursively and the files in it whose names end in .json, .jsonl, .ndjson or any of
// these + .gz are taken in byte order of their paths (the AWSLogs/ACCOUNT/CloudTrail/REGION/
// YYYY/MM/DD/ layout comes out by region, then time). Folders named CloudTrail-Digest
// (integrity digests, not records) are not entered. NotFound for a path that does not exist
// or a directory without log files.
[[nodiscard]] Result<std::vector<std::string>> listCloudTrailFiles(
    std::span<const std::string> paths);

// Reads the file ("-" = standard input) in chunks of at most kCloudTrailChunkBytes and hands
// each to `consume`, which returns false to stop. Gzip data (recognised by its magic bytes,
// whatever the name; several members one after another as `cat a.gz b.gz` makes) is inflated.
// NotFound when the file cannot be opened, InvalidArgument on a read or gzip error (the bytes
// before it were handed over).
[[nodiscard]] Status readCloudTrailChunks(const std::string& path,
                                          const std::function<bool(std::string_view)>& consume);

}  // namespace policysim::analysis
