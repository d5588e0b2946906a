// Secure mode's key material: Z85 keys, certificate files as pyzmq/czmq write
// them, the vidgear store layout, and the authenticator's decisions.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "netgear/error.hpp"
#include "netgear/keys.hpp"
#include "security/authenticator.hpp"
#include "security/curve_key.hpp"
#include "support/test_support.hpp"

namespace netgear {
namespace {

namespace fs = std::filesystem;
using test::setup_error;
using test::TempDir;

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

void write_text(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Key generation needs a libzmq with CURVE; without one these tests skip.
class Keys : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!curve_supported()) GTEST_SKIP() << "this libzmq has no CURVE";
  }
};
class CurveKeyTest : public Keys {};
class Certificate : public Keys {};
class KeyStoreTest : public Keys {};
class AuthenticatorTest : public Keys {};

TEST_F(CurveKeyTest, GeneratedPairsAreZ85AndDistinct) {
  const CurveKey a = generate_curve_key(), b = generate_curve_key();
  EXPECT_TRUE(is_z85_key(a.public_key));
  EXPECT_TRUE(is_z85_key(a.secret_key));
  EXPECT_NE(a.public_key, b.public_key);
  EXPECT_EQ(security::public_of(a.secret_key), a.public_key);
}

TEST_F(CurveKeyTest, Z85CheckRejectsWrongLengthAndAlphabet) {
  const std::string key = generate_curve_key().public_key;
  EXPECT_FALSE(is_z85_key(key.substr(1)));
  EXPECT_FALSE(is_z85_key(key + "a"));
  EXPECT_FALSE(is_z85_key(std::string(40, ' ')));
  EXPECT_FALSE(is_z85_key(std::string(39, 'a') + "\""));
  EXPECT_EQ(security::encode_key(security::decode_key(key)), key);
}

TEST(CurveKey, MissingCurveSupportIsAClearError) {
  EXPECT_NO_THROW(security::require_curve(true));
  const auto text = setup_error([] { security::require_curve(false); });
  EXPECT_TRUE(mentions(text, "CURVE")) << text;
  EXPECT_TRUE(mentions(text, "secure_mode 0")) << text;
}

TEST_F(Certificate, RoundTripsAndProtectsTheSecretFile) {
  TempDir dir;
  const CurveKey key = generate_curve_key();
  write_certificate(dir.path() / "a.key_secret", key);
  write_certificate(dir.path() / "a.key", {key.public_key, {}});
  const CurveKey secret = read_certificate(dir.path() / "a.key_secret");
  EXPECT_EQ(secret.public_key, key.public_key);
  EXPECT_EQ(secret.secret_key, key.secret_key);
  const CurveKey pub = read_certificate(dir.path() / "a.key");
  EXPECT_EQ(pub.public_key, key.public_key);
  EXPECT_TRUE(pub.secret_key.empty());
  EXPECT_EQ(mode_of(dir.path() / "a.key_secret"), 0600u);
  EXPECT_EQ(mode_of(dir.path() / "a.key"), 0644u);
}

TEST_F(Certificate, ReadsWhatPyzmqAndCzmqWrite) {
  TempDir dir;
  const CurveKey key = generate_curve_key();
  // zmq.auth.create_certificates (pyzmq 24): banner, metadata, curve section, double quotes.
  write_text(dir.path() / "py.key_secret",
             "#   ****  Generated on 2026-11-25 10:00:00.000000 by pyzmq  ****\n"
             "#   ZeroMQ CURVE **Secret** Certificate\n"
             "#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.\n\n"
             "metadata\ncurve\n    public-key = \"" + key.public_key + "\"\n    secret-key = \"" + key.secret_key + "\"\n");
  // A hand-edited file: tabs, CRLF, single quotes, metadata values.
  write_text(dir.path() / "hand.key",
             "metadata\r\n\tname = \"cam-1\"\r\ncurve\r\n\tpublic-key = '" + key.public_key + "'\r\n");
  EXPECT_EQ(read_certificate(dir.path() / "py.key_secret").secret_key, key.secret_key);
  EXPECT_EQ(read_certificate(dir.path() / "hand.key").public_key, key.public_key);
}

