#pragma once
// Per-token signals a unit can be compared with (Karpathy et al. 2015, "Visualizing and
// Understanding Recurrent Networks": position in the line, bracket depth, inside a quote). Each
// gives one value per input token of a sample; the dataset-wide scan correlates every unit with
// them.

#include <QString>
#include <QStringList>
#include <vector>

#include "core/model/ModelMeta.h"

namespace rnnscope {

class Dataset;
struct DataSample;

// Which built-in signal. TokenIdentity and Label are one-vs-rest: 1 where the token (or the
// sample's label) is the chosen one, 0 elsewhere.
// Annotation is a per-token annotation of the dataset (TokenAnnotation): its numbers, or with a
// value ("pos=NN") 1 where the annotation is that value and 0 elsewhere.
enum class SignalKind { Position, Depth, Quote, TokenIdentity, Label, Annotation };

struct SignalSpec {
    SignalKind kind = SignalKind::Depth;
    QString value;  // the token (TokenIdentity) or label (Label) compared against; Annotation:
                    // the annotation's name, or "name=VALUE"

    // "position", "depth", "quote", "token:X", "label:X", "annotation:NAME[=VALUE]" (as the
    // CLI's --signal takes it).
    QString name() const;
    QString title() const;  // "nesting depth of brackets", "token “(” (one vs rest)", ...
    // Parses name(); throws UserError listing the valid names when `name` is none of them.
    static SignalSpec parse(const QString& name);

    bool needsDataset() const {
        return kind == SignalKind::Label || kind == SignalKind::Annotation;
    }
    QString annotationName() const;   // Annotation: "pos" of "pos=NN"
    QString annotationValue() const;  // Annotation: "NN" of "pos=NN"; null when none
};

// Throws UserError when `spec` asks for something the dataset does not have: an annotation it
// lacks ("the dataset has no per-token annotation 'x'; it has: depth, pos"), or words of an
// annotation used as numbers ("... holds words: pick one, annotation:pos=NN").
void checkSignal(const SignalSpec& spec, const Dataset& dataset);
// Throws UserError when `spec` names something the model cannot see: a label that is not one of
// a classifier's labels, a token outside a token model's vocabulary (its signal would be 0 at
// every step), naming the valid choices.
void checkSignal(const SignalSpec& spec, const ModelMeta& meta);

// Steps since the start of the sequence: 0, 1, 2, ...
std::vector<float> positionSignal(int length);
// Open minus closed brackets ((, [, {  against ), ], }) after each token: a plain counter, so
// it is defined on unbalanced text too and may go negative (as examples/brackets.py measures it).
std::vector<float> depthSignal(const QStringList& tokens);
// 1 for tokens inside a "..." or '...' string, the quotes themselves included, 0 elsewhere. A
// quote of the other kind inside a string does not end it; a backslash escapes the next token.
std::vector<float> quoteSignal(const QStringList& tokens);
// 1 where the token equals `token`, 0 elsewhere.
std::vector<float> tokenSignal(const QStringList& tokens, const QString& token);

// The signal for one sample's tokens; `sample` gives the label (Label) and the annotations
// (Annotation). An annotation the sample lacks, or with another number of values than tokens,
// gives NaN at every step: those steps are left out of correlations.
std::vector<float> computeSignal(const SignalSpec& spec, const QStringList& tokens,
                                 const DataSample& sample);
// The same for a signal that needs no more of the sample than its label.
std::vector<float> computeSignal(const SignalSpec& spec, const QStringList& tokens,
                                 const QString& label);

}  // namespace rnnscope
