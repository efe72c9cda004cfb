#pragma once
// Reproducible random data that any process can generate piecewise: value i of stream
// `stream` depends only on (seed, stream, i), so a process makes its block of weights or
// samples without making the rest, and every block equals the single process's.

#include <cstdint>

namespace dnnsim::kernels {

/// Uniform in [-1, 1), from SplitMix64's finalizer over the three keys.
[[nodiscard]] inline float seeded_value(std::uint64_t seed, std::uint64_t stream,
                                        std::uint64_t index) noexcept {
  std::uint64_t z = seed * 0x9E3779B97F4A7C15ULL ^ (stream + 1) * 0xBF58476D1CE4E5B9ULL ^
                    (index + 1) * 0x94D049BB133111EBULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  // The top 24 bits as a float in [0, 1), then to [-1, 1).
  return static_cast<float>(z >> 40) * (2.0F / 16777216.0F) - 1.0F;
}

}  // namespace dnnsim::kernels