TEST_F(Certificate, EveryDefectNamesTheFile) {
  TempDir dir;
  const CurveKey key = generate_curve_key(), other = generate_curve_key();
  const auto file = [&](const char* name) { return dir.path() / name; };
  write_text(file("empty.key"), "metadata\ncurve\n");
  write_text(file("short.key"), "curve\n    public-key = \"abc\"\n");
  write_text(file("foreign.key_secret"),
             "curve\n    public-key = \"" + key.public_key + "\"\n    secret-key = \"" + other.secret_key + "\"\n");
  write_text(file("badsecret.key_secret"), "curve\n    public-key = \"" + key.public_key + "\"\n    secret-key = \"x\"\n");
  const std::pair<const char*, const char*> cases[] = {
      {"missing.key", "is missing"},
      {"empty.key", "no public-key"},
      {"short.key", "public-key that is not a 40-character Z85 key"},
      {"foreign.key_secret", "does not belong to its public-key"},
      {"badsecret.key_secret", "secret-key that is not a 40-character Z85 key"},
  };
  for (const auto& [name, problem] : cases) {
    const auto text = setup_error([&] { read_certificate(file(name)); });
    EXPECT_TRUE(mentions(text, file(name).string())) << name << ": " << text;
    EXPECT_TRUE(mentions(text, problem)) << name << ": " << text;
  }
}

TEST_F(KeyStoreTest, LocationFollowsVidgear) {
  TempDir dir;
  EXPECT_EQ(KeyStore::at(dir.str()).dir(), dir.path() / ".vidgear" / "keys");
  EXPECT_EQ(KeyStore::at(dir.str() + "/").dir(), dir.path() / ".vidgear" / "keys");
  fs::create_directory(dir.path() / ".vidgear");
  EXPECT_EQ(KeyStore::at((dir.path() / ".vidgear").string()).dir(), dir.path() / ".vidgear" / "keys");

  const char* old_home = std::getenv("HOME");
  const std::string saved = old_home ? old_home : "";
  ::setenv("HOME", dir.str().c_str(), 1);
  EXPECT_EQ(KeyStore::at("").dir(), dir.path() / ".vidgear" / "keys");
  if (old_home) ::setenv("HOME", saved.c_str(), 1);

  try {
    (void)KeyStore::at((dir.path() / "nowhere").string());
    FAIL() << "a missing custom_cert_location was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.key(), "custom_cert_location");
    EXPECT_TRUE(mentions(e.what(), "nowhere")) << e.what();
  }
}

TEST_F(KeyStoreTest, GeneratesVidgearsLayoutWithPrivateFilesProtected) {
  TempDir dir;
  const KeyStore store = KeyStore::at(dir.str());
  EXPECT_FALSE(store.exists());
  store.generate();
  EXPECT_TRUE(store.exists());
  for (const char* name : {"server", "client"}) {
    EXPECT_TRUE(fs::is_regular_file(store.dir() / "public_keys" / (std::string(name) + ".key")));
    EXPECT_TRUE(fs::is_regular_file(store.dir() / "private_keys" / (std::string(name) + ".key_secret")));
    EXPECT_EQ(mode_of(store.secret_file(name)), 0600u);
    EXPECT_EQ(store.secret_pair(name).public_key, store.public_key(name));
  }
  EXPECT_EQ(mode_of(store.private_dir()), 0700u);
  EXPECT_NE(store.public_key("server"), store.public_key("client"));
}

// Restores the process umask at the end of a test.
class Umask {
 public:
  explicit Umask(mode_t mask) : old_(::umask(mask)) {}
  ~Umask() { ::umask(old_); }
  Umask(const Umask&) = delete;
  Umask& operator=(const Umask&) = delete;

 private:
  mode_t old_;
};

TEST_F(KeyStoreTest, EveryFolderIsPrivateUnderAnOpenUmask) {
  TempDir dir;
  const KeyStore store = KeyStore::at(dir.str());
  {
    const Umask open(0);
    store.generate();
  }
  for (const fs::path& folder : {dir.path() / ".vidgear", store.dir(), store.public_dir(), store.private_dir()})
    EXPECT_EQ(mode_of(folder), 0700u) << folder;
  for (const char* name : {"server", "client"}) EXPECT_EQ(mode_of(store.secret_file(name)), 0600u);
  EXPECT_TRUE(store.problems().empty());

  // A store loosened later is reported, each problem naming its path.
  fs::permissions(store.public_dir(), fs::perms::all, fs::perm_options::replace);
  fs::permissions(store.secret_file("client"), fs::perms::owner_read | fs::perms::group_read,
                  fs::perm_options::replace);
  const auto problems = store.problems();
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_TRUE(mentions(problems[0] + problems[1], store.public_dir().string() + " is writable by other users"));
  EXPECT_TRUE(mentions(problems[0] + problems[1], store.secret_file("client").string() + " is readable"));

  // Regenerating tightens the folders it keeps, too.
  fs::permissions(store.dir(), fs::perms::all, fs::perm_options::replace);
  store.generate();
  EXPECT_EQ(mode_of(store.dir()), 0700u);
  EXPECT_TRUE(store.problems().empty());
}

