// llmhw models list | show (ID | --model-config PATH): what llmhw derives from a model.
#include <ostream>

#include "cli/app.hpp"
#include "cli/model_lookup.hpp"
#include "llmhw/io/loaders.hpp"
#include "llmhw/render_formats.hpp"
#include "llmhw/render_models.hpp"

namespace llmhw::cli {
namespace {

struct ModelShowOptions {
  std::string id, config, format = "table";
};

render::ModelInfo info_of(const ResolvedModel& r) {
  render::ModelInfo info{&r.model, r.source, "", {}, std::nullopt, std::nullopt};
  if (r.entry) {
    info.hf_id = r.entry->hf_id;
    info.aliases = r.entry->aliases;
    if (r.entry->published_total > 0) info.published_total = r.entry->published_total;
    if (r.entry->published_active > 0) info.published_active = r.entry->published_active;
  }
  return info;
}

std::string render_list(render::Format format, const std::vector<render::ModelInfo>& infos,
                        const render::Style& style) {
  switch (format) {
    case render::Format::json:
      return render::models_list_json(infos);
    case render::Format::csv:
      return render::models_list_csv(infos);
    case render::Format::markdown:
      return render::models_list_markdown(infos, style);
    case render::Format::table:
      break;
  }
  return render::models_list_table(infos, style);
}

int run_list(const std::string& format_text, const GlobalOptions& global, Streams& s) {
  const render::Format format = output_format(format_text, global, s, kAllFormats, "models list");
  std::vector<ResolvedModel> models;
  for (const auto& entry : io::list_model_catalog(resolve_data_dir(global) / "models")) {
    models.push_back({io::load_catalog_model(entry), entry, "catalog: " + entry.path.string()});
  }
  std::vector<render::ModelInfo> infos;
  for (const auto& m : models) infos.push_back(info_of(m));
  s.out << render_list(format, infos, output_style(global, s));
  return 0;
}

// CSV is for lists; one model's figures are a document (json) or a page.
int run_model_show(const ModelShowOptions& o, const GlobalOptions& global, Streams& s) {
  const render::Format format =
      output_format(o.format, global, s,
                    {render::Format::table, render::Format::json, render::Format::markdown}, "models show");
  const ResolvedModel r = resolve_model(o.id, o.config, resolve_data_dir(global) / "models");
  const auto info = info_of(r);
  switch (format) {
    case render::Format::json:
      s.out << render::model_show_json(info);
      break;
    case render::Format::markdown:
      s.out << render::model_show_markdown(info);
      break;
    default:
      s.out << render::model_show_table(info);
  }
  return 0;
}

}  // namespace

void setup_models(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto* cmd = app.add_subcommand("models", "List the model catalog or show what llmhw derives from a model");
  cmd->require_subcommand(1);
  auto list_format = std::make_shared<std::string>("table");
  auto* list = cmd->add_subcommand("list", "List catalog models: parameters, KV cache per token, features");
  list->add_option("--format", *list_format, "table, json, csv or markdown")->capture_default_str();
  list->footer(
      "Examples:\n  llmhw models list\n  llmhw models list --format csv > models.csv\n"
      "  llmhw models list --format markdown --quiet");
  list->callback([&action, list_format, &global] {
    action = [list_format, &global](Streams& s) { return run_list(*list_format, global, s); };
  });
  auto o = std::make_shared<ModelShowOptions>();
  auto* show =
      cmd->add_subcommand("show", "Show a model: parameters, layer pattern, KV cache, weights per precision");
  show->add_option("id", o->id, "Catalog id, alias, Hugging Face id or size (or use --model-config)");
  show->add_option("--model-config", o->config, "A Hugging Face config.json");
  show->add_option("--format", o->format, "table, json or markdown")->capture_default_str();
  show->footer(
      "Examples:\n  llmhw models show deepseek-v3\n  llmhw models show --model-config path/to/config.json "
      "--format json");
  show->callback(
      [&action, o, &global] { action = [o, &global](Streams& s) { return run_model_show(*o, global, s); }; });
}

}  // namespace llmhw::cli
