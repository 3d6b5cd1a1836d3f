#pragma once
// A sample's text once per unit, each token coloured by the unit's activation, as in Karpathy et
// al.'s figures (blue negative, red positive, white near zero): the Unit Finder's lower half.

#include <QStringList>
#include <QWidget>
#include <vector>

#include "core/analysis/hiddenunits/UnitsScan.h"

namespace rnnscope {

// The coloured text rows, drawn through paint() for the screen and exports.
class UnitTextView : public QWidget {
    Q_OBJECT
public:
    explicit UnitTextView(QWidget* parent = nullptr);
    struct Row {
        RankedUnit unit;
        Eigen::VectorXf values;  // [T] on the current sample; empty when not captured
    };

}  // namespace rnnscope
