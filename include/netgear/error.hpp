#pragma once
/// \file
/// The exceptions netgear throws. Everything derives from netgear::Error
/// (a std::runtime_error), so `catch (const netgear::Error&)` catches them all.
///
/// Exceptions are for misuse and setup failures. Routine outcomes of a live
/// stream — end of stream, a timeout, a frame that could not be delivered —
/// are values (std::optional, SendStatus), never exceptions.

#include <stdexcept>
#include <string>

// The public API: exported from libnetgear.so (symbols are hidden by default).
#pragma GCC visibility push(default)
namespace netgear {

/// Base of every netgear exception.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An option, parameter or combination of them is invalid. what() names the
/// offending key and says what would be accepted; key() returns the key alone.
class OptionError : public Error {
 public:
  OptionError(std::string key, const std::string& problem);
  [[nodiscard]] const std::string& key() const noexcept { return key_; }

 private:
  std::string key_;
};

/// A call that the object's role does not allow: send() on a receiver,
/// recv() on a sender, or any call after close(). (vidgear raises ValueError.)
class ModeError : public Error {
 public:
  using Error::Error;
};

/// Sockets could not be set up: bind or connect refused, address in use,
/// a transport this libzmq lacks.
class SetupError : public Error {
 public:
  using Error::Error;
};

/// A sender gave up on its peer: no reply within request_timeout for
/// max_retries attempts in a row (vidgear's "Client seems to be offline").
class PeerLostError : public Error {
 public:
  using Error::Error;
};

/// A frame cannot be put on the wire as asked (empty frame, a shape that does
/// not match the Mat, an unsupported depth).
class FrameError : public Error {
 public:
  using Error::Error;
};

}  // namespace netgear
#pragma GCC visibility pop
