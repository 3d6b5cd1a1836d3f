#include "app/render/RenderAttribution.h"

#include "app/cli/CliCommand.h"
#include "core/Errors.h"
#include "core/model/Model.h"
#include "core/session/Session.h"

namespace rnnscope {

void addAttributionRenderOptions(QCommandLineParser& parser) {
    parser.addOption({QStringLiteral("target"),
                      QStringLiteral("attribution: the class, tag, output token or regression "
                                     "output explained, by name or index (default: the "
                                     "predicted one; a forecaster's first output)."),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("position"),
                      QStringLiteral("attribution: the output step explained, from 1 (default: "
                                     "a forecaster's scored step, a tagger's first wrong tag, a "
                                     "language model's last step)."),
                      QStringLiteral("N")});
}

QString readAttributionRenderOptions(const QCommandLineParser& parser, const QString& view,
                                     AttributionRenderOptions& options) {
    const bool attribution = view == QLatin1String("attribution");
    for (const char* name : {"target", "position"})
        if (!attribution && parser.isSet(QString::fromLatin1(name)))
            return QStringLiteral("--%1 is only for --view attribution")
                .arg(QString::fromLatin1(name));
    if (!attribution) return {};
    const QString method = QStringLiteral("method");
    if (parser.isSet(method)) {
        if (!parseAttributionMethod(parser.value(method), &options.method))
            return QStringLiteral(
                       "--method for --view attribution must be grad, ig or "
                       "occlusion, not \"%1\"")
                .arg(parser.value(method));
        options.methodSet = true;
    }
    options.target = parser.value(QStringLiteral("target"));
    if (parser.isSet(QStringLiteral("position"))) {
        bool ok = false;
        options.position = parser.value(QStringLiteral("position")).toInt(&ok) - 1;
        if (!ok || options.position < 0)
            return QStringLiteral("--position must be a whole number from 1");
    }
    return {};
}

AttributionSettings attributionRenderSettings(const Session& session,
                                              const AttributionRenderOptions& options) {
    AttributionSettings settings = session.attributionSettings();
    if (options.methodSet) settings.method = options.method;
    settings.position = options.position;
    settings.target = -1;
    if (!options.target.isEmpty() && session.model()) {
        const QStringList names = attributionClassNames(session.model()->meta());
        settings.target = classByNameOrIndex(options.target, names);
        if (settings.target < 0 || settings.target >= names.size())
            throw UserError(
                QStringLiteral("--target \"%1\" is neither one of the model's %2 "
                               "(%3) nor an index from 0 to %4")
                    .arg(options.target,
                         session.model()->meta().task == Task::Regression
                             ? QStringLiteral("outputs")
                             : QStringLiteral("classes"),
                         names.size() > 12
                             ? names.mid(0, 12).join(QStringLiteral(", ")) + QStringLiteral(", …")
                             : names.join(QStringLiteral(", ")))
                    .arg(names.size() - 1));
    }
    return settings;
}

}  // namespace rnnscope
