#pragma once
// A small store's worth of states made in memory: what the seed writer saves in every format
// rnnscope writes (store file, LSTMVis project, .npy, token file), and the fixed companion files
// a fuzzer keeps while it mutates one file of a set.

#include <cmath>

#include "core/store/ActivationStore.h"

namespace rnnscope::fuzz {

// 3 sentences of 4 words over a 6-word vocabulary, one 5-unit hidden and cell track.
inline ImportedStates demoStates() {
    ImportedStates s;
    s.info.task = QStringLiteral("imported");
    s.info.inputVocabulary = {QStringLiteral("<eos>"), QStringLiteral("the"),
                              QStringLiteral("cat"),   QStringLiteral("sat"),
                              QStringLiteral("a"),     QStringLiteral("dog")};
    s.lengths = {4, 4, 4};
    s.tokenIds = {1, 2, 3, 0, 4, 5, 3, 0, 1, 5, 3, 0};
    for (const char* kind : {"hidden", "cell"}) {
        StoredTrack track;
        track.module = QStringLiteral("rnn");
        track.kind = QString::fromLatin1(kind);
        track.units = 5;
        s.tracks.push_back(track);
        std::vector<float> values;
        for (int row = 0; row < 12; ++row)
            for (int unit = 0; unit < 5; ++unit)
                values.push_back(float(std::sin(0.7 * row + unit)) * (kind[0] == 'h' ? 1.f : 3.f));
        s.values.push_back(values);
    }
    return s;
}

}  // namespace rnnscope::fuzz
