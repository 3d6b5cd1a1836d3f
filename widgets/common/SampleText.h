#pragma once
// A dataset sample as the sample tables write it (Samples panel, Error Browser): its text, or
// for a time series window its times and values; and its reference, or a window's true value.

#include <QString>

namespace rnnscope {

struct DataSample;

// The sample's text; a series window as "1750-01 to 1753-12: 16.4; 23.1; 8.7 … 174.4 (48
// steps)": its first values and its last, enough to tell windows apart.
QString sampleText(const DataSample& sample);

// The sample's label, target or tags; a series window's one target per output, or its last
// step's targets.
QString sampleReference(const DataSample& sample);

}  // namespace rnnscope
