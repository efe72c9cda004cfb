// `make bench`: prints speed and memory figures. Targets live here, never in unit tests.
#include <cstdio>

namespace dnnsim::bench {
void analytic();
void split_search();
}  // namespace dnnsim::bench

int main() {
  dnnsim::bench::analytic();
  dnnsim::bench::split_search();
  return 0;
}
