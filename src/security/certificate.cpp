// ZeroMQ certificate files (ZPL text), read the way pyzmq's zmq.auth reads
// them and written the way it writes them, so stores move both ways.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>

#include "netgear/error.hpp"
#include "netgear/keys.hpp"
#include "security/curve_key.hpp"

namespace netgear {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void bad_file(const fs::path& path, const std::string& problem) {
  throw SetupError("netgear: key file " + path.string() + " " + problem);
}

std::string trim(std::string_view s, std::string_view chars) {
  const auto first = s.find_first_not_of(chars);
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(chars);
  return std::string(s.substr(first, last - first + 1));
}

// pyzmq's load_certificate: the first `public-key` / `secret-key` lines,
// value after the first '=', without spaces and quotes.
std::string value_of(const std::string& line) {
  const auto eq = line.find('=');
  return eq == std::string::npos ? std::string() : trim(std::string_view(line).substr(eq + 1), " \t'\"");
}

std::string banner(bool secret) {
  char when[32] = "";
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &local);
  std::string text = std::string("#   ****  Generated on ") + when + " by netgear  ****\n";
  if (secret)
    text +=
        "#   ZeroMQ CURVE **Secret** Certificate\n"
        "#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.\n\n";
  else
    text +=
        "#   ZeroMQ CURVE Public Certificate\n"
        "#   Exchange securely, or use a secure mechanism to verify the contents\n"
        "#   of this file after exchange. Store public certificates in your home\n"
        "#   directory, in the .curve subdirectory.\n\n";
  return text;
}

void write_all(int fd, const std::string& text, const fs::path& path) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) bad_file(path, std::string("cannot be written: ") + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

CurveKey read_certificate(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) bad_file(path, "is missing");
  if (!fs::is_regular_file(path, ec)) bad_file(path, "is not a regular file");
  std::ifstream in(path);
  if (!in) bad_file(path, std::string("cannot be read: ") + std::strerror(errno));
  CurveKey key;
  bool has_public = false, has_secret = false;
  for (std::string line; std::getline(in, line);) {
    line = trim(line, " \t\r");
    if (line.empty() || line.front() == '#') continue;
    if (!has_public && line.rfind("public-key", 0) == 0) {
      key.public_key = value_of(line);
      has_public = true;
    } else if (!has_secret && line.rfind("secret-key", 0) == 0) {
      key.secret_key = value_of(line);
      has_secret = true;
    }
  }
  if (in.bad()) bad_file(path, "cannot be read");
  if (!has_public) bad_file(path, "is not a ZeroMQ certificate: it has no public-key line");
  if (!is_z85_key(key.public_key)) bad_file(path, "has a public-key that is not a 40-character Z85 key");
  if (has_secret) {
    const auto derived = security::public_of(key.secret_key);
    if (!derived) bad_file(path, "has a secret-key that is not a 40-character Z85 key");
    if (*derived != key.public_key) bad_file(path, "has a secret-key that does not belong to its public-key");
  }
  return key;
}

void write_certificate(const fs::path& path, const CurveKey& key) {
  if (!is_z85_key(key.public_key)) bad_file(path, "not written: the public key is not a 40-character Z85 key");
  const bool secret = !key.secret_key.empty();
  std::string text = banner(secret) + "metadata\ncurve\n    public-key = \"" + key.public_key + "\"\n";
  if (secret) text += "    secret-key = \"" + key.secret_key + "\"\n";

  const mode_t mode = secret ? 0600 : 0644;
  const fs::path temp = path.string() + ".tmp" + std::to_string(::getpid());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) bad_file(path, std::string("cannot be created: ") + std::strerror(errno));
  try {
    if (::fchmod(fd, mode) != 0) bad_file(path, std::string("cannot be protected: ") + std::strerror(errno));
    write_all(fd, text, path);
  } catch (...) {
    ::close(fd);
    ::unlink(temp.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    bad_file(path, std::string("cannot be replaced: ") + std::strerror(err));
  }
}

}  // namespace netgear
