#include "app/render/RenderBeam.h"

#include <cmath>

#include "core/model/Capture.h"
#include "core/session/Session.h"
#include "widgets/decoding/BeamTreePanel.h"

namespace rnnscope {

void addBeamRenderOptions(QCommandLineParser& parser) {
    parser.addOption({QStringLiteral("beam-width"),
                      QStringLiteral("beam: hypotheses kept at every step, 1 to 32 (default 5)."),
                      QStringLiteral("K"), QStringLiteral("5")});
    parser.addOption({QStringLiteral("alpha"),
                      QStringLiteral("beam: length normalisation of the final ranking, score / "
                                     "length^A (default 0)."),
                      QStringLiteral("A"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("max-length"),
                      QStringLiteral("beam: longest output, eos included (default 64)."),
                      QStringLiteral("L"), QStringLiteral("64")});
    parser.addOption({QStringLiteral("prefix"),
                      QStringLiteral("beam: forced first output tokens, as output text."),
                      QStringLiteral("TOKENS")});
}

QString readBeamRenderOptions(const QCommandLineParser& parser, const QString& view,
                              BeamRenderOptions& options) {
    const bool beam = view == QLatin1String("beam");
    for (const char* name : {"beam-width", "alpha", "max-length", "prefix"})
        if (!beam && parser.isSet(QString::fromLatin1(name)))
            return QStringLiteral("--%1 is only for --view beam").arg(QString::fromLatin1(name));
    if (!beam) return {};
    bool ok = false;
    options.width = parser.value(QStringLiteral("beam-width")).toInt(&ok);
    if (!ok || options.width < 1 || options.width > 32)
        return QStringLiteral("--beam-width must be 1 to 32");
    options.alpha = parser.value(QStringLiteral("alpha")).toDouble(&ok);
    if (!ok || !std::isfinite(options.alpha) || options.alpha < 0 || options.alpha > 2)
        return QStringLiteral("--alpha must be a number from 0 to 2");
    options.maxLength = parser.value(QStringLiteral("max-length")).toInt(&ok);
    if (!ok || options.maxLength < 1 || options.maxLength > 512)
        return QStringLiteral("--max-length must be 1 to 512");
    options.prefix = parser.value(QStringLiteral("prefix"));
    return {};
}

QString prepareBeamView(Panel* panel, Session& session, const BeamRenderOptions& options,
                        const std::function<bool(const std::function<bool()>&)>& waitFor) {
    auto* beam = static_cast<BeamTreePanel*>(panel);
    DecodingAnalysis& decoding = session.decoding();
    if (!decoding.available()) return decoding.unavailableReason();
    DecodingSetup setup = decoding.setup();
    setup.width = options.width;
    setup.alpha = options.alpha;
    setup.maxLength = options.maxLength;
    setup.prefix = options.prefix;
    beam->setWidth(options.width);
    decoding.setWanted(true);
    decoding.setSetup(setup);
    const auto current = session.currentResult();
    const bool done = waitFor([&] {
        if (decoding.isRunning()) return false;
        if (!decoding.error().isEmpty()) return true;
        const auto r = decoding.result();
        return r && current && r->source.ids == current->input.ids;
    });
    if (!decoding.error().isEmpty()) return decoding.error();
    if (!done) return QStringLiteral("the beam search did not finish");
    beam->refreshNow();
    return {};
}

}  // namespace rnnscope
