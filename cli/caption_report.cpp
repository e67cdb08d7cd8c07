#include "cli/caption_report.h"

#include <nlohmann/json.hpp>
#include <ostream>

namespace ballot::cli {

namespace {

// The run's record of caption i (an empty one when the run did not report captions).
CaptionTime time_of(const RunReport& report, size_t i) {
  const std::vector<CaptionTime>& times = report.result.captions;
  return i < times.size() ? times[i] : CaptionTime{};
}

std::string when_text(Time_us t) {
  return t == kNever_us ? std::string("never") : human_duration(t);
}

}  // namespace

std::vector<std::string> caption_warnings(const RunReport& report) {
  std::vector<std::string> warnings;
  if (!report.cut_limit.empty()) return warnings;
  const std::vector<Caption>& captions = report.scenario.captions;
  for (size_t i = 0; i < captions.size(); ++i) {
    const Caption& c = captions[i];
    if (!c.on) continue;
    const CaptionTime t = time_of(report, i);
    if (t.shown_us != kNever_us) continue;
    const std::string occurrence =
        c.nth == 1 ? std::string("its anchor ") + c.on->text
                   : "occurrence " + std::to_string(c.nth) + " of its anchor " + c.on->text;
    if (t.anchor_us == kNever_us) {
      warnings.push_back(c.path + ": " + occurrence +
                         " never happened in the run: the caption is not shown");
    } else {
      warnings.push_back(c.path + ": " + occurrence + " happened at " +
                         human_duration(t.anchor_us) + ", but its offset " +
                         human_duration(c.offset_us) +
                         " puts the caption past the end of the run (" +
                         human_duration(report.result.end_us) + "): it is not shown");
    }
  }
  return warnings;
}

nlohmann::json captions_json(const RunReport& report) {
  nlohmann::json list = nlohmann::json::array();
  const std::vector<Caption>& captions = report.scenario.captions;
  for (size_t i = 0; i < captions.size(); ++i) {
    const Caption& c = captions[i];
    const CaptionTime t = time_of(report, i);
    nlohmann::json one;
    one["path"] = c.path.empty() ? "captions[" + std::to_string(i) + "]" : c.path;
    one["text"] = c.text;
    one["pause"] = c.pause;
    one["shown_us"] =
        t.shown_us == kNever_us ? nlohmann::json(nullptr) : nlohmann::json(t.shown_us);
    if (c.on) {
      one["on"] = nlohmann::json::parse(c.on->text);
      one["nth"] = c.nth;
      one["offset_us"] = c.offset_us;
      one["anchor_us"] =
          t.anchor_us == kNever_us ? nlohmann::json(nullptr) : nlohmann::json(t.anchor_us);
    } else {
      one["at_us"] = c.at_us;
    }
    list.push_back(std::move(one));
  }
  return list;
}

void print_anchored_captions(std::ostream& out, const RunReport& report) {
  const std::vector<Caption>& captions = report.scenario.captions;
  bool any = false;
  for (const Caption& c : captions) any |= c.on.has_value();
  if (!any) return;
  out << "Captions anchored to events\n";
  for (size_t i = 0; i < captions.size(); ++i) {
    const Caption& c = captions[i];
    if (!c.on) continue;
    const CaptionTime t = time_of(report, i);
    out << "  " << c.path << "  on " << c.on->text;
    if (c.nth != 1) out << " nth " << c.nth;
    if (c.offset_us != 0) out << " offset " << human_duration(c.offset_us);
    out << "   shown " << (t.shown_us == kNever_us ? "never" : "at " + when_text(t.shown_us))
        << "\n";
  }
  out << "\n";
}

}  // namespace ballot::cli
