#pragma once
// File → Preferences…: threads, memory budget, colour map, figure DPI and font, autosave.
// Accepting saves them (core/Preferences.h); the window then applies what takes effect at once.

#include <QDialog>

#include "core/Preferences.h"

class QComboBox;
class QDoubleSpinBox;
class QFontComboBox;
class QSpinBox;
class QCheckBox;

namespace rnnscope {

class PreferencesDialog : public QDialog {
    Q_OBJECT
public:
    explicit PreferencesDialog(const Preferences& current, QWidget* parent = nullptr);
    Preferences preferences() const;  // what the fields say now

    // For tests and scripts: the fields.
    QSpinBox* threadsBox() const { return threads_; }
    QSpinBox* budgetBox() const { return budget_; }
    QSpinBox* autoCaptureBox() const { return autoCapture_; }
    QComboBox* colourMapBox() const { return colourMap_; }
    QSpinBox* dpiBox() const { return dpi_; }
    QCheckBox* ownFontBox() const { return ownFont_; }
    QFontComboBox* fontBox() const { return font_; }
    QSpinBox* fontPointsBox() const { return fontPoints_; }

private:
    QSpinBox* threads_;
    QSpinBox* budget_;
    QSpinBox* autoCapture_;
    QComboBox* colourMap_;
    QSpinBox* dpi_;
    QCheckBox* ownFont_;
    QFontComboBox* font_;
    QSpinBox* fontPoints_;
    QDoubleSpinBox* autosave_;
};

}  // namespace rnnscope
