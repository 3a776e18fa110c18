// llmhw hardware list | show ID: the catalog and one profile with its sources.
#include <fmt/format.h>

#include <algorithm>
#include <ostream>

#include "cli/app.hpp"
#include "cli/catalog.hpp"
#include "llmhw/io/loaders.hpp"
#include "llmhw/render_formats.hpp"
#include "llmhw/render_hardware.hpp"

namespace llmhw::cli {
namespace {

struct ListOptions {
  std::string kinds, format = "table";
};

struct ShowOptions {
  std::string id, format = "table";
};

std::string render_list(render::Format format, const std::vector<Hardware>& shown, const Catalog& catalog,
                        const render::Style& style) {
  switch (format) {
    case render::Format::json: {
      std::vector<nlohmann::ordered_json> docs;
      for (const Hardware& hw : shown) docs.push_back(io::read_profile_document(hw.origin));
      return render::hardware_json(docs);
    }
    case render::Format::csv:
      return render::hardware_list_csv(shown);
    case render::Format::markdown:
      return render::hardware_list_markdown(shown, style);
    case render::Format::table:
      break;
  }
  std::string out;
  if (!style.quiet) {
    for (const std::string& n : catalog.notes) out += "note: " + n + "\n";
  }
  return out + render::hardware_list_table(shown, style);
}

int run_list(const ListOptions& o, const GlobalOptions& global, Streams& s) {
  const render::Format format = output_format(o.format, global, s, kAllFormats, "hardware list");
  const auto kinds = parse_kinds(o.kinds);
  const Catalog catalog = load_catalog(global);
  std::vector<Hardware> shown;
  std::copy_if(catalog.hardware.begin(), catalog.hardware.end(), std::back_inserter(shown),
               [&](const Hardware& hw) {
                 return kinds.empty() || std::find(kinds.begin(), kinds.end(), hw.kind) != kinds.end();
               });
  s.out << render_list(format, shown, catalog, output_style(global, s));
  return 0;
}

// CSV is for lists; one profile's nested sources and prices are a document (json) or a page.
int run_show(const ShowOptions& o, const GlobalOptions& global, Streams& s) {
  const render::Format format =
      output_format(o.format, global, s,
                    {render::Format::table, render::Format::json, render::Format::markdown}, "hardware show");
  const Catalog catalog = load_catalog(global);
  const Hardware& hw = find_hardware(catalog, o.id, "hardware show");
  const auto doc = io::read_profile_document(hw.origin);
  switch (format) {
    case render::Format::json: {
      // {"schema_version": 1, "hardware": profile}, as `hardware list` and `models show` wrap theirs.
      const nlohmann::ordered_json wrapped = {{"schema_version", render::kSchemaVersion}, {"hardware", doc}};
      s.out << wrapped.dump(2) << "\n";
      break;
    }
    case render::Format::markdown:
      s.out << render::hardware_show_markdown(doc, hw.origin);
      break;
    default:
      s.out << render::hardware_show_table(doc, hw.origin);
  }
  return 0;
}

}  // namespace

void setup_hardware(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto* cmd =
      app.add_subcommand("hardware", "List the hardware catalog or show one profile with its sources");
  cmd->require_subcommand(1);
  auto list_options = std::make_shared<ListOptions>();
  auto* list = cmd->add_subcommand("list", "List every profile: memory, bandwidth, dense peaks, price");
  list->add_option("--kind", list_options->kinds,
                   "Only these kinds: cpu, gpu, tpu, accelerator (comma-separated)");
  list->add_option("--format", list_options->format, "table, json, csv or markdown")->capture_default_str();
  list->footer(
      "Examples:\n  llmhw hardware list --kind tpu\n  llmhw hardware list --format json | jq "
      "'.hardware[].id'\n  llmhw hardware list --format csv > hardware.csv");
  list->callback([&action, list_options, &global] {
    action = [list_options, &global](Streams& s) { return run_list(*list_options, global, s); };
  });
  auto show_options = std::make_shared<ShowOptions>();
  auto* show =
      cmd->add_subcommand("show", "Show one profile: every figure with its source, prices with dates");
  show->add_option("id", show_options->id, "Hardware id, e.g. h100-sxm")->required();
  show->add_option("--format", show_options->format,
                   "table, json (the profile's own fields under \"hardware\") or markdown")
      ->capture_default_str();
  show->footer(
      "Examples:\n  llmhw hardware show h100-sxm\n  llmhw hardware show tpu-v6e --format json | jq "
      ".hardware.tflops");
  show->callback([&action, show_options, &global] {
    action = [show_options, &global](Streams& s) { return run_show(*show_options, global, s); };
  });
}

}  // namespace llmhw::cli
