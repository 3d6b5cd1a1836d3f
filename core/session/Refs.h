#pragma once
// What the user is looking at, shared by every panel through the Session.

#include <QMetaType>
#include <QString>
#include <QVector>

namespace rnnscope {

// A token of the current sample. side 0 is the input (source), side 1 the output (seq2seq target
// or generated output).
struct TokenRef {
    enum Side { Input = 0, Output = 1 };
    qint64 sample = -1;  // dataset index; -1 for the typed custom input
    int side = Input;
    int index = -1;  // token position; -1 when no token
    bool isValid() const { return index >= 0; }
    bool operator==(const TokenRef& o) const {
        return sample == o.sample && side == o.side && index == o.index;
    }
    bool operator!=(const TokenRef& o) const { return !(*this == o); }
};

// One unit of one captured state: "encoder.rnn L0 fwd hidden #17".
struct UnitRef {
    QString module;
    int layer = 0;
    int direction = 0;
    QString kind;
    int unit = -1;
    bool operator==(const UnitRef& o) const {
        return module == o.module && layer == o.layer && direction == o.direction &&
               kind == o.kind && unit == o.unit;
    }
};

// Steps [begin, end) of the current sample's input.
struct TimeRange {
    int begin = -1;
    int end = -1;
    bool isValid() const { return begin >= 0 && end > begin; }
    bool operator==(const TimeRange& o) const { return begin == o.begin && end == o.end; }
};

}  // namespace rnnscope

Q_DECLARE_METATYPE(rnnscope::TokenRef)
Q_DECLARE_METATYPE(rnnscope::TimeRange)
