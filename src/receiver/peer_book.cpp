#include "receiver/peer_book.hpp"

#include <algorithm>

namespace netgear::detail {

PeerBook::PeerBook(Milliseconds idle_after, Milliseconds warn_every)
    : idle_after_(idle_after), warn_every_(warn_every) {}

void PeerBook::accepted(int fd, std::string address, Time now) {
  // An fd already in the book was closed without its disconnect reaching us: replaced.
  open_.insert_or_assign(fd, Connection{std::move(address), now, accepts_++, 0});
  closed_.erase(fd);
}

void PeerBook::disconnected(int fd, Time now) {
  closed_.insert_or_assign(fd, now);
  const auto it = open_.find(fd);
  if (it == open_.end()) return;
  const bool was_sender = it->second.frames > 0;
  open_.erase(it);
  if (was_sender && senders() == 0) gone_since_ = now;
}

void PeerBook::frame_from(int fd, Time now) {
  const auto it = open_.find(fd);
  if (it == open_.end()) {
    // Its disconnect was read first: a sender that has already left, at that time.
    const auto closed = closed_.find(fd);
    if (closed != closed_.end() && senders() == 0 && !gone_since_) gone_since_ = closed->second;
    return;
  }
  ++it->second.frames;
  last_frame_ = now;
  gone_since_.reset();
}

std::size_t PeerBook::senders() const {
  return static_cast<std::size_t>(
      std::count_if(open_.begin(), open_.end(), [](const auto& entry) { return entry.second.frames > 0; }));
}

std::optional<PeerBook::Time> PeerBook::gone_deadline(Milliseconds grace) const {
  if (!gone_since_ || !open_.empty()) return std::nullopt;
  return *gone_since_ + grace;
}

const PeerBook::Connection* PeerBook::idle_candidate() const {
  if (senders() > 0) return nullptr;  // a peer that sent frames has the slot
  const Connection* oldest = nullptr;
  for (const auto& [fd, c] : open_) {
    if (c.frames > 0 || c.accept_index + 1 >= accepts_) continue;  // a sender, or nobody came after it
    if (last_frame_ && *last_frame_ >= c.since) continue;          // someone got through since: no slot held
    if (!oldest || c.since < oldest->since) oldest = &c;
  }
  return oldest;
}

std::optional<PeerBook::Time> PeerBook::idle_holder_due() const {
  const Connection* c = idle_candidate();
  if (!c) return std::nullopt;
  Time due = c->since + idle_after_;
  if (warned_at_) due = std::max(due, *warned_at_ + warn_every_);
  return due;
}

std::optional<PeerBook::IdlePeer> PeerBook::idle_holder(Time now) const {
  const auto due = idle_holder_due();
  if (!due || now < *due) return std::nullopt;
  const Connection* c = idle_candidate();
  return IdlePeer{c->address, std::chrono::duration_cast<Milliseconds>(now - c->since), accepts_ - c->accept_index - 1};
}

}  // namespace netgear::detail
