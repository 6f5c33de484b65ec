// The web page's files and the OpenAPI document, built into the binary from server/web/ (by
// server/web/embed.cmake): nothing is read from disk or fetched at run time.

#ifndef SECONDMENT_SERVER_WEB_ASSETS_H_
#define SECONDMENT_SERVER_WEB_ASSETS_H_

#include <string_view>
#include <vector>

namespace secondment::server {

struct WebAsset {
  std::string_view path;  // "/index.html", "/app.js", "/openapi.json", ...
  std::string_view content_type;
  std::string_view body;
};

// Every built-in file.
const std::vector<WebAsset>& WebAssets();

// The file at `path`, or null.
const WebAsset* FindWebAsset(std::string_view path);

}  // namespace secondment::server

#endif  // SECONDMENT_SERVER_WEB_ASSETS_H_
