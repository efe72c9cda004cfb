#pragma once
// What one process spends and sends, per layer: the payload n of each collective it takes
// part in, by phase (docs/model.md, "Where each term goes in the output"), and the time inside
// and outside communication.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace dnnsim::kernels {

/// Phases of docs/model.md, plus the backward layout changes docs/model.md treats as free
/// (docs/kernels.md): counted apart, never in comm_bytes.
enum class Account : std::uint8_t { forward, backward, gradient, halo, redistribute, unmodelled };
inline constexpr std::size_t kAccounts = 6;

struct LayerTraffic {
  std::array<double, kAccounts> bytes{};
  double comm_s = 0.0;   ///< inside collectives (packing included)
  double total_s = 0.0;  ///< forward plus backward of the layer
};

class Traffic {
 public:
  explicit Traffic(std::size_t layers) : layers_(layers) {}

  void set_layer(std::size_t layer) noexcept { current_ = layer; }
  /// Bytes are counted only while counting is on (the checked iteration).
  void set_counting(bool on) noexcept { counting_ = on; }
  void count(Account account, double bytes) noexcept {
    if (counting_) layers_[current_].bytes[static_cast<std::size_t>(account)] += bytes;
  }
  void add_comm_s(double seconds) noexcept { layers_[current_].comm_s += seconds; }
  void add_total_s(double seconds) noexcept { layers_[current_].total_s += seconds; }
  void reset_times() noexcept {
    for (LayerTraffic& l : layers_) l.comm_s = l.total_s = 0.0;
  }

  [[nodiscard]] const std::vector<LayerTraffic>& layers() const noexcept { return layers_; }
  [[nodiscard]] std::vector<LayerTraffic>& layers() noexcept { return layers_; }

 private:
  std::vector<LayerTraffic> layers_;
  std::size_t current_ = 0;
  bool counting_ = false;
};

}  // namespace dnnsim::kernels
