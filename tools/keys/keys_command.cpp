#include "keys/keys_command.hpp"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "netgear/error.hpp"
#include "netgear/keys.hpp"

namespace netgear::tools {
namespace {

struct KeysArgs {
  std::string location;  // custom_cert_location: "" = home
  bool force = false;
  bool json = false;
  std::string name;
  std::string source;  // certificate file or Z85 key
};

void add_location(CLI::App& cmd, KeysArgs& args) {
  cmd.add_option("-l,--location", args.location,
                 "custom_cert_location: the folder holding .vidgear/ (default: your home folder)");
}

// Always on stderr (no -v needed): these let other local users in.
std::vector<std::string> warn_problems(const KeyStore& store) {
  auto problems = store.problems();
  for (const auto& problem : problems) std::cerr << "netgear keys: warning: " << problem << "\n";
  return problems;
}

void print_pairs(const KeyStore& store) {
  std::cout << "key store " << store.dir().string() << "\n";
  for (const char* name : {"server", "client"}) {
    std::cout << "  " << name << " public key " << store.public_key(name) << "\n"
              << "    " << store.public_file(name).string() << "\n"
              << "    " << store.secret_file(name).string() << " (secret)\n";
  }
}

// The store at --location; its errors name the flag, not the library option behind it.
KeyStore store_at(const std::string& location) {
  try {
    return KeyStore::at(location);
  } catch (const OptionError& e) {
    if (e.key() != "custom_cert_location") throw;
    throw OptionError("--location", "'" + location + "' is not an existing folder");
  }
}

void generate(const KeysArgs& args) {
  const KeyStore store = store_at(args.location);
  if (store.exists() && !args.force)
    throw Error("a key store already exists at " + store.dir().string() +
                "; --force replaces it (every peer using it then needs the new keys)");
  store.generate();
  warn_problems(store);
  print_pairs(store);
  std::cout << "Copy " << store.dir().string() << " to the other machine's .vidgear/keys (see README: secure mode).\n";
}

// Every file of the store checked; a malformed one stops here, named.
void show(const KeysArgs& args) {
  const KeyStore store = store_at(args.location);
  if (!store.exists()) throw Error("no key store at " + store.dir().string() + "; run `generate`");
  nlohmann::json out = {{"dir", store.dir().string()}};
  for (const char* name : {"server", "client"}) {
    std::error_code ec;
    const bool has_secret = std::filesystem::exists(store.secret_file(name), ec);
    out[name] = has_secret ? store.secret_pair(name).public_key : store.public_key(name);
    out[std::string(name) + "_secret"] = has_secret;
  }
  out["allowed"] = nlohmann::json::array();
  for (const auto& entry : store.public_keys())
    out["allowed"].push_back({{"name", entry.name}, {"public_key", entry.public_key}});
  // After the checks: a broken store is one error line, a working one lists what exposes it.
  out["warnings"] = warn_problems(store);
  if (args.json) {
    std::cout << out.dump() << "\n";
    return;
  }
  std::cout << "key store " << store.dir().string() << "\n";
  for (const char* name : {"server", "client"})
    std::cout << "  " << name << "  " << out[name].get<std::string>()
              << (out[std::string(name) + "_secret"].get<bool>() ? "  (with secret key)" : "  (public only)") << "\n";
  std::cout << "IronHouse admits (public_keys/*.key):\n";
  for (const auto& entry : out["allowed"])
    std::cout << "  " << entry["name"].get<std::string>() << "  " << entry["public_key"].get<std::string>() << "\n";
}

void add(const KeysArgs& args) {
  const KeyStore store = store_at(args.location);
  std::string key = args.source;
  if (!is_z85_key(key)) key = read_certificate(args.source).public_key;  // a file: only its public key is kept
  store.add_client(args.name, key);
  warn_problems(store);
  std::cout << "IronHouse receivers using " << store.dir().string() << " now admit " << args.name << " (" << key
            << ")\n";
}

void remove(const KeysArgs& args) {
  const KeyStore store = store_at(args.location);
  warn_problems(store);
  if (!store.remove_client(args.name))
    throw Error("no allowed client '" + args.name + "' in " + store.public_dir().string());
  std::cout << "removed " << store.public_file(args.name).string() << "\n";
}

}  // namespace

void add_keys_commands(CLI::App& app) {
  auto args = std::make_shared<KeysArgs>();
  app.require_subcommand(1);

  auto* gen = app.add_subcommand("generate", "create a key store: server and client key pairs");
  add_location(*gen, *args);
  gen->add_flag("-f,--force", args->force, "replace an existing store (its allowed client keys too)");
  gen->callback([args] { generate(*args); });

  auto* sh = app.add_subcommand("show", "check a key store and print its public keys");
  add_location(*sh, *args);
  sh->add_flag("--json", args->json, "one JSON object instead of text");
  sh->callback([args] { show(*args); });

  auto* ad = app.add_subcommand("add", "admit a client key (IronHouse): public_keys/NAME.key");
  add_location(*ad, *args);
  ad->add_option("name", args->name, "a name for the client, e.g. its host name")->required();
  ad->add_option("key", args->source, "the client's certificate file (its client.key) or its Z85 public key")
      ->required();
  ad->callback([args] { add(*args); });

  auto* rm = app.add_subcommand("remove", "stop admitting a client key: delete public_keys/NAME.key");
  add_location(*rm, *args);
  rm->add_option("name", args->name, "the name given to `add`")->required();
  rm->callback([args] { remove(*args); });
}

}  // namespace netgear::tools
