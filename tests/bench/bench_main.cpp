// `make bench`: prints speed and memory figures. Targets live here, never in unit tests.
#include <cstdio>

namespace dnnsim::bench {
void analytic();
}

int main() {
  dnnsim::bench::analytic();
  return 0;
}
