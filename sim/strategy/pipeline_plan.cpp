#include "sim/strategy/pipeline_plan.hpp"

#include "sim/common/error.hpp"
#include "sim/strategy/stage_cuts.hpp"

namespace dnnsim {

PipelinePlan make_pipeline(const Network& network, std::int64_t stages, std::int64_t microbatches,
                           const Schedule& schedule) {
  PipelinePlan p;
  p.stages = stages;
  p.microbatches = microbatches;
  p.schedule = schedule;
  if (const std::string problem = schedule_problem(schedule, stages, microbatches);
      !problem.empty()) {
    throw InputError("", std::nullopt,
                     schedule.kind == ScheduleKind::interleaved ? "--schedule" : "--microbatches",
                     problem);
  }
  p.piece = cut_stages(network, p.pieces());
  return p;
}

}  // namespace dnnsim
