#include "core/analysis/compare/ModelComparison.h"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <optional>

#include "core/Errors.h"
#include "core/analysis/compare/StateMoments.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"
#include "core/store/StoreFile.h"

namespace rnnscope {

namespace {

QString fileName(const Model& model) {
    const QString path = model.path();
    return path.section(QLatin1Char('/'), -1);
}

bool isComparedKind(const QString& kind) {
    return !kind.startsWith(QLatin1String("gate."));
}

std::vector<const StateTrack*> comparedTracks(const SampleResult& result) {
    std::vector<const StateTrack*> out;
    for (const StateTrack* t : analysedTracks(result))
        if (isComparedKind(t->kind)) out.push_back(t);
    return out;
}

// One side (input or output tokens) of the two models: which of their tracks it holds, where
// each sits in the joined row, and the moments of that row.
struct Side {
    std::vector<int> tracksA, tracksB;    // indices into the comparison's track lists
    std::vector<int> offsetsA, offsetsB;  // first unit of each in the joined row
    int unitsA = 0, unitsB = 0;
    std::optional<StateMoments> moments;
};

// The least-squares map from B's states to A's, from the covariances alone.
StateAlignment alignStates(const Eigen::MatrixXd& caa, const Eigen::MatrixXd& cbb,
                           const Eigen::MatrixXd& cab, const Eigen::RowVectorXd& meanA,
                           const Eigen::RowVectorXd& meanB) {
    StateAlignment out;
    out.meanA = meanA;
    out.meanB = meanB;
    const double ridge =
        1e-9 * std::max(cbb.trace(), 1e-12) / double(std::max<Eigen::Index>(1, cbb.rows()));
    const Eigen::MatrixXd regular = cbb + ridge * Eigen::MatrixXd::Identity(cbb.rows(), cbb.cols());
    out.map = regular.ldlt().solve(cab.transpose());  // [q, p]
    const double total = caa.trace();
    // Residual covariance of A given B: C_aa − C_ab W.
    out.r2 = total > 0 ? 1.0 - (caa - cab * out.map).trace() / total : 0.0;
    return out;
}

}  // namespace

MatrixRM StateAlignment::apply(const MatrixRM& statesB) const {
    if (isEmpty() || statesB.cols() != map.rows()) return {};
    Eigen::MatrixXd centred = statesB.cast<double>();
    centred.rowwise() -= meanB;
    Eigen::MatrixXd mapped = centred * map;
    mapped.rowwise() += meanA;
    return mapped.cast<float>();
}

const TrackSimilarity* ModelComparison::find(int a, int b) const {
    for (const TrackSimilarity& s : similarity)
        if (s.a == a && s.b == b) return &s;
    return nullptr;
}

void checkComparable(const ModelMeta& a, const ModelMeta& b, const QString& nameA,
                     const QString& nameB) {
    if (a.input.type != b.input.type)
        throw UserError(
            QStringLiteral("%1 reads %2 and %3 %4: they cannot read the same dataset, so there "
                           "is nothing to compare")
                .arg(nameA,
                     a.input.type == InputSpec::Type::Features ? QStringLiteral("feature vectors")
                                                               : QStringLiteral("tokens"),
                     nameB,
                     b.input.type == InputSpec::Type::Features ? QStringLiteral("feature vectors")
                                                               : QStringLiteral("tokens")));
    if (a.input.type == InputSpec::Type::Features) {
        if (a.input.featureSize != b.input.featureSize)
            throw UserError(QStringLiteral("%1 reads %2 features per step and %3 %4: they cannot "
                                           "read the same dataset")
                                .arg(nameA)
                                .arg(a.input.featureSize)
                                .arg(nameB)
                                .arg(b.input.featureSize));
        return;
    }
    if (a.input.tokenizer != b.input.tokenizer) {
        auto unit = [](const QString& tokenizer) {
            return tokenizer == QLatin1String("char") ? QStringLiteral("characters")
                                                      : QStringLiteral("words");
        };
        throw UserError(QStringLiteral("%1 reads %2 and %3 %4: their states cannot be paired "
                                       "token by token (rnnscope.json's input.tokenizer must be "
                                       "the same)")
                            .arg(nameA, unit(a.input.tokenizer), nameB, unit(b.input.tokenizer)));
    }
}

QString whyPredictionsDiffer(const ModelMeta& a, const ModelMeta& b) {
    if (a.task != b.task)
        return QStringLiteral(
                   "model A is a %1 model and model B a %2 model: their predictions "
                   "are not compared, their states are")
            .arg(taskName(a.task), taskName(b.task));
    if ((a.task == Task::Classification || a.task == Task::Tagging) && a.labels != b.labels)
        return QStringLiteral(
                   "the models have different labels (A: %1; B: %2): their "
                   "predictions are not compared, their states are")
            .arg(a.labels.join(QStringLiteral(", ")), b.labels.join(QStringLiteral(", ")));
    if (a.task == Task::Regression && a.outputs.size() != b.outputs.size())
        return QStringLiteral(
                   "model A predicts %1 values and model B %2: their predictions are "
                   "not compared, their states are")
            .arg(a.outputs.size())
            .arg(b.outputs.size());
    return {};
}

ModelComparison compareModels(const Model& a, const Model& b, const Dataset& dataset,
                              const CompareOptions& options, const ScanProgress& progress,
                              const ScanCancelled& cancelled) {
    checkComparable(a.meta(), b.meta());
    ModelComparison out;
    out.predictionsNote = whyPredictionsDiffer(a.meta(), b.meta());
    if (a.meta().input.type == InputSpec::Type::Tokens &&
        a.meta().input.vocab != b.meta().input.vocab)
        out.notes << QStringLiteral(
            "the models have different input vocabularies: a token one "
            "of them does not know is read as its unknown token");

    const qint64 total =
        options.maxSamples < 0 ? dataset.size() : std::min(options.maxSamples, dataset.size());
    const int batchSize = std::max(1, options.batchSize);
    RunOptions run;
    run.captureStates = true;
    run.verify = false;
    Side sides[2];
    bool tracksKnown = false;
    for (qint64 first = 0; first < total; first += batchSize) {
        if (cancelled && cancelled()) throw JobCancelled();
        const qint64 last = std::min(total, first + batchSize);
        std::vector<DataSample> samples;
        std::vector<SampleInput> inputsA, inputsB;
        for (qint64 i = first; i < last; ++i) {
            samples.push_back(dataset.sample(i));
            inputsA.push_back(encodeSample(a, samples.back()));
            inputsB.push_back(encodeSample(b, samples.back()));
        }
        const std::vector<SampleResult> resultsA = a.run(inputsA, run);
        const std::vector<SampleResult> resultsB = b.run(inputsB, run);

        if (!tracksKnown) {
            // The first batch fixes the tracks and which side each lies on: a track with as many
            // rows as its sample has input tokens, on every sample of the batch, is input-side.
            auto classify = [&](const std::vector<SampleResult>& results,
                                std::vector<ComparedTrack>& tracks) {
                for (const StateTrack* t : comparedTracks(results.front())) {
                    ComparedTrack c{TrackId::of(*t),
                                    store::trackName(t->module, t->layer, t->direction, t->kind),
                                    int(t->values.cols()), false};
                    for (const SampleResult& r : results)
                        for (const StateTrack& u : r.tracks)
                            if (c.track.matches(u) && u.values.rows() != r.input.length())
                                c.outputSide = true;
                    tracks.push_back(c);
                }
            };
            classify(resultsA, out.tracksA);
            classify(resultsB, out.tracksB);
            if (out.tracksA.empty() || out.tracksB.empty())
                throw UserError(QStringLiteral("%1 exposes no recurrent states to compare "
                                               "(docs/model-contract.md says what to add)")
                                    .arg(fileName(out.tracksA.empty() ? a : b)));
            for (int i = 0; i < int(out.tracksA.size()); ++i) {
                Side& s = sides[out.tracksA[size_t(i)].outputSide ? 1 : 0];
                s.tracksA.push_back(i);
                s.offsetsA.push_back(s.unitsA);
                s.unitsA += out.tracksA[size_t(i)].units;
            }
            for (int i = 0; i < int(out.tracksB.size()); ++i) {
                Side& s = sides[out.tracksB[size_t(i)].outputSide ? 1 : 0];
                s.tracksB.push_back(i);
                s.offsetsB.push_back(s.unitsB);
                s.unitsB += out.tracksB[size_t(i)].units;
            }
            for (Side& s : sides)
                if (!s.tracksA.empty() && !s.tracksB.empty()) s.moments.emplace(s.unitsA, s.unitsB);
            if (!sides[0].moments && !sides[1].moments)
                throw UserError(QStringLiteral(
                    "the two models' states lie on different sides (one model's on the input "
                    "tokens, the other's on the output tokens): nothing to pair"));
            tracksKnown = true;
        }

        for (size_t k = 0; k < samples.size(); ++k) {
            const SampleResult& ra = resultsA[k];
            const SampleResult& rb = resultsB[k];
            const qint64 index = first + qint64(k);
            if (ra.input.length() != rb.input.length())
                throw UserError(QStringLiteral("sample %1 is %2 tokens long for model A and %3 for "
                                               "model B: the models split text differently, so "
                                               "their states cannot be paired token by token")
                                    .arg(index + 1)
                                    .arg(ra.input.length())
                                    .arg(rb.input.length()));
            for (Side& s : sides) {
                if (!s.moments) continue;
                // The side's rows: every track of the side, joined unit after unit.
                auto joined = [&](const SampleResult& r, const std::vector<ComparedTrack>& tracks,
                                  const std::vector<int>& which, int width, const char* model) {
                    MatrixRM row;
                    for (size_t w = 0; w < which.size(); ++w) {
                        const ComparedTrack& c = tracks[size_t(which[w])];
                        const StateTrack* found = nullptr;
                        for (const StateTrack& t : r.tracks)
                            if (c.track.matches(t)) found = &t;
                        if (!found)
                            throw UserError(QStringLiteral("model %1 did not return %2 for sample "
                                                           "%3 although it did for the first")
                                                .arg(QLatin1String(model), c.name)
                                                .arg(index + 1));
                        if (w == 0) row.resize(found->values.rows(), width);
                        if (found->values.rows() != row.rows())
                            throw UserError(QStringLiteral("model %1's %2 has %3 steps on sample "
                                                           "%4, its other states %5")
                                                .arg(QLatin1String(model), c.name)
                                                .arg(found->values.rows())
                                                .arg(index + 1)
                                                .arg(row.rows()));
                        int offset = 0;
                        for (size_t v = 0; v < w; ++v) offset += tracks[size_t(which[v])].units;
                        row.middleCols(offset, c.units) = found->values;
                    }
                    return row;
                };
                const MatrixRM rowsA = joined(ra, out.tracksA, s.tracksA, s.unitsA, "A");
                const MatrixRM rowsB = joined(rb, out.tracksB, s.tracksB, s.unitsB, "B");
                if (rowsA.rows() != rowsB.rows())
                    throw UserError(QStringLiteral("sample %1 has %2 output steps for model A and "
                                                   "%3 for model B: the models split the "
                                                   "reference differently")
                                        .arg(index + 1)
                                        .arg(rowsA.rows())
                                        .arg(rowsB.rows()));
                s.moments->add(rowsA, rowsB);
            }
            out.predictionsA.push_back(summarizePrediction(a, ra, samples[k]));
            out.predictionsB.push_back(summarizePrediction(b, rb, samples[k]));
        }
        if (progress) progress(last, total);
    }
    out.samples = total;
    if (sides[0].moments) out.tokens = sides[0].moments->tokens();
    if (sides[1].moments) out.outputTokens = sides[1].moments->tokens();
    if (out.predictionsNote.isEmpty()) {
        out.accuracyA = shareRight(out.predictionsA);
        out.accuracyB = shareRight(out.predictionsB);
        out.counts = comparePredictions(out.predictionsA, out.predictionsB);
    }

    for (const Side& s : sides) {
        if (!s.moments || s.moments->tokens() == 0) continue;
        const Eigen::MatrixXd c = s.moments->covariance();
        const Eigen::RowVectorXd mean = s.moments->mean();
        const int base = s.unitsA;  // B's units follow A's in the joined row
        for (size_t i = 0; i < s.tracksA.size(); ++i) {
            const ComparedTrack& ta = out.tracksA[size_t(s.tracksA[i])];
            const auto caa = c.block(s.offsetsA[i], s.offsetsA[i], ta.units, ta.units);
            for (size_t j = 0; j < s.tracksB.size(); ++j) {
                const ComparedTrack& tb = out.tracksB[size_t(s.tracksB[j])];
                const Eigen::MatrixXd cbb =
                    c.block(base + s.offsetsB[j], base + s.offsetsB[j], tb.units, tb.units);
                const Eigen::MatrixXd cab =
                    c.block(s.offsetsA[i], base + s.offsetsB[j], ta.units, tb.units);
                TrackSimilarity sim;
                sim.a = s.tracksA[i];
                sim.b = s.tracksB[j];
                sim.linearCka = linearCka(caa, cbb, cab);
                sim.svcca = svcca(caa, cbb, cab);
                out.similarity.push_back(sim);
                if (ta.track.kind == tb.track.kind && ta.track.direction == tb.track.direction)
                    out.matchings.push_back(
                        {sim.a, sim.b,
                         matchUnits(unitCorrelations(caa, cbb, cab), options.matchThreshold),
                         alignStates(caa, cbb, cab, mean.segment(s.offsetsA[i], ta.units),
                                     mean.segment(base + s.offsetsB[j], tb.units))});
            }
        }
    }
    std::sort(out.similarity.begin(), out.similarity.end(),
              [](const TrackSimilarity& x, const TrackSimilarity& y) {
                  return x.a != y.a ? x.a < y.a : x.b < y.b;
              });
    return out;
}

}  // namespace rnnscope
