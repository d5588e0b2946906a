// The vidgear key store folder: where it is, what it holds, making it.
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "netgear/error.hpp"
#include "netgear/keys.hpp"

namespace netgear {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view own_pairs[] = {"server", "client"};

fs::path home_directory() {
  if (const char* home = std::getenv("HOME"); home && *home) return home;
  if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir && *pw->pw_dir) return pw->pw_dir;
  throw SetupError("netgear: no home directory (HOME is unset) for the secure-mode key store; "
                   "set custom_cert_location");
}

bool is_own_pair(std::string_view name) {
  return std::find(std::begin(own_pairs), std::end(own_pairs), name) != std::end(own_pairs);
}

void check_client_name(std::string_view name) {
  const bool plain = !name.empty() && name.front() != '.' && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
  if (!plain)
    throw OptionError("name", "'" + std::string(name) + "' is not a plain name (letters, digits, - _ . only)");
  if (is_own_pair(name))
    throw OptionError("name", "'" + std::string(name) +
                                  "' is the store's own key pair; give the allowed client another name");
}

// Folders of the store are private (0700) whatever the umask: a folder others
// can write lets any local user drop in a key IronHouse admits, or swap a key
// pair. Every folder from `dir` up to the store's .vidgear is created if
// missing and tightened if it is ours (vidgear's layout: nothing else lives
// there). Throws SetupError naming the folder.
void make_private_folder(const fs::path& dir, const fs::path& top) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw SetupError("netgear: cannot create the key store folder " + dir.string() + ": " + ec.message());
  for (fs::path folder = dir;; folder = folder.parent_path()) {
    struct stat st {};
    if (::stat(folder.c_str(), &st) == 0 && st.st_uid == ::geteuid() && (st.st_mode & 077) != 0 &&
        ::chmod(folder.c_str(), 0700) != 0)
      throw SetupError("netgear: cannot make the key store folder " + folder.string() + " private (chmod 700)");
    if (folder == top || !folder.has_relative_path()) break;
  }
}

}  // namespace

KeyStore KeyStore::at(const std::string& custom_cert_location) {
  fs::path base = custom_cert_location.empty() ? home_directory() : fs::path(custom_cert_location);
  if (!custom_cert_location.empty()) {
    std::error_code ec;
    if (!fs::is_directory(base, ec))
      throw OptionError("custom_cert_location", "'" + custom_cert_location + "' is not an existing folder");
  }
  base = base.lexically_normal();
  if (!base.has_filename()) base = base.parent_path();  // a trailing slash
  if (base.filename() != ".vidgear") base /= ".vidgear";
  return KeyStore(base / "keys");
}

KeyStore::KeyStore(fs::path keys_dir) : dir_(std::move(keys_dir)) {}

fs::path KeyStore::public_file(std::string_view name) const { return public_dir() / (std::string(name) + ".key"); }

fs::path KeyStore::secret_file(std::string_view name) const {
  return private_dir() / (std::string(name) + ".key_secret");
}

bool KeyStore::exists() const {
  std::error_code ec;
  return std::any_of(std::begin(own_pairs), std::end(own_pairs), [&](std::string_view name) {
    return fs::exists(public_file(name), ec) || fs::exists(secret_file(name), ec);
  });
}

void KeyStore::generate() const {
  try {
    make_private_folder(dir_, top_dir());
    fs::remove_all(public_dir());
    fs::remove_all(private_dir());
  } catch (const fs::filesystem_error& e) {
    throw SetupError("netgear: cannot create the key store " + dir_.string() + ": " + e.code().message());
  }
  make_private_folder(public_dir(), dir_);
  make_private_folder(private_dir(), dir_);
  for (auto name : own_pairs) {
    const CurveKey key = generate_curve_key();
    write_certificate(secret_file(name), key);
    write_certificate(public_file(name), {key.public_key, {}});
  }
}

CurveKey KeyStore::secret_pair(std::string_view name) const {
  const fs::path secret = secret_file(name);
  CurveKey key = read_certificate(secret);
  if (key.secret_key.empty())
    throw SetupError("netgear: key file " + secret.string() +
                     " has no secret-key line (a public certificate where the secret one belongs?)");
  const fs::path pub = public_file(name);
  std::error_code ec;
  if (fs::exists(pub, ec) && read_certificate(pub).public_key != key.public_key)
    throw SetupError("netgear: key files " + pub.string() + " and " + secret.string() +
                     " hold different key pairs (a half-copied store?); copy both from the same store");
  return key;
}

std::string KeyStore::public_key(std::string_view name) const { return read_certificate(public_file(name)).public_key; }

std::vector<KeyStore::Entry> KeyStore::public_keys() const {
  std::error_code ec;
  if (!fs::is_directory(public_dir(), ec))
    throw SetupError("netgear: key folder " + public_dir().string() + " is missing");
  std::vector<Entry> entries;
  for (const auto& file : fs::directory_iterator(public_dir())) {
    const auto& path = file.path();
    if (path.extension() != ".key" || path.filename().string().front() == '.' || !file.is_regular_file(ec))
      continue;
    entries.push_back({path.stem().string(), read_certificate(path).public_key});
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  return entries;
}

void KeyStore::add_client(std::string_view name, std::string_view public_key) const {
  check_client_name(name);
  if (!is_z85_key(public_key))
    throw OptionError("public_key", "'" + std::string(public_key) + "' is not a 40-character Z85 CURVE key");
  make_private_folder(public_dir(), top_dir());
  write_certificate(public_file(name), {std::string(public_key), {}});
}

bool KeyStore::remove_client(std::string_view name) const {
  check_client_name(name);
  std::error_code ec;
  const bool removed = fs::remove(public_file(name), ec);
  if (ec) throw SetupError("netgear: cannot remove " + public_file(name).string() + ": " + ec.message());
  return removed;
}

fs::path KeyStore::top_dir() const {
  const fs::path parent = dir_.parent_path();
  return parent.filename() == ".vidgear" ? parent : dir_;
}

std::vector<std::string> KeyStore::problems() const {
  std::vector<std::string> found;
  for (const fs::path& folder : {top_dir(), dir_, public_dir(), private_dir()}) {
    struct stat st {};
    if (::stat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    if ((st.st_mode & 022) != 0)
      found.push_back("key store folder " + folder.string() +
                      " is writable by other users: they could add a key that IronHouse admits; chmod 700 it");
    else if (st.st_uid != ::geteuid())
      found.push_back("key store folder " + folder.string() + " belongs to another user");
  }
  for (auto name : own_pairs) {
    struct stat st {};
    if (::stat(secret_file(name).c_str(), &st) == 0 && (st.st_mode & 077) != 0)
      found.push_back("secret key " + secret_file(name).string() +
                      " is readable by other users: anyone on this machine can impersonate it; chmod 600 it");
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  return found;
}

}  // namespace netgear