TEST_F(KeyStoreTest, RegeneratingReplacesKeysAndDropsAllowedClients) {
  TempDir dir;
  const KeyStore store = KeyStore::at(dir.str());
  store.generate();
  store.add_client("cam1", generate_curve_key().public_key);
  const auto before = store.public_key("server");
  store.generate();
  EXPECT_NE(store.public_key("server"), before);
  EXPECT_FALSE(fs::exists(store.public_file("cam1")));
}

TEST_F(KeyStoreTest, AHalfCopiedPairIsRefusedNamingBothFiles) {
  TempDir a, b;
  const KeyStore sa = KeyStore::at(a.str()), sb = KeyStore::at(b.str());
  sa.generate();
  sb.generate();
  fs::copy_file(sb.public_file("server"), sa.public_file("server"), fs::copy_options::overwrite_existing);
  const auto text = setup_error([&] { (void)sa.secret_pair("server"); });
  EXPECT_TRUE(mentions(text, sa.public_file("server").string())) << text;
  EXPECT_TRUE(mentions(text, sa.secret_file("server").string())) << text;
}

TEST_F(KeyStoreTest, PublicKeysListsEveryCertificateButHiddenOnes) {
  TempDir dir;
  const KeyStore store = KeyStore::at(dir.str());
  store.generate();
  const auto cam = generate_curve_key().public_key;
  store.add_client("cam-1", cam);
  write_text(store.public_dir() / ".hidden.key", "garbage");
  write_text(store.public_dir() / "notes.txt", "garbage");
  const auto keys = store.public_keys();
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0].name, "cam-1");
  EXPECT_EQ(keys[0].public_key, cam);
  EXPECT_EQ(keys[1].name, "client");
  EXPECT_EQ(keys[2].name, "server");

  write_text(store.public_dir() / "broken.key", "curve\n");
  const auto text = setup_error([&] { (void)store.public_keys(); });
  EXPECT_TRUE(mentions(text, "broken.key")) << text;
}

TEST_F(KeyStoreTest, ClientNamesAndKeysAreChecked) {
  TempDir dir;
  const KeyStore store = KeyStore::at(dir.str());
  store.generate();
  const auto key = generate_curve_key().public_key;
  for (const char* bad : {"", "server", "client", "../x", ".hidden", "a b"})
    EXPECT_THROW(store.add_client(bad, key), OptionError) << bad;
  EXPECT_THROW(store.add_client("cam", "not-a-key"), OptionError);
  store.add_client("cam", key);
  EXPECT_EQ(read_certificate(store.public_file("cam")).public_key, key);
  EXPECT_TRUE(store.remove_client("cam"));
  EXPECT_FALSE(store.remove_client("cam"));
  EXPECT_THROW(store.remove_client("server"), OptionError);
}

using security::Authenticator;
using security::Policy;

TEST_F(AuthenticatorTest, DecidesByModeKeyAndAddress) {
  const std::string known = generate_curve_key().public_key, stranger = generate_curve_key().public_key;
  Policy stone;
  stone.mode = SecureMode::stonehouse;
  Policy iron;
  iron.mode = SecureMode::ironhouse;
  iron.allowed_keys = {known};
  Policy fenced = stone;
  fenced.allowed_addresses = {"10.0.0.7", "::1"};

  EXPECT_EQ(Authenticator::decide(&stone, "192.0.2.1", "CURVE", stranger).code, "200");
  EXPECT_EQ(Authenticator::decide(&iron, "127.0.0.1", "CURVE", known).code, "200");
  const auto refused = Authenticator::decide(&iron, "127.0.0.1", "CURVE", stranger);
  EXPECT_EQ(refused.code, "400");
  EXPECT_TRUE(mentions(refused.text, stranger)) << refused.text;
  EXPECT_EQ(Authenticator::decide(&fenced, "::1", "CURVE", stranger).code, "200");
  EXPECT_EQ(Authenticator::decide(&fenced, "127.0.0.1", "CURVE", stranger).code, "400");
  EXPECT_EQ(Authenticator::decide(&stone, "127.0.0.1", "NULL", "").code, "400");
  EXPECT_EQ(Authenticator::decide(nullptr, "127.0.0.1", "CURVE", known).code, "400");
}

}  // namespace
}  // namespace netgear
