#include "sim/kernels/local/gemm_shapes.hpp"

namespace dnnsim::kernels {

std::vector<GemmShape> gemm_shapes(const Network& network, Count batch) {
  std::vector<GemmShape> shapes;
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    const Layer& l = network.layers[i];
    const bool dx = network.params_upstream[i];
    if (l.type == LayerType::linear) {
      const Count d = l.in_shape.elements();
      shapes.push_back({l.name, "forward", Trans::no, Trans::yes, batch, l.out_features, d});
      shapes.push_back({l.name, "weight_grad", Trans::yes, Trans::no, l.out_features, d, batch});
      if (dx)
        shapes.push_back({l.name, "input_grad", Trans::no, Trans::no, batch, d, l.out_features});
    } else if (l.type == LayerType::conv2d) {
      const Count fan_in = l.in_shape.channels() / l.groups * l.kernel.h * l.kernel.w;
      const Count columns = batch * l.out_shape.height() * l.out_shape.width();
      const Count m = l.out_channels;
      shapes.push_back({l.name, "forward", Trans::no, Trans::no, m, columns, fan_in});
      shapes.push_back({l.name, "weight_grad", Trans::no, Trans::yes, m, fan_in, columns});
      if (dx) shapes.push_back({l.name, "input_grad", Trans::yes, Trans::no, fan_in, columns, m});
    }
  }
  return shapes;
}

}  // namespace dnnsim::kernels
