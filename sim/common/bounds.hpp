#pragma once
// The largest numbers dnnsim accepts from its inputs. Far beyond any machine or network, and
// small enough that the arithmetic done on them never overflows (a bad input is an error,
// never undefined behaviour or a wrapped-around count).

#include <cstdint>

namespace dnnsim {

/// The largest integer read from a file or an option (P, nodes, batch, a layer's sizes):
/// 2^40 = 1,099,511,627,776. A product of two of them still fits in 64 bits.
inline constexpr std::int64_t kMaxInteger = std::int64_t{1} << 40;

/// The largest count derived from them (elements per sample, parameters of a layer or of
/// the network): 2^53 = 9,007,199,254,740,992, the last integer a double holds exactly.
inline constexpr std::int64_t kMaxCount = std::int64_t{1} << 53;

}  // namespace dnnsim
