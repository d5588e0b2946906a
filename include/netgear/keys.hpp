#pragma once
/// \file
/// CURVE keys and the key store of secure mode, laid out as vidgear lays it
/// out so that stores move freely between netgear and Python vidgear:
///
///     <base>/.vidgear/keys/public_keys/server.key          public certificates
///     <base>/.vidgear/keys/public_keys/client.key          (IronHouse: every *.key here
///     <base>/.vidgear/keys/public_keys/<name>.key           is an allowed client)
///     <base>/.vidgear/keys/private_keys/server.key_secret   secret certificates, mode 0600
///     <base>/.vidgear/keys/private_keys/client.key_secret
///
/// Certificates are ZeroMQ's text format (ZPL, as czmq's zcert and pyzmq's
/// zmq.auth write and read it). Every reading function throws SetupError
/// naming the file and what is wrong with it.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

// The public API: exported from libnetgear.so (symbols are hidden by default).
#pragma GCC visibility push(default)
namespace netgear {

/// A CURVE key pair as Z85 text (40 characters each). `secret_key` is empty
/// for a public certificate.
struct CurveKey {
  std::string public_key;
  std::string secret_key;
};

/// True when this libzmq was built with CURVE (libsodium). Secure mode needs it.
bool curve_supported();

/// A fresh key pair. Throws SetupError when CURVE is not supported.
CurveKey generate_curve_key();

/// True when `text` is a 40-character Z85 encoding of a 32-byte key.
bool is_z85_key(std::string_view text);

/// Reads a certificate file. Throws SetupError naming `path` when it is
/// missing or unreadable, holds no valid public-key, or holds a secret-key
/// that is not valid or does not belong to the public key.
CurveKey read_certificate(const std::filesystem::path& path);

/// Writes a certificate file (replacing it atomically). With a secret key the
/// file is created readable by its owner only (0600); public files get 0644.
void write_certificate(const std::filesystem::path& path, const CurveKey& key);

/// The key store folder `<base>/.vidgear/keys` of vidgear's secure mode.
class KeyStore {
 public:
  /// The store for a `custom_cert_location`: "" means the home directory;
  /// ".vidgear" is appended unless the path already ends in it (as vidgear).
  /// Throws OptionError("custom_cert_location") when the base folder does not
  /// exist, and SetupError when no home directory is known.
  static KeyStore at(const std::string& custom_cert_location);

  /// A store in exactly this `.../keys` folder.
  explicit KeyStore(std::filesystem::path keys_dir);

  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }
  [[nodiscard]] std::filesystem::path public_dir() const { return dir_ / "public_keys"; }
  [[nodiscard]] std::filesystem::path private_dir() const { return dir_ / "private_keys"; }
  /// public_keys/<name>.key
  [[nodiscard]] std::filesystem::path public_file(std::string_view name) const;
  /// private_keys/<name>.key_secret
  [[nodiscard]] std::filesystem::path secret_file(std::string_view name) const;

  /// True when any of the four standard files (server/client, public/secret) exists.
  [[nodiscard]] bool exists() const;

  /// Deletes public_keys/ and private_keys/ (allowed client keys included, as
  /// vidgear's overwrite_cert does) and writes fresh server and client pairs.
  /// Every folder of the store (.vidgear, keys, public_keys, private_keys) is
  /// made 0700 whatever the umask (existing ones too, when they are the
  /// caller's); secret key files are 0600. Throws SetupError naming a folder
  /// it cannot create or protect.
  void generate() const;

  /// private_keys/<name>.key_secret, checked against public_keys/<name>.key
  /// when that exists (a half-copied store fails here, naming both files).
  [[nodiscard]] CurveKey secret_pair(std::string_view name) const;
  /// The public key of public_keys/<name>.key.
  [[nodiscard]] std::string public_key(std::string_view name) const;

  /// An allowed client: the certificate's name (file stem) and public key.
  struct Entry {
    std::string name;
    std::string public_key;
  };
  /// Every public_keys/*.key (hidden files skipped, as pyzmq's loader does),
  /// sorted by name. IronHouse admits exactly these keys.
  [[nodiscard]] std::vector<Entry> public_keys() const;

  /// What makes this store unsafe, one sentence each naming the path and the
  /// fix: a folder of the store writable by other users (they could add a
  /// key IronHouse admits) or owned by another user, a secret key file
  /// readable by other users. Empty when none (or the store is missing).
  /// Never throws for missing files.
  [[nodiscard]] std::vector<std::string> problems() const;

  /// Writes public_keys/<name>.key for an allowed client (public_keys/ made
  /// 0700 if it is created). Throws OptionError
  /// for a name that is not a plain file stem, or is "server" / "client"
  /// (those belong to the store's own pairs), or an invalid key.
  void add_client(std::string_view name, std::string_view public_key) const;
  /// Deletes public_keys/<name>.key; false when there was none.
  bool remove_client(std::string_view name) const;

 private:
  // The store's top folder: the .vidgear above dir_, or dir_ itself.
  [[nodiscard]] std::filesystem::path top_dir() const;

  std::filesystem::path dir_;
};

}  // namespace netgear
#pragma GCC visibility pop
