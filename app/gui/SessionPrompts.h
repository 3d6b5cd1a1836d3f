#pragma once
// The questions sessions ask the user: save unsaved changes, restore a recovered session,
// locate a file that moved, pick a file to save to. Each is a function so tests (and scripts)
// answer without a dialog; the defaults show Qt's dialogs.

#include <QString>
#include <functional>

class QWidget;

namespace rnnscope {

enum class UnsavedChoice { Save, Discard, Cancel };

struct SessionPrompts {
    // "Save changes to s.rnnscope?" (`name` is "" for a session never saved).
    std::function<UnsavedChoice(QWidget* parent, const QString& name)> unsavedChanges;
    // A recovery file from a session that did not end cleanly: restore it?
    std::function<bool(QWidget* parent, const QString& describe)> restoreRecovery;
    // `key` ("model", "dataset") is not at `missing`: the file the user picks, or "" to skip.
    std::function<QString(QWidget* parent, const QString& key, const QString& missing)> locate;
    // Where to save the session; "" cancels.
    std::function<QString(QWidget* parent, const QString& suggested)> savePath;
};

// The prompts every window uses; tests replace them (tests/gui/main.cpp answers without
// dialogs by default).
SessionPrompts& sessionPrompts();
SessionPrompts dialogPrompts();

}  // namespace rnnscope
