#pragma once
// What the error browser's filter bar asks for, as plain data: the table applies it, a named
// slice keeps it, and a session file can store it. Classes are named rather than numbered so a
// saved slice still means the same thing when the model's label order changes.

#include <QJsonObject>
#include <QString>
#include <limits>
#include <vector>

namespace rnnscope {

struct ErrorFilter {
    bool wrongOnly = false;
    QString trueLabel;       // empty: any reference
    QString predictedLabel;  // empty: any prediction
    float minConfidence = 0.0f;
    float maxConfidence = 1.0f;
    int minLength = 0;  // input tokens
    int maxLength = std::numeric_limits<int>::max();
    QString text;  // searched in the sample's text, case-insensitive; empty: no search
    bool regex = false;
    // A named set of samples another panel picked (the Beam Tree's "beam fixes greedy"): only
    // these pass. Sorted dataset indices from 0; an empty name means no set.
    QString sampleSet;
    std::vector<qint64> samples;

    bool hasTextSearch() const { return !text.isEmpty(); }
    bool operator==(const ErrorFilter& o) const {
        return wrongOnly == o.wrongOnly && trueLabel == o.trueLabel &&
               predictedLabel == o.predictedLabel && minConfidence == o.minConfidence &&
               maxConfidence == o.maxConfidence && minLength == o.minLength &&
               maxLength == o.maxLength && text == o.text && regex == o.regex &&
               sampleSet == o.sampleSet && samples == o.samples;
    }
    bool operator!=(const ErrorFilter& o) const { return !(*this == o); }
    // One line a user reads in a slice list: "wrong, true ( → predicted ), text ~ /a+/".
    QString describe() const;
};

// As stored in session files (names in snake_case; an open length range is left out).
QJsonObject errorFilterToJson(const ErrorFilter& filter);
ErrorFilter errorFilterFromJson(const QJsonObject& json);

// A filter the user saved under a name, to compare its metrics with other slices.
struct ErrorSlice {
    QString name;
    ErrorFilter filter;
};

}  // namespace rnnscope
