// The main() of the <target>_replay programs (builds without libFuzzer, e.g.
// GCC): feeds each file named on the command line, and every file under each
// folder named (recursively, in name order), to LLVMFuzzerTestOneInput. CTest
// runs it over the seed corpus, so every input that ever crashed stays fixed.
// Exit status: 0 after running every input; 1 when there was no input; 2 for
// a path that is neither a file nor a folder. A crash is the input's failure.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

// The input in a buffer of exactly its size, so that a sanitizer sees overreads.
std::unique_ptr<std::uint8_t[]> read_file(const std::filesystem::path& path, std::size_t& size) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size = bytes.size();
  auto buffer = std::make_unique<std::uint8_t[]>(size);
  std::copy(bytes.begin(), bytes.end(), buffer.get());
  return buffer;
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const fs::path path(argv[i]);
    std::error_code error;
    if (fs::is_directory(path, error)) {
      std::vector<fs::path> found;
      for (const auto& entry : fs::recursive_directory_iterator(path))
        if (entry.is_regular_file()) found.push_back(entry.path());
      std::sort(found.begin(), found.end());
      inputs.insert(inputs.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(path, error)) {
      inputs.push_back(path);
    } else {
      std::fprintf(stderr, "replay: %s is neither a file nor a folder\n", argv[i]);
      return 2;
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "usage: %s FILE_OR_FOLDER...: runs every input through the fuzz target; got no input\n",
                 argv[0]);
    return 1;
  }
  for (const auto& path : inputs) {
    std::size_t size = 0;
    const auto data = read_file(path, size);
    std::printf("replay: %s (%zu bytes)\n", path.c_str(), size);
    std::fflush(stdout);
    LLVMFuzzerTestOneInput(data.get(), size);
  }
  std::printf("replay: ran %zu inputs\n", inputs.size());
  return 0;
}
