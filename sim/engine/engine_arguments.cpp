#include "sim/engine/engine_arguments.hpp"

namespace dnnsim {

std::vector<std::string> engine_arguments() {
  // SimGrid announces every configuration change at INFO level; dnnsim's output is its own.
  std::vector<std::string> args{"dnnsim", "--log=root.thres:warning", "--log=root.fmt:%m%n"};
  // The bandwidth-sharing solver recomputes every flow at each event instead of keeping a
  // heap of lazily updated ones: the same times (to 1e-13 relative), and faster for these
  // iterations, where most flows change at every event (AlexNet on a fat-tree: 63 s instead
  // of 72 s at P = 16384, 0.8 s instead of 1.2 s at P = 1024).
  args.emplace_back("--cfg=network/optim:Full");
#ifdef __SANITIZE_ADDRESS__
  // AddressSanitizer cannot follow the stack switches of SimGrid's default contexts (false
  // reports); under it, each actor runs in a system thread.
  args.emplace_back("--cfg=contexts/factory:thread");
#else
  // A rank's actor needs less than 8 KiB of stack (ResNet-50 with --trace runs with 8 KiB and
  // overflows at 4 KiB); 512 KiB instead of SimGrid's 8 MiB keeps a wide margin and makes
  // AlexNet at P = 4096 about 10 % faster. An overflow still hits SimGrid's guard page.
  args.emplace_back("--cfg=contexts/stack-size:512");
#endif
  return args;
}

}  // namespace dnnsim
